import { ArnFormat, aws_iam as iam, aws_logs as logs, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { InlineProvider } from './inline-provider';
import { LOG_GROUP_RETENTION_HANDLER } from './log-group-retention-handler';
import { acknowledgeWildcardResources } from './nag';

/** Which shared log group to expire, and how. */
export interface SharedLogGroupRetentionProps {
  /** The account-wide log group a service writes to (such as `/aws/batch/job`). */
  readonly logGroupName: string;
  /** How long it keeps logs. */
  readonly retention: logs.RetentionDays;
  /** The custom resource type, naming what the group is for. */
  readonly resourceType: string;
}

/**
 * Sets the retention of an account-wide log group that a service creates without one, through a
 * custom resource whose function may touch only that group. The group is kept on delete: other
 * workloads of the account write there too. Creates `<id>Provider` and `<id>` in `scope`.
 */
export function setSharedLogGroupRetention(scope: Construct, id: string, props: SharedLogGroupRetentionProps): CustomResource {
  const provider = new InlineProvider(scope, `${id}Provider`, {
    code: LOG_GROUP_RETENTION_HANDLER,
    description: `Sets the retention of ${props.logGroupName}`,
    timeout: Duration.minutes(1),
    logRetention: logs.RetentionDays.ONE_MONTH,
  });
  const logGroup = (resourceName: string) => Stack.of(scope).formatArn({
    service: 'logs', resource: 'log-group', resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const arns = [logGroup(props.logGroupName), logGroup(`${props.logGroupName}:*`)];
  provider.handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'], resources: arns }));
  acknowledgeWildcardResources(provider.handler.role, arns, `Both ARN forms of the one log group ${props.logGroupName}; no other log group is reachable.`);
  return new CustomResource(scope, id, {
    serviceToken: provider.serviceToken,
    resourceType: props.resourceType,
    properties: { LogGroupName: props.logGroupName, RetentionInDays: props.retention },
  });
}
