import { aws_iam as iam, aws_lambda as lambda, aws_logs as logs, custom_resources as cr, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acknowledgeRule, acknowledgeWildcardResources, skipCheckovChecks } from './nag';

/**
 * Props of an `InlineProvider`.
 *
 * @internal
 */
export interface InlineProviderProps {
  /** Source of the `index.handler` Node.js function (under CloudFormation's 4 KiB inline limit). */
  readonly code: string;
  /** What the function does. */
  readonly description: string;
  /** How long one invocation may run. */
  readonly timeout: Duration;
  /** Retention of both functions' log groups. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * A custom resource provider whose handler is inline code. The handler and the provider framework's
 * function each run as a role of their own that may write only their own log group, which the stack
 * creates with a retention (no AWS managed basic execution policy, no log group left behind).
 *
 * @internal
 */
export class InlineProvider extends Construct {
  /** The function that handles the custom resource's events. */
  public readonly handler: lambda.Function;
  /** The provider whose service token custom resources use. */
  public readonly provider: cr.Provider;

  constructor(scope: Construct, id: string, props: InlineProviderProps) {
    super(scope, id);
    this.handler = new lambda.Function(this, 'Handler', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(props.code),
      timeout: props.timeout,
      description: props.description,
      ...this.ownRoleAndLogs('Handler', props.logRetention),
    });

    const framework = this.ownRoleAndLogs('Framework', props.logRetention);
    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.handler,
      frameworkOnEventRole: framework.role,
      logGroup: framework.logGroup,
    });
    acknowledgeWildcardResources(framework.role, [`${this.handler.functionArn}:*`],
      'The provider framework invokes any published version of its own handler function and no other function.');
    acknowledgeRule(this.provider, 'L1', 'aws-cdk-lib\'s custom resource framework picks and updates the runtime of its own function.');
    this.skipDeploymentOnlyChecks();
  }

  /** Both functions run only while CloudFormation deploys, invoked synchronously, and call AWS APIs only. */
  private skipDeploymentOnlyChecks(): void {
    const functions = [this.handler.node.defaultChild as lambda.CfnFunction,
      ...this.provider.node.findAll().filter((child): child is lambda.CfnFunction => child instanceof lambda.CfnFunction)];
    for (const fn of functions) {
      skipCheckovChecks(fn, [
        { id: 'CKV_AWS_115', comment: 'Runs only during deployments, invoked by CloudFormation; reserved concurrency would take from the account for nothing.' },
        { id: 'CKV_AWS_116', comment: 'Invoked synchronously by the provider framework, which reports failures to CloudFormation; a dead-letter queue catches only asynchronous invocations.' },
        { id: 'CKV_AWS_117', comment: 'Calls AWS APIs only; in the VPC it would need a NAT gateway or interface endpoints, which the default platform avoids for cost.' },
        ...(fn === this.handler.node.defaultChild ? [] : [{ id: 'CKV_AWS_173', comment: 'Its only environment variable is the handler function\'s ARN, which is not secret.' }]),
      ]);
    }
  }

  /** The provider's service token. */
  public get serviceToken(): string {
    return this.provider.serviceToken;
  }

  private ownRoleAndLogs(prefix: string, retention: logs.RetentionDays): { role: iam.Role; logGroup: logs.LogGroup } {
    const logGroup = new logs.LogGroup(this, `${prefix}Logs`, { retention, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(this, `${prefix}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    return { role, logGroup };
  }
}
