import { aws_lambda as lambda, aws_logs as logs, Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { functionLogging } from './function-logging';

/** What an inline Node.js function runs and how. */
export interface InlineFunctionProps {
  /** Source of `index.js` (under CloudFormation's 4 KiB inline limit). */
  readonly code: string;
  /** The export that handles invocations. */
  readonly exportName: string;
  /** What the function does. */
  readonly description: string;
  /** How long one invocation may run. */
  readonly timeout: Duration;
  /** Retention of the function's log group. */
  readonly logRetention: logs.RetentionDays;
  /** Environment variables. */
  readonly environment?: { [key: string]: string };
  /** Memory in MiB; Lambda's default (128) when unset. */
  readonly memorySize?: number;
}

/**
 * A Node.js function whose code is inline, so the library ships no asset, running as a role of its own that may write
 * only its own log group (`<id>Role`, `<id>Logs`).
 */
export function inlineNodeFunction(scope: Construct, id: string, props: InlineFunctionProps): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: `index.${props.exportName}`,
    code: lambda.Code.fromInline(props.code),
    description: props.description,
    timeout: props.timeout,
    memorySize: props.memorySize,
    environment: props.environment,
    ...functionLogging(scope, id, props.logRetention),
  });
}
