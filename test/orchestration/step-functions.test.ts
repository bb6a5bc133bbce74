import { App, aws_batch as batch, aws_ec2 as ec2, aws_iam as iam, aws_kms as kms, aws_logs as logs, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MetaflowStepFunctions } from '../../src';

function newStack(): Stack {
  return new Stack(new App(), 'Test');
}

function statementsOf(template: Template, stack: Stack, role: iam.Role): any[] {
  const roleRef = { Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) };
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy: any) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([roleRef]))
    .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
}

describe('MetaflowStepFunctions', () => {
  test('state table: pathspec key, ttl, on-demand, encrypted, PITR, retained', () => {
    const stack = newStack();
    new MetaflowStepFunctions(stack, 'Sfn');
    Template.fromStack(stack).hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'pathspec', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pathspec', AttributeType: 'S' }],
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
  });

  test('prefix defaults to the stack name plus a path hash and names the log group', () => {
    const stack = newStack();
    const sfn = new MetaflowStepFunctions(stack, 'Sfn');
    expect(sfn.stateMachinePrefix).toMatch(/^Test-[0-9A-F]{8}$/);
    expect(sfn.stateMachinePrefix.length).toBeLessThanOrEqual(20);
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/aws/vendedlogs/states/${sfn.stateMachinePrefix}`,
      RetentionInDays: 30,
    });
  });

  test.each([
    ['a long stack name', 'MetaflowPlatformProductionUsEast1WithAVeryLongName'],
    ['a hyphenated stack name', 'team-ml-metaflow-production-eu-west-1'],
  ])('the default prefix stays within 20 characters for %s, leaving 59 for flow names', (_case, stackName) => {
    const stack = new Stack(new App(), stackName);
    const prefix = new MetaflowStepFunctions(stack, 'Sfn').stateMachinePrefix;
    expect(prefix.length).toBeLessThanOrEqual(20);
    expect(prefix).toMatch(/^[A-Za-z0-9_-]+-[0-9A-F]{8}$/);
  });

  test('two deployments in one stack get different prefixes', () => {
    const stack = newStack();
    const a = new MetaflowStepFunctions(stack, 'A');
    const b = new MetaflowStepFunctions(stack, 'B');
    expect(a.stateMachinePrefix).not.toEqual(b.stateMachinePrefix);
  });

  test('state machine role has exactly the Metaflow permissions', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    const environment = new batch.FargateComputeEnvironment(stack, 'Env', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
    const queue = new batch.JobQueue(stack, 'Queue', { computeEnvironments: [{ computeEnvironment: environment, order: 1 }] });
    const sfn = new MetaflowStepFunctions(stack, 'Sfn', { stateMachinePrefix: 'mf', jobQueues: [queue] });
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'states.amazonaws.com' } })] },
    });
    const statements = statementsOf(template, stack, sfn.stateMachineRole);
    const byAction = (action: string) => statements.find((statement) => [statement.Action].flat().includes(action));
    const submitTo = byAction('batch:SubmitJob').Resource;
    expect(submitTo).toHaveLength(2);
    // Metaflow's own job definitions only (metaflow_<sha224>, batch_client.py), and the platform's queues.
    expect(JSON.stringify(submitTo[0])).toMatch(/:job-definition\/metaflow_\*"\]\]\}$/);
    expect(submitTo[1]).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(queue.node.defaultChild as batch.CfnJobQueue), 'JobQueueArn'] });
    expect(byAction('batch:DescribeJobs')).toEqual(expect.objectContaining({ Action: 'batch:DescribeJobs', Resource: '*' }));
    // Stopping and tagging reach jobs only (and tags the platform's queues), never every Batch resource.
    expect(JSON.stringify(byAction('batch:TerminateJob').Resource)).toMatch(/:job\/\*"\]\]\}$/);
    const tagOn = byAction('batch:TagResource').Resource;
    expect(JSON.stringify(tagOn[0])).toMatch(/:job\/\*"\]\]\}$/);
    expect(tagOn[1]).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(queue.node.defaultChild as batch.CfnJobQueue), 'JobQueueArn'] });
    expect(statements.filter((statement) => statement.Resource === '*').flatMap((statement) => [statement.Action].flat()))
      .not.toEqual(expect.arrayContaining(['batch:TerminateJob']));
    const batchActions = statements.flatMap((statement) => [statement.Action].flat()).filter((action: string) => action.startsWith('batch:'));
    for (const unused of ['batch:RegisterJobDefinition', 'batch:DescribeJobDefinitions', 'batch:DescribeJobQueues']) {
      expect(batchActions).not.toContain(unused);
    }
    expect(JSON.stringify(byAction('events:PutTargets').Resource)).toContain(':rule/StepFunctionsGetEventsForBatchJobsRule');
    expect(byAction('events:PutTargets').Action).toEqual(['events:PutTargets', 'events:DescribeRule']);
    expect(byAction('events:PutRule')).toEqual(expect.objectContaining({
      Action: 'events:PutRule',
      Condition: { StringEquals: { 'events:detail-type': 'Batch Job State Change' } },
    }));
    expect(JSON.stringify(byAction('events:PutRule').Resource)).toContain(':rule/StepFunctionsGetEventsForBatchJobsRule');
    expect(byAction('dynamodb:GetItem').Action).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(byAction('logs:CreateLogDelivery').Resource).toBe('*');
    // The glob ends at Metaflow's '_' delimiter (<prefix>_<flow>), so prefix mf does not cover mfother_*.
    expect(JSON.stringify(byAction('states:StartExecution').Resource)).toContain(':stateMachine:mf_*');
    expect(JSON.stringify(byAction('states:StartExecution').Resource)).toContain(':execution:mf_*');
    // Distributed map runs are redriven by the state machine itself.
    expect(byAction('states:StartExecution').Action).toContain('states:RedriveExecution');
  });

  test('events role may only start this deployment\'s state machines', () => {
    const stack = newStack();
    const sfn = new MetaflowStepFunctions(stack, 'Sfn', { stateMachinePrefix: 'team-a' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'events.amazonaws.com' } })] },
    });
    const statements = statementsOf(template, stack, sfn.eventsRole);
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('states:StartExecution');
    expect(JSON.stringify(statements[0].Resource)).toMatch(/:stateMachine:team-a_\*"\]\]\}$/);
  });

  test('options: retention, customer key, removal policy', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    new MetaflowStepFunctions(stack, 'Sfn', { logRetention: logs.RetentionDays.ONE_YEAR, tableEncryptionKey: key, removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() } }),
    });
  });

  test('a customer-managed table key is granted to every role with table access (foreach on Step Functions needs it)', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const sfn = new MetaflowStepFunctions(stack, 'Sfn', { tableEncryptionKey: key });
    const role = new iam.Role(stack, 'Task', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    sfn.grantTableAccess(role);
    const template = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as any), 'Arn'] };
    for (const grantee of [role, sfn.stateMachineRole]) {
      const kmsStatement = statementsOf(template, stack, grantee).find((statement) => [statement.Action].flat().includes('kms:Decrypt'));
      expect(kmsStatement).toEqual(expect.objectContaining({ Resource: keyArn }));
      expect(kmsStatement.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*']));
    }
  });

  test('grantTableAccess gives item read/write/update on the table', () => {
    const stack = newStack();
    const sfn = new MetaflowStepFunctions(stack, 'Sfn');
    const role = new iam.Role(stack, 'Task', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    sfn.grantTableAccess(role);
    expect(statementsOf(Template.fromStack(stack), stack, role)).toEqual([{
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      Effect: 'Allow',
      Resource: [{ 'Fn::GetAtt': [stack.getLogicalId(sfn.table.node.defaultChild as any), 'Arn'] }],
    }]);
  });

  test.each(['has space', 'x'.repeat(41), ''])('rejects prefix %j', (prefix) => {
    expect(() => new MetaflowStepFunctions(newStack(), 'Sfn', { stateMachinePrefix: prefix }))
      .toThrow(/stateMachinePrefix: .* is not a valid prefix\. Fix: use 1-40 letters, digits, hyphens and underscores/);
  });
});
