import { App, aws_ec2 as ec2, aws_kms as kms, aws_logs as logs, aws_s3 as s3, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { ComputeEnvironmentKind, MetadataDatabase, MetaflowHttpApi, MetaflowPlatform, MetaflowPlatformProps, PublicApi, StepFunctionsIntegration, UiLogin } from '../src';

function build(props?: MetaflowPlatformProps): { stack: Stack; platform: MetaflowPlatform; template: Template } {
  const stack = new Stack(new App(), 'Test');
  const platform = new MetaflowPlatform(stack, 'Metaflow', props);
  return { stack, platform, template: Template.fromStack(stack) };
}

function configKeys(platform: MetaflowPlatform): string[] {
  return Object.keys(platform.config.values);
}

describe('MetaflowPlatform with no props', () => {
  const { stack, platform, template } = build();

  test('creates every part', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.resourceCountIs('AWS::Batch::ComputeEnvironment', 1);
    template.resourceCountIs('AWS::Batch::JobQueue', 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    expect(platform.stepFunctions).toBeDefined();
  });

  test('puts Batch compute in the public subnets of the new VPC', () => {
    const publicSubnets = platform.network.vpc.publicSubnets.map((subnet) => stack.resolve(subnet.subnetId));
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', { ComputeResources: Match.objectLike({ Subnets: publicSubnets }) });
  });

  test('every log group has a retention', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(2);
    for (const group of groups) {
      expect(group.Properties.RetentionInDays).toBe(30);
    }
  });

  test('configuration has the keys of every part', () => {
    expect(configKeys(platform)).toEqual([
      'METAFLOW_DEFAULT_DATASTORE',
      'METAFLOW_DATASTORE_SYSROOT_S3',
      'METAFLOW_DATATOOLS_S3ROOT',
      'METAFLOW_BATCH_JOB_QUEUE',
      'METAFLOW_ECS_S3_ACCESS_IAM_ROLE',
      'METAFLOW_DEFAULT_METADATA',
      'METAFLOW_SERVICE_URL',
      'METAFLOW_SERVICE_INTERNAL_URL',
      'METAFLOW_SERVICE_RETRY_COUNT',
      'METAFLOW_BATCH_EMIT_TAGS',
      'METAFLOW_SFN_IAM_ROLE',
      'METAFLOW_EVENTS_SFN_ACCESS_IAM_ROLE',
      'METAFLOW_SFN_DYNAMO_DB_TABLE',
      'METAFLOW_SFN_STATE_MACHINE_PREFIX',
      'METAFLOW_SFN_EXECUTION_LOG_GROUP_ARN',
      'METAFLOW_DEFAULT_SECRETS_BACKEND_TYPE',
      'METAFLOW_AWS_SECRETS_MANAGER_DEFAULT_REGION',
    ]);
  });

  test('the API key is a secret key: in the stored configuration only', () => {
    expect(platform.config.secretKeys).toEqual(['METAFLOW_SERVICE_AUTH_KEY']);
    expect(configKeys(platform)).not.toContain('METAFLOW_SERVICE_AUTH_KEY');
    const stored = JSON.stringify(stack.resolve(platform.config.toJson(true)));
    expect(stored).toContain('METAFLOW_SERVICE_AUTH_KEY');
    expect(stored).toContain('"METAFLOW_SERVICE_AUTH_KEY\\":\\"{{resolve:secretsmanager:');
  });

  test('config values point at the resources', () => {
    const value = (key: string) => stack.resolve(platform.config.valueOf(key));
    expect(value('METAFLOW_SERVICE_URL')).toEqual(stack.resolve(platform.api!.url));
    expect(stack.resolve(platform.api!.url)).toEqual({
      'Fn::Join': ['', ['https://', { Ref: stack.getLogicalId((platform.api as MetaflowHttpApi).httpApi.node.defaultChild as any) },
        '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/api/']],
    });
    expect(value('METAFLOW_SERVICE_INTERNAL_URL')).toBe(`http://metadata.${platform.metadata!.cloudMapNamespace!.namespaceName}:8080/`);
    expect(value('METAFLOW_ECS_S3_ACCESS_IAM_ROLE')).toEqual(stack.resolve(platform.batch.jobRole.roleArn));
    expect(value('METAFLOW_BATCH_JOB_QUEUE')).toEqual(stack.resolve(platform.batch.defaultJobQueue.jobQueueName));
    expect(value('METAFLOW_SFN_DYNAMO_DB_TABLE')).toEqual(stack.resolve(platform.stepFunctions!.table.tableName));
    expect(value('METAFLOW_SFN_EXECUTION_LOG_GROUP_ARN')).toEqual(stack.resolve(platform.stepFunctions!.logGroup.logGroupArn));
  });

  test('outputs the default job queue', () => {
    const outputs = Object.values(template.findOutputs('*')) as any[];
    expect(outputs.map((output) => output.Description)).toContain("AWS Batch job queue 'cpu': use with @batch(queue='...')");
  });

  test('job role reaches the bucket and the state table', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('dynamodb:UpdateItem');
    expect(policies).toContain('s3:DeleteObject');
  });
});

