import { App, aws_ec2 as ec2, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MetaflowNetwork } from '../../src';

function newStack(): Stack {
  return new Stack(new App(), 'Test');
}

describe('MetaflowNetwork with a new VPC', () => {
  test('defaults to 2 AZs, public + isolated subnets, no NAT, S3 endpoint and flow logs', () => {
    const stack = newStack();
    const network = new MetaflowNetwork(stack, 'Network');
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true }, 2);
    template.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false }, 2);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['.s3'])]) }),
      VpcEndpointType: 'Gateway',
    });
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });

    expect(network.computeSubnetsArePublic).toBe(true);
    expect(network.computeSubnets).toEqual({ subnetType: ec2.SubnetType.PUBLIC });
    expect(network.databaseSubnets).toEqual({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
    expect(network.s3GatewayEndpoint).toBeDefined();
    expect(network.flowLog).toBeDefined();
  });

  test('NAT gateways move compute into private subnets', () => {
    const stack = newStack();
    const network = new MetaflowNetwork(stack, 'Network', { natGateways: 1 });
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 6);
    expect(network.computeSubnetsArePublic).toBe(false);
    expect(network.computeSubnets).toEqual({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
  });

  test('maxAzs, cidr, flow log and endpoint options apply', () => {
    const stack = newStack();
    const network = new MetaflowNetwork(stack, 'Network', { maxAzs: 3, cidr: '10.42.0.0/16', flowLogs: false, s3GatewayEndpoint: false });
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.42.0.0/16' });
    template.resourceCountIs('AWS::EC2::FlowLog', 0);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(network.vpc.availabilityZones.length).toBeGreaterThanOrEqual(2);
  });
});

