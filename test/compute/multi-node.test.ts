import { App, aws_ec2 as ec2, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ComputeAccelerator, MetaflowBatch, MetaflowBatchOptions, MetaflowComputeEnvironmentOptions, MetaflowPlatform } from '../../src';

const G5 = new ec2.InstanceType('g5.12xlarge');

function build(environment: Partial<MetaflowComputeEnvironmentOptions>, natGateways = 1, options: MetaflowBatchOptions = {}) {
  const stack = new Stack(new App(), 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways, maxAzs: 2 });
  const batch = new MetaflowBatch(stack, 'Batch', {
    vpc, computeEnvironments: [{ name: 'cpu' }, { name: 'multi', ...environment }], ...options,
  });
  const [, multi] = batch.computeEnvironments;
  return { stack, vpc, batch, multi, template: Template.fromStack(stack) };
}

function environmentProperties(stack: Stack, template: Template, environment: { computeEnvironment: unknown }): any {
  const id = stack.getLogicalId((environment.computeEnvironment as any).node.defaultChild);
  return template.toJSON().Resources[id].Properties;
}

function buildError(environment: Partial<MetaflowComputeEnvironmentOptions>, natGateways = 1): string {
  try {
    build(environment, natGateways);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the props to be rejected');
}

describe('a multi-node environment', () => {
  test('runs on-demand EC2 of one type in one zone, in a new cluster placement group', () => {
    const { stack, vpc, multi, template } = build({ instanceTypes: [G5], gpu: true, multiNode: {} });
    template.resourceCountIs('AWS::EC2::PlacementGroup', 1);
    template.hasResourceProperties('AWS::EC2::PlacementGroup', { Strategy: 'cluster' });
    const placementGroupId = stack.getLogicalId((multi.placementGroup as ec2.PlacementGroup).node.defaultChild as ec2.CfnPlacementGroup);
    const properties = environmentProperties(stack, template, multi);
    expect(properties.ComputeResources).toMatchObject({
      Type: 'EC2',
      InstanceTypes: ['g5.12xlarge'],
      PlacementGroup: { 'Fn::GetAtt': [placementGroupId, 'GroupName'] },
      Subnets: [{ Ref: stack.getLogicalId(vpc.privateSubnets[0].node.defaultChild as ec2.CfnSubnet) }],
      Ec2Configuration: [{ ImageType: 'ECS_AL2023_NVIDIA' }],
      MinvCpus: 0,
    });
    expect(multi.multiNode).toBe(true);
    expect(multi.efaInterfaces).toBe(0);
  });

  test('its nodes admit all traffic from each other and nothing else; the platform group still admits nothing', () => {
    const { stack, batch, multi, template } = build({ instanceTypes: [G5], multiNode: {} });
    const groupId = stack.getLogicalId(multi.multiNodeSecurityGroup!.node.defaultChild as ec2.CfnSecurityGroup);
    const self = { 'Fn::GetAtt': [groupId, 'GroupId'] };
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((rule: any) => rule.Properties);
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).map((rule: any) => rule.Properties);
    expect(ingress.filter((rule) => JSON.stringify(rule.GroupId) === JSON.stringify(self))).toEqual([
      expect.objectContaining({ IpProtocol: '-1', SourceSecurityGroupId: self }),
    ]);
    expect(egress.filter((rule) => JSON.stringify(rule.GroupId) === JSON.stringify(self))).toEqual([
      expect.objectContaining({ IpProtocol: '-1', DestinationSecurityGroupId: self }),
    ]);
    const group = template.toJSON().Resources[groupId].Properties;
    expect(group.SecurityGroupIngress).toBeUndefined();
    expect(group.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: '-1' })]);
    const platformGroupId = stack.getLogicalId(batch.securityGroup.node.defaultChild as ec2.CfnSecurityGroup);
    expect(ingress.filter((rule) => rule.GroupId?.['Fn::GetAtt']?.[0] === platformGroupId)).toEqual([]);
    expect(environmentProperties(stack, template, multi).ComputeResources.SecurityGroupIds).toEqual([
      { 'Fn::GetAtt': [platformGroupId, 'GroupId'] }, self,
    ]);
  });

  test('the single-node environment beside it keeps the platform group alone, all zones and no placement group', () => {
    const { stack, batch, template } = build({ instanceTypes: [G5], multiNode: {} });
    const properties = environmentProperties(stack, template, batch.computeEnvironments[0]);
    expect(properties.ComputeResources.SecurityGroupIds).toHaveLength(1);
    expect(properties.ComputeResources.Subnets).toHaveLength(2);
    expect(properties.ComputeResources.PlacementGroup).toBeUndefined();
  });

  test('its default maximum fits four nodes of its instance type; a given maximum is kept', () => {
    const defaults = build({ instanceTypes: [G5], multiNode: {} });
    expect(environmentProperties(defaults.stack, defaults.template, defaults.multi).ComputeResources.MaxvCpus).toBe(192);
    const small = build({ instanceTypes: [new ec2.InstanceType('c6i.large')], multiNode: {} });
    expect(environmentProperties(small.stack, small.template, small.multi).ComputeResources.MaxvCpus).toBe(64);
    const given = build({ instanceTypes: [G5], multiNode: {}, maxVcpus: 96 });
    expect(environmentProperties(given.stack, given.template, given.multi).ComputeResources.MaxvCpus).toBe(96);
  });

  test('takes the user\'s placement group and zone', () => {
    const stack = new Stack(new App(), 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1, maxAzs: 2 });
    const placementGroup = ec2.PlacementGroup.fromPlacementGroupName(stack, 'Group', 'training');
    const batch = new MetaflowBatch(stack, 'Batch', {
      vpc,
      computeEnvironments: [{ name: 'multi', instanceTypes: [G5], multiNode: { placementGroup, availabilityZone: vpc.availabilityZones[1] } }],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::PlacementGroup', 0);
    expect(batch.computeEnvironments[0].placementGroup).toBe(placementGroup);
    expect(environmentProperties(stack, template, batch.computeEnvironments[0]).ComputeResources).toMatchObject({
      PlacementGroup: 'training',
      Subnets: [{ Ref: stack.getLogicalId(vpc.privateSubnets[1].node.defaultChild as ec2.CfnSubnet) }],
    });
  });

  test('refuses a zone without compute subnets', () => {
    expect(buildError({ instanceTypes: [G5], multiNode: { availabilityZone: 'mars-1a' } }))
      .toMatch(/multiNode\.availabilityZone: 'mars-1a' holds none of the compute subnets\. Fix: name the zone of a compute subnet/);
  });

  test('in public subnets it warns that containers have no internet, which a NAT gateway avoids', () => {
    const id = 'cdk-metaflow-platform:multiNodeWithoutNat';
    const publicOnly = build({ instanceTypes: [G5], multiNode: {} }, 0);
    Annotations.fromStack(publicOnly.stack).hasWarning('/Test/Batch/multi', Match.stringLikeRegexp(`without a public IP.*METAFLOW_SKIP_INSTALL_DEPENDENCIES.*${id}`));
    const withNat = build({ instanceTypes: [G5], multiNode: {} }, 1);
    expect(Annotations.fromStack(withNat.stack).findWarning('*', Match.stringLikeRegexp(id))).toEqual([]);
  });

  test('its queue is a queue of the platform, in the configuration outputs like any other', () => {
    const stack = new Stack(new App(), 'Test');
    const platform = new MetaflowPlatform(stack, 'Metaflow', {
      network: { natGateways: 1 },
      batch: { computeEnvironments: [{ name: 'cpu' }, { name: 'multi-gpu', gpu: true, instanceTypes: [G5], multiNode: {} }] },
    });
    expect(platform.batch.jobQueueNames).toEqual(['cpu', 'multi-gpu']);
    const outputs = Template.fromStack(stack).findOutputs('MetaflowJobQueueMultiGpu');
    expect(Object.values(outputs)).toHaveLength(1);
  });
});

