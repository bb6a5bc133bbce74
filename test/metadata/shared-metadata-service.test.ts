import { App, aws_ec2 as ec2, aws_iam as iam, aws_secretsmanager as secretsmanager, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MetaflowMetadataService, MetaflowPlatform } from '../../src';

const serviceUrl = 'https://abc123.execute-api.us-east-1.amazonaws.com/api/';
const internalUrl = 'http://metadata.metaflow-1a2b3c4d.internal:8080/';

function newStack(): Stack {
  return new Stack(new App(), 'Team', { env: { account: '111122223333', region: 'us-east-1' } });
}

describe('a platform on an imported metadata service', () => {
  const stack = newStack();
  const key = secretsmanager.Secret.fromSecretNameV2(stack, 'Key', 'metaflow/api-key');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1', availabilityZones: ['us-east-1a', 'us-east-1b'], publicSubnetIds: ['subnet-1', 'subnet-2'], isolatedSubnetIds: ['subnet-3', 'subnet-4'],
  });
  const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'ServiceSg', 'sg-0123456789abcdef0');
  const metadataService = MetaflowMetadataService.fromAttributes(stack, 'Shared', { serviceUrl, internalUrl, authKeySecret: key, securityGroup });
  const platform = new MetaflowPlatform(stack, 'Metaflow', { network: { vpc }, metadataService });
  const template = Template.fromStack(stack);

  test('creates no database, service, load balancer or API', () => {
    for (const type of ['AWS::RDS::DBInstance', 'AWS::ECS::Service', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ApiGateway::RestApi']) {
      template.resourceCountIs(type, 0);
    }
    expect(platform.metadata).toBeUndefined();
    expect(platform.api).toBeUndefined();
    expect(platform.metadataService).toBe(metadataService);
  });

  test('configures clients with the shared URLs and key', () => {
    expect(platform.config.valueOf('METAFLOW_SERVICE_URL')).toBe(serviceUrl);
    expect(platform.config.valueOf('METAFLOW_SERVICE_INTERNAL_URL')).toBe(internalUrl);
    expect(platform.config.secretKeys).toEqual(['METAFLOW_SERVICE_AUTH_KEY']);
  });

  test('lets its Batch compute through the shared service\'s security group, on port 8080 unless told otherwise', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-0123456789abcdef0',
      FromPort: 8080,
      ToPort: 8080,
      SourceSecurityGroupId: { 'Fn::GetAtt': [stack.getLogicalId(platform.batch.securityGroup.node.defaultChild as any), 'GroupId'] },
    });
  });
});

describe('MetaflowMetadataService.fromAttributes', () => {
  test('an API without key needs no secret when that is said explicitly', () => {
    const imported = MetaflowMetadataService.fromAttributes(newStack(), 'Shared', { serviceUrl, internalUrl, apiKeyRequired: false });
    expect(imported.authKey).toBeUndefined();
  });

  test('the internal URL used as service URL needs no key', () => {
    expect(() => MetaflowMetadataService.fromAttributes(newStack(), 'Shared', { serviceUrl: internalUrl, internalUrl })).not.toThrow();
  });

  test.each([
    ['a public URL without its key', { serviceUrl, internalUrl }, /authKeySecret: is missing but the service URL requires an API key[\s\S]*Fix: pass the API key secret/],
    ['a URL without trailing slash', { serviceUrl: 'https://abc.execute-api.us-east-1.amazonaws.com/api', internalUrl, apiKeyRequired: false },
      /serviceUrl: 'https:\/\/abc.execute-api.us-east-1.amazonaws.com\/api' is not an http\(s\) URL ending in \/. Fix: give the full URL/],
  ])('rejects %s', (_case, attrs, message) => {
    expect(() => MetaflowMetadataService.fromAttributes(newStack(), 'Shared', attrs)).toThrow(message);
  });

  test('clientPort names the port allowClientsFrom opens', () => {
    const stack = newStack();
    const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'LoadBalancerSg', 'sg-0123456789abcdef0');
    const imported = MetaflowMetadataService.fromAttributes(stack, 'Shared', {
      serviceUrl: 'http://internal-metadata-123.us-east-1.elb.amazonaws.com/',
      internalUrl: 'http://internal-metadata-123.us-east-1.elb.amazonaws.com/',
      securityGroup,
      clientPort: 80,
    });
    imported.allowClientsFrom(ec2.Peer.ipv4('10.0.0.0/8'));
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: 'sg-0123456789abcdef0', FromPort: 80, ToPort: 80, CidrIp: '10.0.0.0/8' });
    expect(() => MetaflowMetadataService.fromAttributes(newStack(), 'Shared', { serviceUrl: internalUrl, internalUrl, clientPort: 0 }))
      .toThrow(/clientPort: must be a port number from 1 to 65535, got 0/);
  });

  test('without the service\'s security group, allowClientsFrom changes nothing', () => {
    const stack = newStack();
    const imported = MetaflowMetadataService.fromAttributes(stack, 'Shared', { serviceUrl: internalUrl, internalUrl });
    imported.allowClientsFrom(ec2.Peer.ipv4('10.0.0.0/8'));
    Template.fromStack(stack).resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });
});

describe('an existing job role', () => {
  test('tasks run as it, and the platform adds its grants to it instead of creating a role', () => {
    const stack = newStack();
    const jobRole = iam.Role.fromRoleArn(stack, 'JobRole', 'arn:aws:iam::111122223333:role/security/MetaflowTasks');
    const platform = new MetaflowPlatform(stack, 'Metaflow', { batch: { jobRole } });
    const template = Template.fromStack(stack);
    expect(platform.batch.jobRole).toBe(jobRole);
    expect(platform.config.valueOf('METAFLOW_ECS_S3_ACCESS_IAM_ROLE')).toBe('arn:aws:iam::111122223333:role/security/MetaflowTasks');
    const policies = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy: any) => JSON.stringify(policy.Properties.Roles) === '["MetaflowTasks"]');
    const actions = policies
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement.flatMap((statement: any) => [statement.Action].flat()));
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 'dynamodb:PutItem']));
    const roles = Object.values(template.findResources('AWS::IAM::Role')) as any[];
    expect(roles.filter((role) => role.Properties.Description === 'Role Metaflow tasks on AWS Batch run as')).toEqual([]);
  });
});
