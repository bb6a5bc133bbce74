import {
  aws_iam as iam, aws_lambda as lambda, aws_logs as logs, custom_resources as cr, Duration,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { functionLogging } from './function-logging';
import { inlineNodeFunction } from './inline-function';
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

  /**
   * Let the code's `isComplete` export decide when the resource is done, asked every `queryInterval`
   * up to `totalTimeout` (at most 2 hours) by the framework's waiter state machine, for operations
   * longer than one Lambda invocation.
   *
   * @default - the handler's result completes the resource
   */
  readonly completion?: InlineProviderCompletion;
}

/**
 * How an `InlineProvider` waits for a long operation.
 *
 * @internal
 */
export interface InlineProviderCompletion {
  /** How often `isComplete` is asked. */
  readonly queryInterval: Duration;
  /** How long the resource may take in all before the deployment fails. */
  readonly totalTimeout: Duration;
}

/** The provider framework's functions, the waiter's and its own role. */
interface Waiter {
  readonly completeHandler: lambda.Function;
  readonly role: iam.Role;
  readonly providerProps: Partial<cr.ProviderProps>;
}

const FRAMEWORK_INVOKES = 'The provider framework invokes any published version of its own functions and no other function.';

function versionsOf(fn: lambda.IFunction): string {
  return `${fn.functionArn}:*`;
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
  /** The function that tells whether the resource is done, with `completion`. */
  public readonly completeHandler?: lambda.Function;
  /** The provider whose service token custom resources use. */
  public readonly provider: cr.Provider;

  constructor(scope: Construct, id: string, props: InlineProviderProps) {
    super(scope, id);
    this.handler = this.inlineFunction('Handler', 'handler', props.timeout, props.description, props);

    const framework = functionLogging(this, 'Framework', props.logRetention);
    const waiter = props.completion && this.createWaiter(props, props.completion, framework.logGroup);
    this.completeHandler = waiter?.completeHandler;
    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.handler,
      frameworkOnEventRole: framework.role,
      logGroup: framework.logGroup,
      ...waiter?.providerProps,
    });
    acknowledgeWildcardResources(framework.role, this.userFunctions.map(versionsOf), FRAMEWORK_INVOKES);
    if (waiter) {
      this.acknowledgeWaiter(waiter);
    }
    acknowledgeRule(this.provider, 'L1', 'aws-cdk-lib\'s custom resource framework picks and updates the runtime of its own function.');
    this.skipDeploymentOnlyChecks();
  }

  /**
   * The completion check, and what the framework's waiter runs as: its functions under a role of their own that writes
   * the framework's log group. The waiter state machine does not log to CloudWatch: Step Functions keeps its execution
   * history for 90 days, and log delivery would need logs:PutResourcePolicy and the like on `*`.
   */
  private createWaiter(props: InlineProviderProps, completion: InlineProviderCompletion, frameworkLogs: logs.LogGroup): Waiter {
    const completeHandler = this.inlineFunction('CompleteHandler', 'isComplete', Duration.minutes(1), `${props.description} (completion check)`, props);
    const role = new iam.Role(this, 'WaiterRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    frameworkLogs.grantWrite(role);
    return {
      completeHandler,
      role,
      providerProps: {
        isCompleteHandler: completeHandler,
        queryInterval: completion.queryInterval,
        totalTimeout: completion.totalTimeout,
        frameworkCompleteAndTimeoutRole: role,
      },
    };
  }

  /** The waiter invokes versions of the framework's and the user's functions. */
  private acknowledgeWaiter(waiter: Waiter): void {
    acknowledgeWildcardResources(waiter.role, this.userFunctions.map(versionsOf), FRAMEWORK_INVOKES);
    const stateMachine = this.provider.node.findChild('waiter-state-machine');
    const frameworkFunctions = ['framework-isComplete', 'framework-onTimeout'].map((id) => this.provider.node.findChild(id) as lambda.Function);
    acknowledgeWildcardResources(stateMachine, frameworkFunctions.map(versionsOf), FRAMEWORK_INVOKES);
    const noTracing = 'The provider framework\'s waiter only asks a function whether a deployment step is done; it offers no tracing option.';
    const noLogs = 'Step Functions keeps the waiter\'s execution history for 90 days; CloudWatch log delivery would need logs:PutResourcePolicy and the like on *.';
    acknowledgeRule(stateMachine, 'SF1', noLogs);
    acknowledgeRule(stateMachine, 'SF2', noTracing);
    skipCheckovChecks(stateMachine, [{ id: 'CKV_AWS_284', comment: noTracing }, { id: 'CKV_AWS_285', comment: noLogs }]);
  }

  /** Both functions run only while CloudFormation deploys, invoked synchronously, and call AWS APIs only. */
  private skipDeploymentOnlyChecks(): void {
    const userFunctions = this.userFunctions;
    const functions = [...userFunctions.map((fn) => fn.node.defaultChild as lambda.CfnFunction),
      ...this.provider.node.findAll().filter((child): child is lambda.CfnFunction => child instanceof lambda.CfnFunction)];
    for (const fn of functions) {
      skipCheckovChecks(fn, [
        { id: 'CKV_AWS_115', comment: 'Runs only during deployments, invoked by CloudFormation; reserved concurrency would take from the account for nothing.' },
        { id: 'CKV_AWS_116', comment: 'Invoked synchronously by the provider framework, which reports failures to CloudFormation; a dead-letter queue catches only asynchronous invocations.' },
        { id: 'CKV_AWS_117', comment: 'Calls AWS APIs only; in the VPC it would need a NAT gateway or interface endpoints, which the default platform avoids for cost.' },
        ...(userFunctions.some((user) => user.node.defaultChild === fn) ? [] : [{ id: 'CKV_AWS_173', comment: 'Its only environment variable is the handler function\'s ARN, which is not secret.' }]),
      ]);
    }
  }

  /** A function running the export `exportName` of the inline code, as a role of its own that writes only its own log group. */
  private inlineFunction(id: string, exportName: string, timeout: Duration, description: string, props: InlineProviderProps): lambda.Function {
    return inlineNodeFunction(this, id, { code: props.code, exportName, timeout, description, logRetention: props.logRetention });
  }

  /** The functions of the inline code: the handler, and the completion check with `completion`. */
  private get userFunctions(): lambda.Function[] {
    return this.completeHandler ? [this.handler, this.completeHandler] : [this.handler];
  }

  /** The provider's service token. */
  public get serviceToken(): string {
    return this.provider.serviceToken;
  }
}