describe('EFA on a multi-node environment', () => {
  test('puts EFA interfaces, one per network card, with the environment\'s groups into the launch template', () => {
    const { stack, batch, multi, template } = build({ instanceTypes: [new ec2.InstanceType('p4d.24xlarge')], gpu: true, multiNode: { efaInterfaces: 4 } });
    const launchTemplate = template.toJSON().Resources[stack.getLogicalId(multi.launchTemplate!.node.defaultChild as ec2.CfnLaunchTemplate)];
    const groups = [batch.securityGroup, multi.multiNodeSecurityGroup!]
      .map((group) => ({ 'Fn::GetAtt': [stack.getLogicalId(group.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] }));
    expect(launchTemplate.Properties.LaunchTemplateData.NetworkInterfaces).toEqual([0, 1, 2, 3].map((card) => ({
      NetworkCardIndex: card, DeviceIndex: card === 0 ? 0 : 1, InterfaceType: 'efa', Groups: groups, DeleteOnTermination: true,
    })));
    // Batch allows security groups on the environment or interfaces in the launch template, not both.
    const properties = environmentProperties(stack, template, multi);
    expect(properties.ComputeResources.SecurityGroupIds).toBeUndefined();
    expect(properties.ComputeResources.PlacementGroup).toBeDefined();
    expect(multi.efaInterfaces).toBe(4);
  });

  test('without EFA the launch template has no interfaces', () => {
    const { stack, multi, template } = build({ instanceTypes: [G5], multiNode: {} });
    const launchTemplate = template.toJSON().Resources[stack.getLogicalId(multi.launchTemplate!.node.defaultChild as ec2.CfnLaunchTemplate)];
    expect(launchTemplate.Properties.LaunchTemplateData.NetworkInterfaces).toBeUndefined();
  });

  test('refuses public compute subnets, where EFA instances get no public IP', () => {
    expect(buildError({ instanceTypes: [G5], multiNode: { efaInterfaces: 1 } }, 0))
      .toMatch(/computeEnvironments\[1\]\.multiNode\.efaInterfaces: needs compute subnets with a NAT gateway/);
  });
});

describe('Trainium and Inferentia', () => {
  test('launch the ECS-optimised AL2023 Neuron AMI from its public SSM parameter on trn1 and inf2', () => {
    const { stack, multi, template } = build({ accelerator: ComputeAccelerator.AWS_NEURON });
    const configuration = environmentProperties(stack, template, multi).ComputeResources;
    expect(configuration.InstanceTypes).toEqual(['trn1', 'inf2']);
    expect(configuration.Ec2Configuration).toHaveLength(1);
    expect(configuration.Ec2Configuration[0].ImageType).toBe('ECS_AL2023');
    const parameter = template.toJSON().Parameters[configuration.Ec2Configuration[0].ImageIdOverride.Ref];
    expect(parameter).toEqual({
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: '/aws/service/ecs/optimized-ami/amazon-linux-2023/inf/recommended/image_id',
    });
    expect(multi.accelerator).toBe(ComputeAccelerator.AWS_NEURON);
    expect(multi.gpu).toBe(false);
  });

  test('a multi-node Neuron environment with EFA combines both', () => {
    const { stack, multi, template } = build({
      accelerator: ComputeAccelerator.AWS_NEURON, instanceTypes: [new ec2.InstanceType('trn1.32xlarge')], multiNode: { efaInterfaces: 8 },
    });
    const configuration = environmentProperties(stack, template, multi).ComputeResources;
    expect(configuration.InstanceTypes).toEqual(['trn1.32xlarge']);
    expect(configuration.Ec2Configuration[0].ImageIdOverride).toBeDefined();
    expect(configuration.MaxvCpus).toBe(512);
    const launchTemplate = template.toJSON().Resources[stack.getLogicalId(multi.launchTemplate!.node.defaultChild as ec2.CfnLaunchTemplate)];
    expect(launchTemplate.Properties.LaunchTemplateData.NetworkInterfaces).toHaveLength(8);
  });

  test('accelerator NVIDIA_GPU is gpu: true', () => {
    const { stack, multi, template } = build({ accelerator: ComputeAccelerator.NVIDIA_GPU });
    const configuration = environmentProperties(stack, template, multi).ComputeResources;
    expect(configuration.Ec2Configuration).toEqual([{ ImageType: 'ECS_AL2023_NVIDIA' }]);
    expect(configuration.InstanceTypes).toEqual(['g4dn', 'g5']);
    expect(multi.gpu).toBe(true);
  });
});