describe('MetaflowNetwork adopting a VPC', () => {
  function importedVpc(stack: Stack, subnets: { public?: boolean; private?: boolean; isolated?: boolean }): ec2.IVpc {
    return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-12345678',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      publicSubnetIds: subnets.public ? ['subnet-pub1', 'subnet-pub2'] : undefined,
      privateSubnetIds: subnets.private ? ['subnet-prv1', 'subnet-prv2'] : undefined,
      isolatedSubnetIds: subnets.isolated ? ['subnet-iso1', 'subnet-iso2'] : undefined,
    });
  }

  test('creates no VPC, no endpoint and no flow log; prefers private compute and isolated databases', () => {
    const stack = newStack();
    const network = new MetaflowNetwork(stack, 'Network', { vpc: importedVpc(stack, { public: true, private: true, isolated: true }) });
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    template.resourceCountIs('AWS::EC2::FlowLog', 0);
    expect(network.computeSubnets).toEqual({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    expect(network.computeSubnetsArePublic).toBe(false);
    expect(network.databaseSubnets).toEqual({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
  });

  test('falls back to public compute and private databases', () => {
    const stack = newStack();
    const network = new MetaflowNetwork(stack, 'Network', { vpc: importedVpc(stack, { public: true, isolated: true }) });
    expect(network.computeSubnets).toEqual({ subnetType: ec2.SubnetType.PUBLIC });
    expect(network.computeSubnetsArePublic).toBe(true);

    const stack2 = newStack();
    const network2 = new MetaflowNetwork(stack2, 'Network', { vpc: importedVpc(stack2, { private: true }) });
    expect(network2.databaseSubnets).toEqual({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
  });

  test('can add an S3 endpoint on request, to the route tables of every subnet', () => {
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-12345678',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      privateSubnetIds: ['subnet-prv1', 'subnet-prv2'],
      privateSubnetRouteTableIds: ['rtb-prv1', 'rtb-prv2'],
      isolatedSubnetIds: ['subnet-iso1', 'subnet-iso2'],
      isolatedSubnetRouteTableIds: ['rtb-iso1', 'rtb-iso2'],
    });
    new MetaflowNetwork(stack, 'Network', { vpc, s3GatewayEndpoint: true });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcId: 'vpc-12345678',
      RouteTableIds: Match.arrayWith(['rtb-prv1', 'rtb-iso2']),
    });
  });

  test('explains that an S3 endpoint needs the adopted VPC\'s route tables', () => {
    const stack = newStack();
    expect(() => new MetaflowNetwork(stack, 'Network', { vpc: importedVpc(stack, { private: true, isolated: true }), s3GatewayEndpoint: true }))
      .toThrow(/s3GatewayEndpoint: needs the route tables.*Fix: import the VPC with its \*SubnetRouteTableIds/s);
  });

  test('rejects a VPC with only public subnets (nowhere safe for the database)', () => {
    const stack = newStack();
    expect(() => new MetaflowNetwork(stack, 'Network', { vpc: importedVpc(stack, { public: true }) }))
      .toThrow(/vpc: has neither isolated nor private subnets for the database/);
  });

  test('rejects a VPC with only isolated subnets (no path for compute)', () => {
    const stack = newStack();
    expect(() => new MetaflowNetwork(stack, 'Network', { vpc: importedVpc(stack, { isolated: true }) }))
      .toThrow(/vpc: has neither private subnets with egress nor public subnets.*Fix: pass `computeSubnets`/s);
  });

  test('rejects database subnets in a single Availability Zone', () => {
    const stack = newStack();
    const vpc = importedVpc(stack, { public: true, private: true, isolated: true });
    expect(() => new MetaflowNetwork(stack, 'Network', { vpc, databaseSubnets: { subnets: [vpc.isolatedSubnets[0]] } }))
      .toThrow(/databaseSubnets: cover 1 Availability Zone\(s\), but the metadata database needs subnets in two/);
  });

  test('rejects a one-zone VPC in a stack without env, whose zones are tokens', () => {
    const stack = newStack();
    expect(Stack.of(stack).region).toMatch(/^\$\{Token/);
    const oneZone = new ec2.Vpc(stack, 'OneZone', { maxAzs: 1, natGateways: 0 });
    expect(() => new MetaflowNetwork(stack, 'Network', { vpc: oneZone }))
      .toThrow(/databaseSubnets: cover 1 Availability Zone\(s\), but the metadata database needs subnets in two. Fix: select database subnets in at least two/);
    // Two zones that are tokens still count as two.
    const twoZones = new ec2.Vpc(stack, 'TwoZones', { maxAzs: 2, natGateways: 0 });
    expect(() => new MetaflowNetwork(stack, 'Network2', { vpc: twoZones })).not.toThrow();
  });

  test('rejects database subnets that are public', () => {
    const stack = newStack();
    expect(() => new MetaflowNetwork(stack, 'Network', {
      vpc: importedVpc(stack, { public: true, private: true }),
      databaseSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    })).toThrow(/databaseSubnets: selects public subnets/);

    const stack2 = newStack();
    const vpc = importedVpc(stack2, { public: true, private: true });
    expect(() => new MetaflowNetwork(stack2, 'Network', { vpc, databaseSubnets: { subnets: vpc.publicSubnets } }))
      .toThrow(/databaseSubnets: selects public subnets/);
  });
});

describe('MetaflowNetwork prop validation', () => {
  test('reports every problem in one error', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Other');
    let message = '';
    try {
      new MetaflowNetwork(stack, 'Network', { vpc, natGateways: -1, maxAzs: 0, cidr: '10.0.0.0/16' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid MetaflowNetwork props \(5 problem\(s\)\)/);
    expect(message).toContain('natGateways: only shapes a new VPC but `vpc` adopts an existing one. Fix: remove `natGateways` or `vpc`.');
    expect(message).toContain('maxAzs: only shapes a new VPC');
    expect(message).toContain('cidr: only shapes a new VPC');
    expect(message).toContain('natGateways: must be a whole number >= 0, got -1');
    expect(message).toContain('maxAzs: must be a whole number >= 2, got 0');
  });

  test.each([
    [{ natGateways: -1 }, /natGateways: must be a whole number >= 0, got -1/],
    [{ natGateways: 1.5 }, /natGateways: must be a whole number >= 0, got 1.5/],
    [{ natGateways: 3, maxAzs: 2 }, /natGateways: \(3\) exceeds maxAzs \(2\)/],
    [{ maxAzs: 1 }, /maxAzs: must be a whole number >= 2, got 1\. Fix: use 2 or more: the metadata database needs subnets in two Availability Zones/],
    [{ flowLogs: false, flowLogRetention: 7 }, /flowLogRetention: is set but `flowLogs` is false/],
  ])('rejects %j', (props, message) => {
    expect(() => new MetaflowNetwork(newStack(), 'Network', props)).toThrow(message);
  });
});
