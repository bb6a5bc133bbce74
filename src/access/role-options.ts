import { aws_iam as iam } from 'aws-cdk-lib';

/**
 * How the platform's IAM roles fit an organisation's guardrails. They apply to every role the
 * platform creates, the roles of its custom resources included.
 */
export interface MetaflowRoleOptions {
  /**
   * A permissions boundary for every role. `iam.PermissionsBoundary.of(scope).apply(policy)` on
   * the platform, its stack or the app does the same.
   *
   * @default - no boundary
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * The path of every role, such as '/metaflow/' (IAM requires a leading and a trailing '/').
   *
   * @default '/'
   */
  readonly path?: string;

  /**
   * Name every role `<prefix><unique part>`, for organisations whose policies key on role names.
   * Named roles cannot be replaced in place, so a change to a role that needs replacement fails
   * until the old role is gone; leave this unset unless your guardrails require it.
   *
   * @default - CloudFormation generates the names
   */
  readonly namePrefix?: string;
}
