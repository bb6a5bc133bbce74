import { aws_iam as iam, aws_logs as logs, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** A function's role and log group. */
export interface FunctionLogging {
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/**
 * A role for a Lambda function that may write only its own log group, which the stack creates with a retention
 * (no AWS managed basic execution policy, no log group left behind): `<prefix>Role` and `<prefix>Logs` in `scope`.
 */
export function functionLogging(scope: Construct, prefix: string, retention: logs.RetentionDays): FunctionLogging {
  const logGroup = new logs.LogGroup(scope, `${prefix}Logs`, { retention, removalPolicy: RemovalPolicy.DESTROY });
  const role = new iam.Role(scope, `${prefix}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  return { role, logGroup };
}
