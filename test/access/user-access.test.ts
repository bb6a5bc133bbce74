import { App, aws_iam as iam, aws_s3 as s3, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ComputeEnvironmentKind, MetaflowPlatform, MetaflowPlatformProps, StepFunctionsIntegration } from '../../src';

function build(props: MetaflowPlatformProps = {}, env = { account: '111122223333', region: 'us-east-1' }) {
  const stack = new Stack(new App(), 'Test', { env });
  const platform = new MetaflowPlatform(stack, 'Metaflow', props);
  return { stack, platform, template: Template.fromStack(stack) };
}

function policyStatements(template: Template): any[] {
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as any[];
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

const actionsOf = (statements: any[]) => statements.flatMap((statement) => [statement.Action].flat());

describe('MetaflowUserAccess policy', () => {
  const { template, stack, platform } = build();
  const statements = policyStatements(template);
  const byAction = (action: string) => statements.filter((statement) => [statement.Action].flat().includes(action));

  test('reads the stored configuration', () => {
    expect(byAction('secretsmanager:GetSecretValue')[0].Resource).toEqual({ Ref: stack.getLogicalId(platform.config.secret.node.defaultChild as any) });
  });

  test('submits Metaflow job definitions to the platform\'s queues only, and registers only metaflow_* job definitions', () => {
    const [submit] = byAction('batch:SubmitJob');
    expect(submit.Action).toBe('batch:SubmitJob');
    expect(submit.Resource[0]).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(platform.batch.defaultJobQueue.node.defaultChild as any), 'JobQueueArn'] });
    expect(JSON.stringify(submit.Resource[1])).toMatch(/:job-definition\/metaflow_\*"\]\]\}$/);
    expect(JSON.stringify(byAction('batch:RegisterJobDefinition')[0].Resource)).toMatch(/:job-definition\/metaflow_\*"\]\]\}$/);
  });

  test('creates, runs and deletes only this deployment\'s state machines and @schedule rules', () => {
    const prefix = platform.stepFunctions!.stateMachinePrefix;
    // Each glob ends at the '_' Metaflow puts after the prefix, so a neighbour whose prefix starts the same is not covered.
    expect(JSON.stringify(byAction('states:CreateStateMachine')[0].Resource)).toContain(`:stateMachine:${prefix}_*"`);
    expect(JSON.stringify(byAction('states:StopExecution')[0].Resource)).toContain(`:execution:${prefix}_*"`);
    expect(JSON.stringify(byAction('events:PutRule')[0].Resource)).toContain(`:rule/${prefix}_*"`);
    expect(actionsOf(statements)).toEqual(expect.arrayContaining(['states:StartExecution', 'states:ListExecutions', 'states:DeleteStateMachine', 'events:DeleteRule']));
  });

  test('passes exactly the platform\'s roles, each to its own service', () => {
    const passRoles = byAction('iam:PassRole');
    const roleId = (role: iam.IRole) => ({ 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as any), 'Arn'] });
    expect(passRoles).toEqual([
      expect.objectContaining({ Resource: roleId(platform.batch.jobRole), Condition: { StringEquals: { 'iam:PassedToService': ['batch.amazonaws.com', 'ecs-tasks.amazonaws.com'] } } }),
      expect.objectContaining({ Resource: roleId(platform.stepFunctions!.stateMachineRole), Condition: { StringEquals: { 'iam:PassedToService': ['states.amazonaws.com'] } } }),
      expect.objectContaining({ Resource: roleId(platform.stepFunctions!.eventsRole), Condition: { StringEquals: { 'iam:PassedToService': ['events.amazonaws.com'] } } }),
    ]);
  });

  test('grants only calls the client makes (no logs, no IAM beyond PassRole, no DynamoDB)', () => {
    const services = new Set(actionsOf(statements).map((action: string) => action.split(':')[0]));
    expect([...services].sort()).toEqual(['batch', 'events', 'iam', 's3', 'secretsmanager', 'states']);
    // Metaflow reads task logs from S3 and never calls these (batch_client.py, step_functions_client.py, event_bridge_client.py).
    for (const unused of ['logs:GetLogEvents', 'events:DescribeRule', 'states:DescribeExecution', 'secretsmanager:DescribeSecret']) {
      expect(actionsOf(statements)).not.toContain(unused);
    }
    expect(JSON.stringify(byAction('batch:TerminateJob')[0].Resource)).toMatch(/:job\/\*"\]\]\}$/);
    expect(byAction('batch:TagResource')[0].Resource).toHaveLength(2);
    // Only actions without resource-level permissions stay on *.
    expect(statements.filter((statement: any) => statement.Resource === '*').flatMap((statement: any) => [statement.Action].flat()).sort())
      .toEqual(['batch:DescribeComputeEnvironments', 'batch:DescribeJobDefinitions', 'batch:DescribeJobQueues', 'batch:DescribeJobs', 'batch:ListJobs',
        'states:ListStateMachines']);
    expect(actionsOf(statements).filter((action: string) => action.startsWith('iam:'))).toEqual(['iam:PassRole', 'iam:PassRole', 'iam:PassRole']);
  });

  test('no role unless asked for; the policy ARN is an output', () => {
    expect(platform.users.role).toBeUndefined();
    const outputs = Object.values(template.findOutputs('*')) as Array<{ Description: string }>;
    expect(outputs.filter((output) => output.Description.startsWith('Managed policy with what a Metaflow user needs'))).toHaveLength(1);
  });
});

