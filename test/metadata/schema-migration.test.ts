import { App, aws_ec2 as ec2, aws_ecs as ecs, aws_logs as logs, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MetaflowSchemaMigration } from '../../src';
import { SCHEMA_MIGRATION_HANDLER } from '../../src/metadata/schema-migration-handler';

/** Loads the handler text exactly as Lambda would, with a scripted ECS client in place of the SDK. */
function loadHandler(responses: { run: any; describe: any[] }) {
  const calls: Array<{ command: string; input: any }> = [];
  const describeQueue = [...responses.describe];
  class Command {
    constructor(public readonly input: any) {}
  }
  class RunTaskCommand extends Command {}
  class DescribeTasksCommand extends Command {}
  class ECSClient {
    async send(command: Command) {
      calls.push({ command: command.constructor.name, input: command.input });
      return command instanceof RunTaskCommand ? responses.run : describeQueue.shift();
    }
  }
  const module = { exports: {} as any };
  const fakeRequire = (name: string) => {
    expect(name).toBe('@aws-sdk/client-ecs');
    return { ECSClient, RunTaskCommand, DescribeTasksCommand };
  };
  new Function('require', 'exports', 'module', SCHEMA_MIGRATION_HANDLER)(fakeRequire, module.exports, module);
  return { handler: module.exports.handler as (event: any) => Promise<any>, calls };
}

const properties = {
  Cluster: 'arn:aws:ecs:us-east-1:111122223333:cluster/metaflow',
  TaskDefinition: 'arn:aws:ecs:us-east-1:111122223333:task-definition/migration:3',
  ContainerName: 'migration',
  Subnets: ['subnet-1', 'subnet-2'],
  SecurityGroups: ['sg-1'],
  AssignPublicIp: 'ENABLED',
  LogGroup: '/metaflow/metadata',
  TimeoutSeconds: '5',
  PollSeconds: '0',
};
const started = { tasks: [{ taskArn: 'arn:task/1' }] };
const stopped = (exitCode: number | undefined, reason?: string) => ({
  tasks: [{ lastStatus: 'STOPPED', stoppedReason: 'Essential container in task exited', containers: [{ name: 'migration', exitCode, reason }] }],
});
const running = { tasks: [{ lastStatus: 'RUNNING', containers: [{ name: 'migration' }] }] };

describe('schema migration handler', () => {
  test('Create runs the task with the given network settings and succeeds on exit code 0', async () => {
    const { handler, calls } = loadHandler({ run: started, describe: [running, stopped(0)] });
    const result = await handler({ RequestType: 'Create', ResourceProperties: properties });

    expect(result).toEqual({ PhysicalResourceId: 'metaflow-schema-migration', Data: { TaskArn: 'arn:task/1' } });
    expect(calls[0]).toEqual({
      command: 'RunTaskCommand',
      input: {
        cluster: properties.Cluster,
        taskDefinition: properties.TaskDefinition,
        launchType: 'FARGATE',
        count: 1,
        startedBy: 'metaflow-schema-migration',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'], assignPublicIp: 'ENABLED' } },
      },
    });
    expect(calls.slice(1).map((call) => call.command)).toEqual(['DescribeTasksCommand', 'DescribeTasksCommand']);
    expect(calls[1].input).toEqual({ cluster: properties.Cluster, tasks: ['arn:task/1'] });
  });

  test('Update keeps the physical id, so CloudFormation never deletes the migration', async () => {
    const { handler } = loadHandler({ run: started, describe: [stopped(0)] });
    const result = await handler({ RequestType: 'Update', PhysicalResourceId: 'metaflow-schema-migration', ResourceProperties: properties });
    expect(result.PhysicalResourceId).toBe('metaflow-schema-migration');
  });

  test('a failing migration fails the deployment with the exit code and the log group', async () => {
    const { handler } = loadHandler({ run: started, describe: [stopped(1)] });
    await expect(handler({ RequestType: 'Create', ResourceProperties: properties }))
      .rejects.toThrow('Metaflow schema migration failed: task arn:task/1 stopped with exit code 1 (Essential container in task exited). '
        + 'Its output is in log group /metaflow/metadata.');
  });

  test('a task that cannot start fails with ECS\'s reasons', async () => {
    const { handler } = loadHandler({ run: { tasks: [], failures: [{ reason: 'RESOURCE:ENI' }] }, describe: [] });
    await expect(handler({ RequestType: 'Create', ResourceProperties: properties })).rejects.toThrow(/could not start: \[\{"reason":"RESOURCE:ENI"\}\]/);
  });

  test('a migration that outlives the timeout fails the deployment', async () => {
    const { handler } = loadHandler({ run: started, describe: Array(100000).fill(running) });
    await expect(handler({ RequestType: 'Create', ResourceProperties: { ...properties, TimeoutSeconds: '0.05' } }))
      .rejects.toThrow(/did not finish within 0.05 seconds: task arn:task\/1, log group \/metaflow\/metadata/);
  });

  test('Delete touches nothing', async () => {
    const { handler, calls } = loadHandler({ run: started, describe: [] });
    expect(await handler({ RequestType: 'Delete', PhysicalResourceId: 'metaflow-schema-migration', ResourceProperties: properties }))
      .toEqual({ PhysicalResourceId: 'metaflow-schema-migration' });
    expect(calls).toEqual([]);
  });

  test('fits in an inline Lambda ZipFile (4096 characters)', () => {
    expect(SCHEMA_MIGRATION_HANDLER.length).toBeLessThan(4096);
  });
});

describe('MetaflowSchemaMigration', () => {
  function build() {
    const stack = new Stack(new App(), 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    taskDefinition.addContainer('migration', { image: ecs.ContainerImage.fromRegistry('busybox') });
    const taskLogGroup = new logs.LogGroup(stack, 'TaskLogs');
    const securityGroup = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const migration = new MetaflowSchemaMigration(stack, 'Migration', {
      cluster,
      taskDefinition,
      containerName: 'migration',
      taskLogGroup,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroups: [securityGroup],
      assignPublicIp: true,
    });
    return { stack, migration, taskDefinition, template: Template.fromStack(stack) };
  }

  test('the handler runs on a current Node.js runtime with the inline code and a 14-minute timeout', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Timeout: 840,
      Code: { ZipFile: SCHEMA_MIGRATION_HANDLER },
    });
  });

  test('the handler may run the migration task, pass its roles, and describe tasks of the cluster only', () => {
    const { template, stack, migration } = build();
    const roleRef = { Ref: stack.getLogicalId(migration.handler.role!.node.defaultChild as any) };
    const statements = (Object.values(template.findResources('AWS::IAM::Policy')) as any[])
      .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([roleRef]))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['ecs:RunTask', 'iam:PassRole', 'ecs:DescribeTasks']));
    const describe = statements.find((statement) => statement.Action === 'ecs:DescribeTasks');
    expect(JSON.stringify(describe.Resource)).toContain(':task/');
  });

  test('handler logs have a retention', () => {
    const { template } = build();
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup')) as any[];
    expect(groups.filter((group) => group.Properties.RetentionInDays === 30).length).toBeGreaterThanOrEqual(2);
  });

  test('re-runs whenever the task definition gets a new revision', () => {
    const { template, stack, taskDefinition } = build();
    template.hasResourceProperties('Custom::MetaflowSchemaMigration', {
      TaskDefinition: { Ref: stack.getLogicalId(taskDefinition.node.defaultChild as any) },
      ServiceToken: Match.anyValue(),
    });
  });
});
