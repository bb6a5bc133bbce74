import { aws_cloudwatch as cloudwatch, aws_secretsmanager as secretsmanager, SecretValue } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The public front door of a platform's metadata service: an HTTP API (`MetaflowHttpApi`, the default)
 * or a REST API (`MetaflowApi`).
 */
export interface IMetaflowApi extends IConstruct {
  /** The stage URL with a trailing `/`: the value of `METAFLOW_SERVICE_URL`. */
  readonly url: string;

  /** The secret holding the API key value (`METAFLOW_SERVICE_AUTH_KEY`), when keys are required. */
  readonly apiKeySecret?: secretsmanager.Secret;

  /**
   * The API key for platforms in other stacks, or undefined without a key: a reference that survives
   * a key rotation (see the README's section on sharing a metadata service).
   */
  keyForOtherStacks(): SecretValue | undefined;

  /** Responses with a 5xx status, summed. */
  metricServerError(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Requests, summed. */
  metricCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Time from request to response, in milliseconds. */
  metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}