describe('MetaflowPlatform options', () => {
  test('turning Step Functions off removes its resources and keys', () => {
    const { platform, template } = build({ stepFunctions: StepFunctionsIntegration.disabled() });
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(platform.stepFunctions).toBeUndefined();
    expect(configKeys(platform).filter((key) => key.includes('SFN'))).toEqual([]);
  });

  test('Fargate adds the execution role key; a KMS bucket emits no SSE key (the client would send aws:kms without the key id)', () => {
    const stack = new Stack(new App(), 'Test');
    const key = new kms.Key(stack, 'Key');
    const platform = new MetaflowPlatform(stack, 'Metaflow', {
      batch: { computeEnvironments: [{ name: 'fargate', kind: ComputeEnvironmentKind.FARGATE }] },
      datastore: { encryptionKey: key },
    });
    expect(configKeys(platform)).toContain('METAFLOW_ECS_FARGATE_EXECUTION_ROLE');
    expect(configKeys(platform)).not.toContain('METAFLOW_S3_SERVER_SIDE_ENCRYPTION');
    const template = Template.fromStack(stack);
    const descriptions = Object.values(template.findOutputs('*')).map((output: any) => output.Description as string);
    expect(descriptions.filter((description) => description.startsWith('METAFLOW_S3_SERVER_SIDE_ENCRYPTION'))).toEqual([]);
    // The roles still use the bucket's key, which the bucket's default encryption applies.
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(platform.batch.jobRole.node.defaultChild as any) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['kms:Decrypt', 'kms:Encrypt']), Resource: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as any), 'Arn'] } })]) },
    });
  });

  test('PublicApi.disabled(): no API Gateway, no API key; clients use the internal load balancer\'s URL', () => {
    const stack = new Stack(new App(), 'Test');
    const platform = new MetaflowPlatform(stack, 'Metaflow', { api: PublicApi.disabled() });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    expect(platform.api).toBeUndefined();
    // Clients outside the VPC cannot resolve a Cloud Map name: the private platform keeps its internal load balancer, as before.
    const loadBalancerUrl = stack.resolve(`http://${platform.metadata!.loadBalancer!.loadBalancerDnsName}/`);
    expect(stack.resolve(platform.config.valueOf('METAFLOW_SERVICE_URL'))).toEqual(loadBalancerUrl);
    expect(stack.resolve(platform.config.valueOf('METAFLOW_SERVICE_INTERNAL_URL'))).toEqual(loadBalancerUrl);
    template.resourceCountIs('AWS::ServiceDiscovery::PrivateDnsNamespace', 0);
    expect(platform.config.secretKeys).toEqual([]);
    expect(Object.keys(template.findResources('AWS::SecretsManager::Secret')).sort()).toEqual([
      'MetaflowConfigStoredConfig3347C682', 'MetaflowMetadataDatabaseCredentials4B4F7735',
    ]);
    const urlOutput = Object.values(template.findOutputs('*')).find((output: any) => output.Description.startsWith('METAFLOW_SERVICE_URL: ')) as any;
    expect(urlOutput.Description).toContain('the platform has no public API');
  });

  test('the internal URL admits the networks you allow', () => {
    const stack = new Stack(new App(), 'Test');
    const platform = new MetaflowPlatform(stack, 'Metaflow', { api: PublicApi.disabled() });
    platform.metadata!.allowClientsFrom(ec2.Peer.ipv4('172.16.0.0/12'));
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Metaflow metadata load balancer'),
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '172.16.0.0/12', FromPort: 80 })]),
    });
  });

  test('removalPolicy and logRetention reach every part', () => {
    const { template } = build({ removalPolicy: RemovalPolicy.DESTROY, logRetention: logs.RetentionDays.ONE_WEEK });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(7);
    }
  });

  test('a part option takes precedence over the platform-wide one', () => {
    const { template } = build({
      removalPolicy: RemovalPolicy.DESTROY,
      stepFunctions: StepFunctionsIntegration.enabled({ removalPolicy: RemovalPolicy.RETAIN }),
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  });

  test('adopting a VPC and a bucket creates neither', () => {
    const stack = new Stack(new App(), 'Test');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1', availabilityZones: ['a', 'b'], privateSubnetIds: ['p1', 'p2'], isolatedSubnetIds: ['i1', 'i2'],
    });
    const bucket = s3.Bucket.fromBucketName(stack, 'Bucket', 'existing');
    const platform = new MetaflowPlatform(stack, 'Metaflow', { network: { vpc }, datastore: { bucket }, removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', { ComputeResources: Match.objectLike({ Subnets: ['p1', 'p2'] }) });
    expect(stack.resolve(platform.config.valueOf('METAFLOW_DATASTORE_SYSROOT_S3'))).toBe('s3://existing/metaflow');
  });

  test('rejects new-resource options beside adopted resources in one error', () => {
    const stack = new Stack(new App(), 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const bucket = new s3.Bucket(stack, 'Bucket');
    expect(() => new MetaflowPlatform(stack, 'Metaflow', {
      network: { vpc, natGateways: 1 }, datastore: { bucket, versioned: true },
    })).toThrow(/Invalid MetaflowPlatform props \(2 problem\(s\)\)[\s\S]*network\.natGateways: only shapes a new VPC[\s\S]*datastore\.versioned: only shapes a new bucket/);
  });

  test('errors from a part name the part\'s prop with its full path', () => {
    expect(() => build({ network: { natGateways: -2 } })).toThrow(/Invalid MetaflowPlatform props[\s\S]*network\.natGateways: must be a whole number >= 0, got -2/);
    expect(() => build({ batch: { computeEnvironments: [{ name: 'cpu', minVcpus: 8, maxVcpus: 4 }] } })).toThrow(/batch\.computeEnvironments\[0\]\.minVcpus: \(8\) is greater than maxVcpus \(4\)/);
  });

  test('problems in several parts are reported together in one message', () => {
    let message = '';
    try {
      build({
        network: { natGateways: -1 },
        batch: { computeEnvironments: [{ name: 'cpu' }, { name: 'big', maxVcpus: 0 }] },
        metadata: { cpu: 300, database: MetadataDatabase.postgresInstance({ allocatedStorageGiB: 5 }) },
        api: PublicApi.httpApi({ stageName: 'no spaces' }),
        datastore: { sysrootPrefix: '/lead' },
        stepFunctions: StepFunctionsIntegration.enabled({ stateMachinePrefix: 'bad prefix' }),
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid MetaflowPlatform props \(7 problem\(s\)\):/);
    for (const path of [
      'network.natGateways', 'batch.computeEnvironments[1].maxVcpus', 'metadata.cpu', 'metadata.database.allocatedStorageGiB',
      'api.stageName', 'datastore.sysrootPrefix', 'stepFunctions.stateMachinePrefix',
    ]) {
      expect(message).toContain(`  - ${path}: `);
    }
  });
});

describe('cost-allocation tags', () => {
  const tags = { 'cost-center': 'ml-platform', 'team': 'vision' };
  const { platform, template } = build({ tags });

  test('every taggable resource carries them, Batch instances included', () => {
    const resources = Object.values(template.toJSON().Resources) as any[];
    const tagged = resources.filter((resource) => resource.Properties?.Tags !== undefined);
    expect(tagged.length).toBeGreaterThan(20);
    for (const resource of tagged) {
      const carried = JSON.stringify(resource.Properties.Tags);
      expect(carried).toContain('ml-platform');
      expect(carried).toContain('vision');
    }
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', { ComputeResources: Match.objectLike({ Tags: tags }) });
  });

  test('Metaflow tags every Batch job with them and with its own', () => {
    expect(platform.config.valueOf('METAFLOW_BATCH_EMIT_TAGS')).toBe('True');
    expect(JSON.parse(platform.config.valueOf('METAFLOW_BATCH_DEFAULT_TAGS')!)).toEqual(tags);
  });

  test('every role that submits jobs may tag them', () => {
    const statements = [
      ...Object.values(template.findResources('AWS::IAM::Policy')),
      ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')),
    ].flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const submitters = statements.filter((statement) => [statement.Action].flat().includes('batch:SubmitJob')).length;
    const taggers = statements.filter((statement) => [statement.Action].flat().includes('batch:TagResource')).length;
    expect(submitters).toBe(2);
    expect(taggers).toBe(submitters);
  });

  test('without tags, jobs carry only Metaflow\'s own', () => {
    const { platform: untagged } = build();
    expect(untagged.config.valueOf('METAFLOW_BATCH_EMIT_TAGS')).toBe('True');
    expect(untagged.config.valueOf('METAFLOW_BATCH_DEFAULT_TAGS')).toBeUndefined();
  });
});

describe('platform-wide removal policy', () => {
  test('datastore.autoDeleteObjects is accepted when the platform is destroyed with its stack', () => {
    const { template } = build({ removalPolicy: RemovalPolicy.DESTROY, datastore: { autoDeleteObjects: true } });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
  });
});

test('tag keys with underscores are the user\'s own names, not snake_case props', () => {
  const { platform } = build({ tags: { cost_center: 'ml' } });
  expect(JSON.parse(platform.config.valueOf('METAFLOW_BATCH_DEFAULT_TAGS')!)).toEqual({ cost_center: 'ml' });
});

describe('a clean synth', () => {
  test('prints no warning with the recommended feature flags, for a default platform and one with a notebook and Fargate', () => {
    for (const props of [{}, { notebook: {}, batch: { computeEnvironments: [{ name: 'cpu' }, { name: 'fargate', kind: ComputeEnvironmentKind.FARGATE }] } }]) {
      const stack = new Stack(new App({ context: cxapi.CURRENTLY_RECOMMENDED_FLAGS }), 'Test');
      new MetaflowPlatform(stack, 'Metaflow', props);
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((warning) => `${warning.id}: ${JSON.stringify(warning.entry.data)}`)).toEqual([]);
    }
  });
});

describe('availability', () => {
  test('the stored configuration gives clients outside Batch about 2 minutes of retries (7 waits of 1 to 64 s)', () => {
    const stack = new Stack(new App(), 'Test');
    const platform = new MetaflowPlatform(stack, 'Metaflow');
    expect(Number(platform.config.valueOf('METAFLOW_SERVICE_RETRY_COUNT'))).toBeGreaterThanOrEqual(8);
    const waits = [...Array(Number(platform.config.valueOf('METAFLOW_SERVICE_RETRY_COUNT')) - 1).keys()].map((i) => 2 ** i);
    expect(waits.reduce((sum, wait) => sum + wait, 0)).toBeGreaterThanOrEqual(120);
  });

  test('highAvailability: two service and UI tasks over two zones, a Multi-AZ database', () => {
    const stack = new Stack(new App(), 'Test');
    const platform = new MetaflowPlatform(stack, 'Metaflow', { highAvailability: true, ui: { internetFacing: false, login: UiLogin.none() } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: true });
    for (const service of [platform.metadata!.service, platform.ui!.service]) {
      const resource = template.toJSON().Resources[stack.getLogicalId(service.node.defaultChild as any)];
      expect(resource.Properties.DesiredCount).toBe(2);
      const subnets = resource.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets.map((subnet: any) => subnet.Ref);
      const zones = new Set(subnets.map((id: string) => JSON.stringify(template.toJSON().Resources[id].Properties.AvailabilityZone)));
      expect(zones.size).toBe(2);
    }
  });

  test('by default one task each and a single-AZ database, with a quiet maintenance window that can be moved', () => {
    const template = build({}).template;
    template.hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: false, PreferredMaintenanceWindow: 'sun:04:00-sun:04:30', PreferredBackupWindow: '03:00-03:30' });
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 1 });
    build({ metadata: { database: MetadataDatabase.postgresInstance({ preferredMaintenanceWindow: 'wed:02:00-wed:02:30' }) } }).template
      .hasResourceProperties('AWS::RDS::DBInstance', { PreferredMaintenanceWindow: 'wed:02:00-wed:02:30' });
  });
});
