import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The log group the awslogs driver of Batch jobs writes to unless a job definition says otherwise. */
export const BATCH_JOB_LOG_GROUP = '/aws/batch/job';

/** ARN of the job definitions Metaflow registers, named `metaflow_<sha224>` (metaflow/plugins/aws/batch/batch_client.py). */
export function metaflowJobDefinitionsArn(scope: IConstruct): string {
  return Stack.of(scope).formatArn({ service: 'batch', resource: 'job-definition', resourceName: 'metaflow_*' });
}

/** ARN of every Batch job of the account and region: jobs get their ids when they are submitted, so no narrower ARN exists. */
export function batchJobsArn(scope: IConstruct): string {
  return Stack.of(scope).formatArn({ service: 'batch', resource: 'job', resourceName: '*' });
}