describe('MetaflowUserAccess options', () => {
  test('with Fargate the execution role may be passed too; without Step Functions there are no states or events permissions', () => {
    const { template, platform, stack } = build({
      batch: { computeEnvironments: [{ name: 'fargate', kind: ComputeEnvironmentKind.FARGATE }] },
      stepFunctions: StepFunctionsIntegration.disabled(),
    });
    const statements = policyStatements(template);
    expect(actionsOf(statements).filter((action: string) => /^(states|events):/.test(action))).toEqual([]);
    expect(statements.filter((statement) => statement.Action === 'iam:PassRole').map((statement) => statement.Resource)).toContainEqual(
      { 'Fn::GetAtt': [stack.getLogicalId(platform.batch.executionRole!.node.defaultChild as any), 'Arn'] });
  });

  test('an adopted bucket is reached only under the platform\'s prefixes', () => {
    const stack = new Stack(new App(), 'Test');
    new MetaflowPlatform(stack, 'Metaflow', { datastore: { bucket: s3.Bucket.fromBucketName(stack, 'Shared', 'shared-bucket') } });
    const statements = policyStatements(Template.fromStack(stack));
    const list = statements.find((statement) => statement.Action === 's3:ListBucket');
    expect(list.Condition).toEqual({ StringLike: { 's3:prefix': ['metaflow', 'metaflow/*', 'data', 'data/*'] } });
  });

  test('a role for an account and an SSO role, with the policy attached and a 12 hour session', () => {
    const ssoRole = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DataScientists_0123456789abcdef';
    const { template, platform, stack } = build({ users: { roleAssumableBy: ['444455556666', ssoRole] } });
    const role = template.findResources('AWS::IAM::Role')[stack.getLogicalId(platform.users.role!.node.defaultChild as any)] as any;
    expect(role.Properties.MaxSessionDuration).toBe(43200);
    expect(role.Properties.ManagedPolicyArns).toEqual([{ Ref: stack.getLogicalId(platform.users.policy.node.defaultChild as any) }]);
    const principals = role.Properties.AssumeRolePolicyDocument.Statement.map((statement: any) => statement.Principal.AWS);
    expect(principals).toEqual(expect.arrayContaining([ssoRole, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::444455556666:root']] }]));
    expect(platform.users.role).toBeDefined();
  });

  test('grantClient attaches the policy to a user, a group or a role of this account', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111122223333', region: 'us-east-1' } });
    const platform = new MetaflowPlatform(stack, 'Metaflow');
    const role = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    const group = new iam.Group(stack, 'Scientists');
    platform.grantClient(role);
    platform.grantClient(group);
    const template = Template.fromStack(stack);
    const policyRef = { Ref: stack.getLogicalId(platform.users.policy.node.defaultChild as any) };
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: Match.absent(), ManagedPolicyArns: [policyRef] });
    template.hasResourceProperties('AWS::IAM::Group', { ManagedPolicyArns: [policyRef] });
  });

  test('grantClient refuses an identity of another account and names the role as the fix', () => {
    const { stack, platform } = build();
    const foreign = iam.Role.fromRoleArn(stack, 'Foreign', 'arn:aws:iam::999988887777:role/DataScience');
    expect(() => platform.grantClient(foreign)).toThrow(
      /identity belongs to account 999988887777[\s\S]*cannot be attached to it. Fix: let it assume the user role instead \(roleAssumableBy\)/);
  });

  test('the session length is an option', () => {
    const { template } = build({ users: { roleAssumableBy: ['444455556666'], roleMaxSessionDuration: Duration.hours(2) } });
    template.hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 7200 });
  });
});
