/**
 * Source of the custom resource handler that runs the metadata service's schema migration as a
 * one-shot ECS task and waits for it. Kept inline (well under CloudFormation's 4 KiB ZipFile limit)
 * so the library ships no asset; the unit tests load and exercise this same text.
 *
 * Create and Update start the task and fail with the exit code and log location unless it exits 0;
 * Delete does nothing (the schema belongs to the database).
 *
 * @internal
 */
export const SCHEMA_MIGRATION_HANDLER = `
const { ECSClient, RunTaskCommand, DescribeTasksCommand } = require('@aws-sdk/client-ecs');
const ecs = new ECSClient({});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

exports.handler = async (event) => {
  const physicalId = event.PhysicalResourceId || 'metaflow-schema-migration';
  if (event.RequestType === 'Delete') {
    return { PhysicalResourceId: physicalId };
  }
  const p = event.ResourceProperties;
  const started = await ecs.send(new RunTaskCommand({
    cluster: p.Cluster,
    taskDefinition: p.TaskDefinition,
    launchType: 'FARGATE',
    count: 1,
    startedBy: 'metaflow-schema-migration',
    networkConfiguration: {
      awsvpcConfiguration: { subnets: p.Subnets, securityGroups: p.SecurityGroups, assignPublicIp: p.AssignPublicIp },
    },
  }));
  const task = (started.tasks || [])[0];
  if (!task) {
    throw new Error('Metaflow schema migration could not start: ' + JSON.stringify(started.failures || []));
  }
  const deadline = Date.now() + Number(p.TimeoutSeconds) * 1000;
  while (Date.now() < deadline) {
    await sleep(Number(p.PollSeconds) * 1000);
    const described = await ecs.send(new DescribeTasksCommand({ cluster: p.Cluster, tasks: [task.taskArn] }));
    const current = (described.tasks || [])[0];
    if (current && current.lastStatus === 'STOPPED') {
      const container = (current.containers || []).find((c) => c.name === p.ContainerName) || {};
      if (container.exitCode === 0) {
        return { PhysicalResourceId: physicalId, Data: { TaskArn: task.taskArn } };
      }
      throw new Error('Metaflow schema migration failed: task ' + task.taskArn + ' stopped with exit code '
        + container.exitCode + ' (' + (container.reason || current.stoppedReason || 'no reason given')
        + '). Its output is in log group ' + p.LogGroup + '.');
    }
  }
  throw new Error('Metaflow schema migration did not finish within ' + p.TimeoutSeconds + ' seconds: task '
    + task.taskArn + ', log group ' + p.LogGroup + '.');
};
`;
