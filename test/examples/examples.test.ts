import { App, aws_iam as iam, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { allExampleStacks, EXAMPLE_STACKS } from '../../examples/all-stacks';
import { MetaflowDataStack, MetaflowServicesStack } from '../../examples/data-stack/stack';
import { PartsStack } from '../../examples/parts/stack';
import { SharedMetadataStack, TeamPlatformStack } from '../../examples/team/stack';
import { WithUiStack } from '../../examples/with-ui/stack';
import { MetaflowPlatform } from '../../src';

/** The examples of one stack each; team, data-stack and parts have tests of their own below. */
const examples: Record<string, (app: App) => Stack> = Object.fromEntries(['default', 'bring-your-own', 'full', 'with-ui', 'private', 'aurora', 'rest-api']
  .map((name) => [name, (app: App) => EXAMPLE_STACKS[name](app)[0]]));

/** Every AwsSolutions finding on `stack` that no acknowledgement covers, as `<rule> at <construct path>`. */
function unacknowledgedFindings(stack: Stack): string[] {
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations.flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`));
}

function acknowledgements(scope: IConstruct): Array<[string, string]> {
  return scope.node.findAll().flatMap((construct) => construct.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>)));
}

/** Resources that CloudFormation would refuse to delete in a `cdk destroy`: protected and not retained (a retained one is left alone). */
function deletionsRefused(stack: Stack): string[] {
  const resources = Object.entries(Template.fromStack(stack).toJSON().Resources as Record<string, any>);
  const protectedResource = (resource: any): boolean => {
    const props = resource.Properties ?? {};
    return props.DeletionProtection === true || props.DeletionProtection === 'ACTIVE' || props.DeletionProtectionEnabled === true
      || (props.LoadBalancerAttributes ?? []).some((attribute: any) => attribute.Key === 'deletion_protection.enabled' && attribute.Value === 'true');
  };
  return resources.filter(([, resource]) => protectedResource(resource) && resource.DeletionPolicy !== 'Retain').map(([id]) => id);
}

describe.each(Object.keys(examples))('example %s', (name) => {
  const stack = examples[name](new App());

  test('cdk destroy completes: no protected resource that CloudFormation would have to delete', () => {
    expect(deletionsRefused(stack)).toEqual([]);
  });

  test('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });

  test('every acknowledgement gives a reason', () => {
    const acknowledged = acknowledgements(stack);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [rule, reason] of acknowledged) {
      expect(rule).toMatch(/^AwsSolutions-[A-Z]+\d+/);
      expect(reason.length).toBeGreaterThan(30);
    }
  });

  // A later aws-cdk-lib 2.x may rename its internal children; acknowledgements sit on constructs the library creates.
  test('no acknowledgement is recorded on a child aws-cdk-lib names internally', () => {
    const internalIds = ['framework-onEvent', 'CloudWatchRole', 'Endpoint', 'ServiceRole'];
    const acknowledgedAt = stack.node.findAll()
      .filter((construct) => construct.node.metadata.some((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .map((construct) => construct.node.id);
    expect(acknowledgedAt.filter((id) => internalIds.includes(id))).toEqual([]);
  });

  const template = Template.fromStack(stack);
  const statements = Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement.map((statement: any) => ({ roles: policy.Properties.Roles, ...statement })));
  const roleRef = (role: IConstruct) => JSON.stringify([{ Ref: stack.getLogicalId(role.node.defaultChild as CfnElement) }]);
  const platform = (stack as unknown as { platform: MetaflowPlatform }).platform;

  test('every log group the platform causes expires, API Gateway\'s execution log group included', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup')) as any[];
    for (const group of groups) {
      expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
    }
    const apis = Object.keys(template.findResources('AWS::ApiGateway::RestApi')).length;
    expect(groups.filter((group) => JSON.stringify(group.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'))).toHaveLength(apis);
  });

  test('no Lambda role has an AWS managed policy; each writes only its own log group', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    expect(functions.length).toBeGreaterThan(0);
    const roles = template.findResources('AWS::IAM::Role');
    for (const fn of functions) {
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      expect(roles[roleId].Properties.ManagedPolicyArns).toBeUndefined();
      const logStatements = statements.filter((statement) => JSON.stringify(statement.roles) === JSON.stringify([{ Ref: roleId }])
        && [statement.Action].flat().includes('logs:PutLogEvents'));
      expect(logStatements).toHaveLength(1);
      expect(logStatements[0].Resource).toEqual({ 'Fn::GetAtt': [fn.Properties.LoggingConfig.LogGroup.Ref, 'Arn'] });
    }
  });

  test('the Batch job role does not write /aws/batch/job; the state machine role registers no job definitions', () => {
    const jobRole = statements.filter((statement) => JSON.stringify(statement.roles) === roleRef(platform.batch.jobRole));
    expect(JSON.stringify(jobRole)).not.toContain('/aws/batch/job');
    expect(jobRole.flatMap((statement) => [statement.Action].flat()).filter((action: string) => action.startsWith('logs:'))).toEqual([]);
    const stateMachineRole = statements.filter((statement) => JSON.stringify(statement.roles) === roleRef(platform.stepFunctions!.stateMachineRole));
    const actions = stateMachineRole.flatMap((statement) => [statement.Action].flat());
    expect(actions).not.toContain('batch:RegisterJobDefinition');
    expect(actions).toEqual(expect.arrayContaining(['s3:ListMultipartUploadParts', 's3:AbortMultipartUpload', 'states:RedriveExecution']));
  });

  test('emits no METAFLOW_S3_SERVER_SIDE_ENCRYPTION', () => {
    expect(JSON.stringify(template.toJSON())).not.toContain('METAFLOW_S3_SERVER_SIDE_ENCRYPTION');
  });
});

describe('default example', () => {
  const stack = examples.default(new App());
  const template = Template.fromStack(stack);

  test('has a retained, encrypted, TLS-only bucket', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ BucketEncryption: Match.anyValue(), PublicAccessBlockConfiguration: Match.anyValue() }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('has one min-0 Batch environment and its queue, the state table and the three Metaflow roles', () => {
    template.resourceCountIs('AWS::Batch::ComputeEnvironment', 1);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', { ComputeResources: Match.objectLike({ MinvCpus: 0 }) });
    template.resourceCountIs('AWS::Batch::JobQueue', 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    for (const service of ['ecs-tasks.amazonaws.com', 'states.amazonaws.com', 'events.amazonaws.com']) {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: service } })] },
      });
    }
  });

  test('every log group has a retention', () => {
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });

  test.each([
    'METAFLOW_SERVICE_URL', 'METAFLOW_SERVICE_INTERNAL_URL', 'METAFLOW_DEFAULT_METADATA', 'METAFLOW_DEFAULT_DATASTORE',
    'METAFLOW_DATASTORE_SYSROOT_S3', 'METAFLOW_DATATOOLS_S3ROOT', 'METAFLOW_BATCH_JOB_QUEUE', 'METAFLOW_ECS_S3_ACCESS_IAM_ROLE',
    'METAFLOW_SFN_IAM_ROLE', 'METAFLOW_EVENTS_SFN_ACCESS_IAM_ROLE', 'METAFLOW_SFN_DYNAMO_DB_TABLE',
    'METAFLOW_SFN_STATE_MACHINE_PREFIX', 'METAFLOW_SFN_EXECUTION_LOG_GROUP_ARN',
  ])('has an output for %s', (key) => {
    const outputs = Object.values(template.findOutputs('*')) as Array<{ Description: string }>;
    expect(outputs.filter((output) => output.Description.startsWith(`${key}: `))).toHaveLength(1);
  });

  // Stateful resources must keep their logical ids across releases, or CloudFormation replaces them and data is lost.
  test('stateful logical ids are pinned', () => {
    expect(Object.keys(template.findResources('AWS::S3::Bucket'))).toEqual(['MetaflowDatastoreBucket4C4F7E9B']);
    expect(Object.keys(template.findResources('AWS::DynamoDB::Table'))).toEqual(['MetaflowStepFunctionsStateTable9AA7ECAE']);
    expect(Object.keys(template.findResources('AWS::RDS::DBInstance'))).toEqual(['MetaflowMetadataDatabaseInstance706D9A54']);
    expect(Object.keys(template.findResources('AWS::SecretsManager::Secret')).sort()).toEqual([
      'MetaflowApiApiKeySecretE668AF66',
      'MetaflowConfigStoredConfig3347C682',
      'MetaflowMetadataDatabaseCredentials4B4F7735',
    ]);
  });

  test('has an encrypted, private PostgreSQL >= 15 that keeps a final snapshot, in subnets without public IPs', () => {
    template.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Snapshot',
      Properties: Match.objectLike({ Engine: 'postgres', StorageEncrypted: true, PubliclyAccessible: false, DeletionProtection: false }),
    });
    const instance = Object.values(template.findResources('AWS::RDS::DBInstance'))[0] as any;
    expect(Number(instance.Properties.EngineVersion.split('.')[0])).toBeGreaterThanOrEqual(15);
    const subnetGroup = Object.values(template.findResources('AWS::RDS::DBSubnetGroup'))[0] as any;
    const subnets = template.findResources('AWS::EC2::Subnet');
    for (const ref of subnetGroup.Properties.SubnetIds) {
      expect(subnets[ref.Ref].Properties.MapPublicIpOnLaunch).toBe(false);
    }
  });

  test('runs the metadata container with database settings, the password as a secret, a health check and rollback', () => {
    const definitions = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[];
    const metadata = definitions.flatMap((definition) => definition.Properties.ContainerDefinitions).find((container) => container.Name === 'metadata');
    const names = metadata.Environment.map((variable: any) => variable.Name);
    expect(names).toEqual(expect.arrayContaining(['MF_METADATA_DB_HOST', 'MF_METADATA_DB_PORT', 'MF_METADATA_DB_USER', 'MF_METADATA_DB_NAME', 'MF_METADATA_DB_SSL_MODE']));
    expect(names).not.toContain('MF_METADATA_DB_PSWD');
    expect(metadata.Secrets.map((secret: any) => secret.Name)).toEqual(['MF_METADATA_DB_PSWD']);
    expect(metadata.HealthCheck).toBeDefined();
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
    });
  });

  test('has no load balancer: Cloud Map (A and SRV records), an HTTP API with a VPC link and a key authorizer, a keep-alive schedule, and a migration resource', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    template.hasResourceProperties('AWS::ServiceDiscovery::Service', { DnsConfig: Match.objectLike({ DnsRecords: [{ Type: 'A', TTL: 10 }, { Type: 'SRV', TTL: 10 }] }) });
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.resourceCountIs('AWS::ApiGatewayV2::VpcLink', 1);
    const [discovery] = Object.keys(template.findResources('AWS::ServiceDiscovery::Service'));
    template.allResourcesProperties('AWS::ApiGatewayV2::Integration', {
      ConnectionType: 'VPC_LINK', IntegrationUri: { 'Fn::GetAtt': [discovery, 'Arn'] },
    });
    const [authorizer] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'REQUEST', EnableSimpleResponses: true });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default', AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizer } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /keep-alive', AuthorizationType: 'AWS_IAM' });
    template.resourcePropertiesCountIs('AWS::ApiGatewayV2::Route', { AuthorizationType: 'NONE' }, 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 10000 }),
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
    template.resourceCountIs('Custom::MetaflowSchemaMigration', 1);
    expect(JSON.stringify(template.findResources('AWS::ApiGatewayV2::Integration'))).not.toContain('8082');
  });

  test('stores the complete configuration in a secret and outputs the command that fetches it', () => {
    const secret = template.findResources('AWS::SecretsManager::Secret').MetaflowConfigStoredConfig3347C682 as any;
    expect(JSON.stringify(secret.Properties.SecretString)).toContain('METAFLOW_SERVICE_AUTH_KEY');
    template.hasOutput('MetaflowConfigureCommand', { Description: Match.stringLikeRegexp('^Writes the complete Metaflow client configuration') });
    template.hasOutput('MetaflowConfigSecretArn', { Value: { Ref: 'MetaflowConfigStoredConfig3347C682' } });
  });
});

describe('default example has no UI', () => {
  const template = Template.fromStack(examples.default(new App()));

  test('no load balancer, user pool, UI task or METAFLOW_UI_URL', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain('ui_backend_service');
    expect(JSON.stringify(template.toJSON())).not.toContain('METAFLOW_UI_URL');
  });
});

describe('parts example: the parts wired without MetaflowPlatform', () => {
  const stack = new PartsStack(new App(), 'MetaflowParts');
  const template = Template.fromStack(stack);

  test('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });

  test('bills nothing while idle: no database, service, load balancer or NAT gateway', () => {
    for (const type of ['AWS::RDS::DBInstance', 'AWS::ECS::Service', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::EC2::NatGateway']) {
      template.resourceCountIs(type, 0);
    }
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', { ComputeResources: Match.objectLike({ MinvCpus: 0 }) });
  });

  test('the job role may write the datastore, and the configuration uses local metadata', () => {
    expect(stack.config.valueOf('METAFLOW_DEFAULT_METADATA')).toBe('local');
    expect(Object.keys(stack.config.values)).toEqual(expect.arrayContaining(['METAFLOW_BATCH_JOB_QUEUE', 'METAFLOW_ECS_S3_ACCESS_IAM_ROLE']));
    const jobRole = JSON.stringify([{ Ref: stack.getLogicalId(stack.batch.jobRole.node.defaultChild as CfnElement) }]);
    const actions = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy: any) => JSON.stringify(policy.Properties.Roles) === jobRole)
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement.flatMap((statement: any) => [statement.Action].flat()));
    expect(actions).toEqual(expect.arrayContaining(['s3:ListBucket', 's3:GetObject', 's3:PutObject', 's3:DeleteObject']));
  });
});

describe('default example bills only the database, one task, Cloud Map and three secrets while idle', () => {
  const template = Template.fromStack(examples.default(new App()));

  // The resources billed while idle, as README's cost table lists them; the day-2 options add none by default.
  test.each([
    ['AWS::RDS::DBInstance', 1], ['AWS::ECS::Service', 1], ['AWS::ElasticLoadBalancingV2::LoadBalancer', 0], ['AWS::SecretsManager::Secret', 3],
    ['AWS::ServiceDiscovery::PrivateDnsNamespace', 1], ['AWS::ServiceDiscovery::Service', 1], ['AWS::Events::Rule', 1],
    ['AWS::EC2::NatGateway', 0], ['AWS::KMS::Key', 0], ['AWS::EFS::FileSystem', 0], ['AWS::CloudWatch::Alarm', 0], ['AWS::CloudWatch::Dashboard', 0],
    ['AWS::SNS::Topic', 0], ['AWS::SageMaker::NotebookInstance', 0],
  ])('%s: %i', (type, count) => {
    template.resourceCountIs(type, count);
  });
});

describe('full example turns on the day-2 options', () => {
  const stack = examples.full(new App());
  const template = Template.fromStack(stack);
  const platform = (stack as unknown as { platform: MetaflowPlatform }).platform;

  test('its tags are on its resources and in the client configuration', () => {
    template.hasResourceProperties('AWS::EFS::FileSystem', { FileSystemTags: Match.arrayWith([{ Key: 'cost-center', Value: 'ml-platform' }]) });
    template.hasResourceProperties('AWS::RDS::DBInstance', { Tags: Match.arrayWith([{ Key: 'team', Value: 'research' }]) });
    expect(platform.config.valueOf('METAFLOW_BATCH_EMIT_TAGS')).toBe('True');
    expect(JSON.parse(platform.config.valueOf('METAFLOW_BATCH_DEFAULT_TAGS')!)).toEqual({ 'cost-center': 'ml-platform', 'team': 'research' });
    expect(platform.config.valueOf('METAFLOW_DEFAULT_SECRETS_BACKEND_TYPE')).toBe('aws-secrets-manager');
  });

  test('the job role may read secrets only under the platform\'s prefix', () => {
    const jobRole = JSON.stringify([{ Ref: stack.getLogicalId(platform.batch.jobRole.node.defaultChild as CfnElement) }]);
    const reads = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy: any) => JSON.stringify(policy.Properties.Roles) === jobRole)
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement)
      .filter((statement: any) => JSON.stringify(statement.Action).includes('secretsmanager:'));
    expect(reads).toHaveLength(1);
    expect(reads[0].Action).toBe('secretsmanager:GetSecretValue');
    expect(JSON.stringify(reads[0].Resource)).toContain(':secret:metaflow/research/*');
  });

  test('has an EFS file system with mount targets, at least 6 alarms and a dashboard', () => {
    template.resourceCountIs('AWS::EFS::FileSystem', 1);
    expect(Object.keys(template.findResources('AWS::EFS::MountTarget')).length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length).toBeGreaterThanOrEqual(6);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('a permissions boundary applied to the app reaches every role of every example', () => {
  const app = new App();
  const all = allExampleStacks(app);
  const boundaryArn = 'arn:aws:iam::111122223333:policy/MetaflowBoundary';
  iam.PermissionsBoundary.of(app).apply(iam.ManagedPolicy.fromManagedPolicyArn(all[0], 'Boundary', boundaryArn));

  test.each(all.map((stack) => [stack.stackName, stack]))('%s', (_name, stack) => {
    const roles = Object.values(Template.fromStack(stack as Stack).findResources('AWS::IAM::Role'));
    // The data stack's one role is its VPC flow logs'; every platform stack has many.
    expect(roles.length).toBeGreaterThanOrEqual(stack.stackName === 'MetaflowData' ? 1 : 3);
    for (const role of roles) {
      expect(role.Properties.PermissionsBoundary).toBe(boundaryArn);
    }
  });
});

describe('with-ui example', () => {
  const stack = examples['with-ui'](new App());
  const template = Template.fromStack(stack);

  test('HTTPS with a Cognito login in front of the UI, and HTTP redirected', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS', DefaultActions: [Match.objectLike({ Type: 'authenticate-cognito' }), Match.objectLike({ Type: 'forward' })],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTP', DefaultActions: [Match.objectLike({ Type: 'redirect' })] });
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
  });

  test('one UI container runs the UI backend, serving the bundled UI, with the password from secrets and read access to S3', () => {
    const definitions = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[];
    const definition = definitions.find((candidate) => candidate.Properties.ContainerDefinitions.some((container: any) => container.Name === 'ui'));
    const container = definition.Properties.ContainerDefinitions.find((candidate: any) => candidate.Name === 'ui');
    expect(container.Command).toContain('services.ui_backend_service.ui_server');
    expect(container.Environment).toContainEqual({ Name: 'UI_ENABLED', Value: '1' });
    expect(container.Secrets).toEqual([expect.objectContaining({ Name: 'MF_METADATA_DB_PSWD' })]);
    const taskRole = definition.Properties.TaskRoleArn['Fn::GetAtt'][0];
    const actions = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy: any) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: taskRole }]))
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement.flatMap((statement: any) => [statement.Action].flat()));
    expect(actions).toEqual(expect.arrayContaining(['s3:ListBucket', 's3:GetObject']));
  });

  test('outputs METAFLOW_UI_URL, stores it in the client configuration, and outputs the user pool id', () => {
    const outputs = Object.values(template.findOutputs('*')) as Array<{ Description: string; Value: unknown }>;
    expect(outputs.filter((output) => output.Description.startsWith('METAFLOW_UI_URL: ')).map((output) => output.Value)).toEqual(['https://metaflow.example.com/']);
    expect(outputs.filter((output) => output.Description.startsWith('Cognito user pool of the Metaflow UI'))).toHaveLength(1);
    const stored = template.findResources('AWS::SecretsManager::Secret').MetaflowConfigStoredConfig3347C682 as any;
    expect(JSON.stringify(stored.Properties.SecretString)).toContain('METAFLOW_UI_URL');
  });

  test('the UI starts only after the schema migration (it adds triggers to the migrated tables)', () => {
    const service = Object.entries(template.findResources('AWS::ECS::Service')).find(([id]) => id.startsWith('MetaflowUiService'))![1] as any;
    expect(service.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^MetaflowMetadataMigration/)]));
  });

  // Users live in the pool: its logical id must never change once released.
  test('the user pool logical id is pinned', () => {
    expect(Object.keys(template.findResources('AWS::Cognito::UserPool'))).toEqual(['MetaflowUiUserPoolD2E96615']);
  });
});

describe('team example: a shared metadata service and a team platform in two stacks', () => {
  const app = new App();
  const shared = new SharedMetadataStack(app, 'MetaflowShared');
  const team = new TeamPlatformStack(app, 'MetaflowTeamVision', { shared: shared.platform, team: 'vision' });
  const sharedTemplate = Template.fromStack(shared);
  const teamTemplate = Template.fromStack(team);

  test.each([['shared', shared], ['team', team]])('the %s stack has no unacknowledged cdk-nag finding', (_name, stack) => {
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });

  test('exactly one database, metadata service and API, all in the shared stack', () => {
    sharedTemplate.resourceCountIs('AWS::RDS::DBInstance', 1);
    teamTemplate.resourceCountIs('AWS::RDS::DBInstance', 0);
    teamTemplate.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    teamTemplate.resourceCountIs('AWS::ECS::Service', 0);
    teamTemplate.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    expect(team.platform.metadata).toBeUndefined();
  });

  test('the team keeps its own bucket, queue, roles and state machine prefix', () => {
    teamTemplate.resourceCountIs('AWS::S3::Bucket', 1);
    teamTemplate.resourceCountIs('AWS::Batch::JobQueue', 1);
    teamTemplate.resourceCountIs('AWS::DynamoDB::Table', 1);
    expect(team.platform.stepFunctions!.stateMachinePrefix).toBe('vision');
  });

  test('the team records runs in the shared service: its URL, its key, and a rule letting the team\'s compute in', () => {
    const stored = JSON.stringify(teamTemplate.findResources('AWS::SecretsManager::Secret'));
    expect(stored).toContain('METAFLOW_SERVICE_AUTH_KEY');
    expect(stored).toContain('Fn::ImportValue');
    const url = Object.values(teamTemplate.findOutputs('*')).find((output: any) => output.Description.startsWith('METAFLOW_SERVICE_URL: ')) as any;
    expect(JSON.stringify(url.Value)).toContain('Fn::ImportValue');
    teamTemplate.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 8080, GroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('MetaflowMetadataSecurityGroup') },
    });
  });
});

/** Resource types that hold data (or, for secrets, values clients hold): replacing one loses it. */
const STATEFUL_TYPES = ['AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable', 'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster',
  'AWS::SecretsManager::Secret', 'AWS::ECR::Repository', 'AWS::EFS::FileSystem', 'AWS::Cognito::UserPool', 'AWS::KMS::Key'];

/*
 * The logical id of every stateful resource of every example, as released. CloudFormation replaces a resource whose
 * logical id changes, so a change here loses a bucket's, database's, table's, repository's, file system's or user pool's
 * contents: never edit an entry, only add new resources.
 */
const PINNED_STATEFUL_IDS: Record<string, string[]> = {
  MetaflowDefault: ['MetaflowApiApiKeySecretE668AF66', 'MetaflowConfigStoredConfig3347C682', 'MetaflowDatastoreBucket4C4F7E9B',
    'MetaflowMetadataDatabaseCredentials4B4F7735', 'MetaflowMetadataDatabaseInstance706D9A54', 'MetaflowStepFunctionsStateTable9AA7ECAE'],
  MetaflowBringYourOwn: ['MetaflowApiApiKeySecretE668AF66', 'MetaflowConfigStoredConfig3347C682', 'MetaflowMetadataDatabaseCredentials4B4F7735',
    'MetaflowMetadataDatabaseInstance706D9A54', 'MetaflowStepFunctionsStateTable9AA7ECAE'],
  MetaflowFull: ['MetaflowApiApiKeySecretE668AF66', 'MetaflowBatchImageRepository0F863C1C', 'MetaflowConfigStoredConfig3347C682',
    'MetaflowDatastoreBucket4C4F7E9B', 'MetaflowMetadataDatabaseCredentials4B4F7735', 'MetaflowMetadataDatabaseInstance706D9A54',
    'MetaflowSharedStorageFileSystem70411793', 'MetaflowStepFunctionsStateTable9AA7ECAE'],
  MetaflowWithUi: ['MetaflowApiApiKeySecretE668AF66', 'MetaflowConfigStoredConfig3347C682', 'MetaflowDatastoreBucket4C4F7E9B',
    'MetaflowMetadataDatabaseCredentials4B4F7735', 'MetaflowMetadataDatabaseInstance706D9A54', 'MetaflowStepFunctionsStateTable9AA7ECAE',
    'MetaflowUiUserPoolD2E96615'],
  MetaflowPrivate: ['MetaflowBatchImageRepository0F863C1C', 'MetaflowConfigStoredConfig3347C682', 'MetaflowDatastoreBucket4C4F7E9B',
    'MetaflowMetadataDatabaseCredentials4B4F7735', 'MetaflowMetadataDatabaseInstance706D9A54', 'MetaflowStepFunctionsStateTable9AA7ECAE'],
  MetaflowParts: ['ConfigStoredConfigB44EF634', 'DatastoreBucketE89148D0'],
  MetaflowShared: ['MetaflowApiApiKeySecretE668AF66', 'MetaflowApiSharedApiKeyBBC20D0F', 'MetaflowConfigStoredConfig3347C682',
    'MetaflowDatastoreBucket4C4F7E9B', 'MetaflowMetadataDatabaseCredentials4B4F7735', 'MetaflowMetadataDatabaseInstance706D9A54',
    'MetaflowStepFunctionsStateTable9AA7ECAE'],
  MetaflowTeamVision: ['MetaflowConfigStoredConfig3347C682', 'MetaflowDatastoreBucket4C4F7E9B', 'MetaflowStepFunctionsStateTable9AA7ECAE'],
  MetaflowAurora: ['MetaflowApiApiKeySecretE668AF66', 'MetaflowConfigStoredConfig3347C682', 'MetaflowDatastoreBucket4C4F7E9B',
    'MetaflowMetadataDatabaseCluster0CD57DBF', 'MetaflowMetadataDatabaseClusterWriter5BC75E9E', 'MetaflowMetadataDatabaseCredentials4B4F7735',
    'MetaflowStepFunctionsStateTable9AA7ECAE'],
  MetaflowData: ['DatabaseCredentials24F58BE6', 'DatabaseInstanceAA8A5FDE', 'DatastoreBucketE89148D0'],
  MetaflowServices: ['MetaflowApiApiKeySecretE668AF66', 'MetaflowConfigStoredConfig3347C682', 'MetaflowStepFunctionsStateTable9AA7ECAE'],
  MetaflowRestApi: ['MetaflowApiApiKeySecretE668AF66', 'MetaflowConfigStoredConfig3347C682', 'MetaflowDatastoreBucket4C4F7E9B',
    'MetaflowMetadataDatabaseCredentials4B4F7735', 'MetaflowMetadataDatabaseInstance706D9A54', 'MetaflowStepFunctionsStateTable9AA7ECAE'],
};

describe('stateful logical ids of every example are pinned', () => {
  const app = new App();
  const stacks = allExampleStacks(app);

  test('every example is pinned', () => {
    expect(stacks.map((stack) => stack.stackName).sort()).toEqual(Object.keys(PINNED_STATEFUL_IDS).sort());
  });

  test.each(stacks.map((stack) => [stack.stackName, stack] as const))('%s', (name, stack) => {
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>;
    const stateful = Object.entries(resources).filter(([, resource]) => STATEFUL_TYPES.includes(resource.Type)).map(([id]) => id).sort();
    expect(stateful).toEqual(PINNED_STATEFUL_IDS[name]);
  });
});

describe('rest-api example: the REST API as before, behind its load balancer', () => {
  const stack = examples['rest-api'](new App());
  const template = Template.fromStack(stack);
  const platform = (stack as unknown as { platform: MetaflowPlatform }).platform;

  test('a REST API with key-protected methods, a throttled usage plan, a resource policy and stage access logs; no HTTP API or Cloud Map', () => {
    template.allResourcesProperties('AWS::ApiGateway::Method', { ApiKeyRequired: true });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 10000, BurstLimit: 5000 } });
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { Policy: Match.objectLike({ Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny' })]) }) });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }) });
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    template.resourceCountIs('AWS::ServiceDiscovery::PrivateDnsNamespace', 0);
  });

  test('its VPC link reaches the internal load balancer, which is also the internal URL', () => {
    const [loadBalancer] = Object.keys(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer', { Properties: { Type: 'network', Scheme: 'internal' } }));
    template.hasResourceProperties('AWS::ApiGateway::VpcLink', { TargetArns: [{ Ref: loadBalancer }] });
    expect(JSON.stringify(stack.resolve(platform.config.valueOf('METAFLOW_SERVICE_INTERNAL_URL')))).toContain(loadBalancer);
  });
});

describe('data-stack example: the data in a stack of its own, the platform in another', () => {
  const app = new App();
  const data = new MetaflowDataStack(app, 'MetaflowData');
  const services = new MetaflowServicesStack(app, 'MetaflowServices', { data });
  const dataTemplate = Template.fromStack(data);
  const servicesTemplate = Template.fromStack(services);

  test.each([['data', data], ['services', services]])('the %s stack has no unacknowledged cdk-nag finding', (_name, stack) => {
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });

  test('the platform stack owns no bucket and no database; the data stack keeps both, the database protected', () => {
    for (const type of ['AWS::S3::Bucket', 'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::EC2::VPC']) {
      servicesTemplate.resourceCountIs(type, 0);
    }
    dataTemplate.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    dataTemplate.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtection: true }) });
    expect(services.dependencies).toEqual([data]);
    expect(data.dependencies).toEqual([]);
  });

  test('the platform snapshots the data stack\'s database before its first migration and each release\'s', () => {
    servicesTemplate.hasResourceProperties('Custom::MetaflowReleaseSnapshot', {
      Kind: 'instance', Identifier: { 'Fn::ImportValue': Match.anyValue() }, BeforeFirstMigration: 'true',
    });
  });

  test('destroying the platform stack leaves nothing of the data stack behind it: no rule or grant lives in the data stack', () => {
    expect(JSON.stringify(dataTemplate.toJSON())).not.toContain('MetaflowServices');
    dataTemplate.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });
});

describe('team example: rotating the shared API key', () => {
  const synthesize = (apiKeyGeneration: number) => {
    const app = new App();
    const shared = new SharedMetadataStack(app, 'MetaflowShared', { apiKeyGeneration });
    const team = new TeamPlatformStack(app, 'MetaflowTeamVision', { shared: shared.platform, team: 'vision' });
    return { shared: Template.fromStack(shared).toJSON(), team: Template.fromStack(team).toJSON() };
  };
  const importsOf = (template: any): string[] => [...new Set([...JSON.stringify(template).matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map((match) => match[1]))];
  const exportsOf = (template: any): string[] => Object.values(template.Outputs ?? {}).map((output: any) => output.Export?.Name).filter(Boolean);
  const first = synthesize(1);
  const second = synthesize(2);

  test('every export the team stack imports at generation 1 still exists at generation 2, so the shared stack can update', () => {
    const imported = importsOf(first.team);
    expect(imported.length).toBeGreaterThan(0);
    expect(exportsOf(second.shared)).toEqual(expect.arrayContaining(imported));
  });

  test('the team\'s stored configuration reads the key of the current generation, so deploying the team stack picks up the new key', () => {
    const storedConfig = (template: any) => JSON.stringify(Object.values(template.Resources).filter((resource: any) => resource.Type === 'AWS::SecretsManager::Secret'));
    expect(storedConfig(first.team)).toContain(':SecretString:apiKeyGeneration1::}}');
    expect(storedConfig(second.team)).toContain(':SecretString:apiKeyGeneration2::}}');
    // A new generation is a new key value: the generation-2 secret is a new resource.
    const secrets = (template: any) => Object.keys(template.Resources).filter((id) => /ApiKeySecret/.test(id));
    expect(secrets(second.shared).filter((id) => !secrets(first.shared).includes(id))).toHaveLength(1);
  });
});

describe('a team platform recording into a shared platform with a UI', () => {
  const app = new App();
  const shared = new WithUiStack(app, 'MetaflowWithUi');
  const team = new TeamPlatformStack(app, 'MetaflowTeamVision', { shared: shared.platform, team: 'vision' });
  const teamTemplate = Template.fromStack(team);

  test('the shared UI may read the team\'s runs (sysroot objects) from the team\'s bucket, through a policy in the team stack', () => {
    const policies = Object.values(teamTemplate.findResources('AWS::IAM::Policy')) as any[];
    const uiPolicies = policies.filter((policy) => /UiTaskDefinitionTaskRole/.test(JSON.stringify(policy.Properties.Roles)));
    expect(uiPolicies).toHaveLength(1);
    expect(JSON.stringify(uiPolicies[0].Properties.Roles)).toContain('Fn::ImportValue');
    const statements = JSON.stringify(uiPolicies[0].Properties.PolicyDocument.Statement);
    expect(statements).toContain('s3:GetObject');
    expect(statements).toContain(team.getLogicalId(team.platform.datastore.bucket.node.defaultChild as any));
    expect(statements).not.toContain('s3:PutObject');
  });

  test('the team\'s users read only their own bucket unless granted another (grantDatastoreRead)', () => {
    const userPolicy = teamTemplate.toJSON().Resources[team.getLogicalId(team.platform.users.policy.node.defaultChild as any)];
    expect(JSON.stringify(userPolicy.Properties.PolicyDocument)).not.toContain('Fn::ImportValue');
  });

  test('grantDatastoreRead lets the team\'s users read the shared platform\'s runs too', () => {
    const otherApp = new App();
    const sharedWithUi = new WithUiStack(otherApp, 'MetaflowWithUi');
    const reader = new TeamPlatformStack(otherApp, 'MetaflowTeamVision', { shared: sharedWithUi.platform, team: 'vision' });
    reader.platform.grantDatastoreRead(sharedWithUi.platform.datastore);
    const userPolicy = Template.fromStack(reader).toJSON().Resources[reader.getLogicalId(reader.platform.users.policy.node.defaultChild as any)];
    const statements = JSON.stringify(userPolicy.Properties.PolicyDocument.Statement);
    expect(statements).toMatch(/"Fn::ImportValue":"MetaflowWithUi:ExportsOutputFnGetAttMetaflowDatastoreBucket/);
  });
});

describe('private example', () => {
  const template = Template.fromStack(examples.private(new App()));

  test('has no API Gateway and no API key; clients use the internal URL', () => {
    template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    const url = Object.values(template.findOutputs('*')).find((output: any) => output.Description.startsWith('METAFLOW_SERVICE_URL: ')) as any;
    expect(JSON.stringify(url.Value)).toContain('MetaflowMetadataLoadBalancer');
  });

  test('has a notebook whose start script reads the stored configuration and checks the keys Metaflow needs', () => {
    const script = JSON.stringify(Object.values(template.findResources('AWS::SageMaker::NotebookInstanceLifecycleConfig'))[0]);
    expect(script).toContain('aws secretsmanager get-secret-value');
    expect(script).toContain('{"Ref":"MetaflowConfigStoredConfig3347C682"}');
    for (const key of ['METAFLOW_BATCH_JOB_QUEUE', 'METAFLOW_SERVICE_URL', 'METAFLOW_ECS_S3_ACCESS_IAM_ROLE', 'METAFLOW_SFN_IAM_ROLE']) {
      expect(script).toContain(key);
    }
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', { RootAccess: 'Disabled', DirectInternetAccess: 'Disabled' });
  });

  test('has a user policy to submit jobs, create state machines and pass only the platform\'s roles', () => {
    const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0] as any;
    const statements = policy.Properties.PolicyDocument.Statement;
    const actions = statements.flatMap((statement: any) => [statement.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['batch:SubmitJob', 'states:CreateStateMachine', 'iam:PassRole']));
    for (const passRole of statements.filter((statement: any) => statement.Action === 'iam:PassRole')) {
      expect(passRole.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Metaflow(BatchJobRole|StepFunctionsStateMachineRole|StepFunctionsEventsRole)/), 'Arn'] });
      expect(passRole.Condition.StringEquals['iam:PassedToService']).toBeDefined();
    }
  });

  test('has an ECR repository whose image is the steps\' default image (METAFLOW_BATCH_CONTAINER_IMAGE)', () => {
    template.resourceCountIs('AWS::ECR::Repository', 1);
    const image = Object.values(template.findOutputs('*')).find((output: any) => output.Description.startsWith('METAFLOW_BATCH_CONTAINER_IMAGE: ')) as any;
    expect(JSON.stringify(image.Value)).toContain('MetaflowBatchImageRepository');
    expect(JSON.stringify(image.Value)).toContain(':1.0');
  });

  test('has a role the Identity Center permission set assumes', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { AWS: Match.stringLikeRegexp('AWSReservedSSO_DataScience') } })] },
    });
  });
});

describe('bring-your-own example', () => {
  const template = Template.fromStack(examples['bring-your-own'](new App()));

  test('creates no VPC and no bucket, and runs compute in the existing private subnets', () => {
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::Subnet', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({ Subnets: ['subnet-0bbb0000000000001', 'subnet-0bbb0000000000002'] }),
    });
  });

  test('grants use of the existing bucket key', () => {
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).toContain('arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
  });

  test('grants object access only under its prefixes, and lists only with an s3:prefix condition', () => {
    const s3Statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement)
      .filter((statement: any) => [statement.Action].flat().some((action: string) => action.startsWith('s3:')));
    expect(s3Statements.length).toBeGreaterThan(0);
    for (const statement of s3Statements) {
      const resources = JSON.stringify(statement.Resource);
      if ([statement.Action].flat().includes('s3:ListBucket')) {
        expect(statement.Condition).toEqual({ StringLike: { 's3:prefix': ['metaflow/ml-team', 'metaflow/ml-team/*', 'data/ml-team', 'data/ml-team/*'] } });
      } else {
        expect(resources).toMatch(/example-team-ml-artifacts\/(metaflow|data)\/ml-team\/\*/);
        expect(resources).not.toMatch(/example-team-ml-artifacts\/\*/);
      }
    }
  });
});

describe('full example', () => {
  const template = Template.fromStack(examples.full(new App()));
  const environments = Object.values(template.findResources('AWS::Batch::ComputeEnvironment')) as any[];

  test('has EC2, Spot, GPU, Fargate and multi-node environments, all scaling to zero', () => {
    expect(environments.length).toBeGreaterThanOrEqual(4);
    const types = environments.map((environment) => environment.Properties.ComputeResources.Type);
    expect(types).toEqual(expect.arrayContaining(['EC2', 'SPOT']));
    expect(types.some((type) => type === 'FARGATE' || type === 'FARGATE_SPOT')).toBe(true);
    expect(environments.some((environment) => environment.Properties.ComputeResources.Ec2Configuration?.[0].ImageType === 'ECS_AL2023_NVIDIA')).toBe(true);
    for (const environment of environments.filter((candidate) => candidate.Properties.ComputeResources.Type !== 'FARGATE_SPOT')) {
      expect(environment.Properties.ComputeResources.MinvCpus ?? 0).toBe(0);
    }
  });

  test('has at least four queues and a capacity-optimised Spot strategy', () => {
    expect(Object.keys(template.findResources('AWS::Batch::JobQueue')).length).toBeGreaterThanOrEqual(4);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', { ComputeResources: Match.objectLike({ AllocationStrategy: 'SPOT_CAPACITY_OPTIMIZED' }) });
  });

  test('every launch template requires IMDSv2 and encrypts the root volume', () => {
    const launchTemplates = Object.values(template.findResources('AWS::EC2::LaunchTemplate')) as any[];
    expect(launchTemplates.length).toBe(5);
    for (const launchTemplate of launchTemplates) {
      expect(launchTemplate.Properties.LaunchTemplateData.MetadataOptions.HttpTokens).toBe('required');
      expect(launchTemplate.Properties.LaunchTemplateData.BlockDeviceMappings[0].Ebs.Encrypted).toBe(true);
    }
  });

  test('outputs METAFLOW_ECS_FARGATE_EXECUTION_ROLE and a queue output per queue', () => {
    const descriptions = (Object.values(template.findOutputs('*')) as Array<{ Description: string }>).map((output) => output.Description);
    expect(descriptions.filter((description) => description.startsWith('METAFLOW_ECS_FARGATE_EXECUTION_ROLE: '))).toHaveLength(1);
    expect(descriptions.filter((description) => description.startsWith('AWS Batch job queue '))).toHaveLength(7);
  });

  test('has a multi-node GPU environment with EFA and a multi-node Trainium environment on the Neuron AMI', () => {
    const multiNode = environments.filter((environment) => environment.Properties.ComputeResources.PlacementGroup !== undefined);
    expect(multiNode.map((environment) => environment.Properties.ComputeResources.InstanceTypes)).toEqual([['g5.12xlarge'], ['trn1.32xlarge']]);
    template.resourceCountIs('AWS::EC2::PlacementGroup', 2);
    for (const environment of multiNode) {
      expect(environment.Properties.ComputeResources).toMatchObject({ Type: 'EC2', MinvCpus: 0 });
      expect(environment.Properties.ComputeResources.Subnets).toHaveLength(1);
      expect(environment.Properties.ComputeResources.SecurityGroupIds).toBeUndefined();
    }
    const efaInterfaces = (Object.values(template.findResources('AWS::EC2::LaunchTemplate')) as any[])
      .map((launchTemplate) => (launchTemplate.Properties.LaunchTemplateData.NetworkInterfaces ?? []) as Array<{ InterfaceType: string }>)
      .filter((interfaces) => interfaces.length > 0);
    expect(efaInterfaces.map((interfaces) => interfaces.length)).toEqual([1, 8]);
    expect(efaInterfaces.flat().every((networkInterface) => networkInterface.InterfaceType === 'efa')).toBe(true);
    const neuronImage = multiNode[1].Properties.ComputeResources.Ec2Configuration[0].ImageIdOverride.Ref;
    expect(template.toJSON().Parameters[neuronImage].Default).toBe('/aws/service/ecs/optimized-ami/amazon-linux-2023/inf/recommended/image_id');
  });

  test('expires the shared Batch job logs after three months', () => {
    template.hasResourceProperties('Custom::MetaflowBatchJobLogRetention', { LogGroupName: '/aws/batch/job', RetentionInDays: 90 });
  });

  test('puts compute in private subnets behind the NAT gateway', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  test('runs the UI on an internal load balancer, over HTTP, admitting only the allow-listed ranges, without login', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'application', Scheme: 'internal' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP', DefaultActions: [Match.objectLike({ Type: 'forward' })] });
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Metaflow UI load balancer'),
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.0.0.0/8', FromPort: 80 })],
    });
  });
});
