import { aws_logs as logs, RemovalPolicy } from 'aws-cdk-lib';

/** API Gateway's own defaults for an account and region: throttle below them only on purpose. */
export const DEFAULT_RATE_LIMIT = 10_000;
export const DEFAULT_BURST_LIMIT = 5_000;

/**
 * Options of either public front door of the metadata service (HTTP or REST API).
 */
export interface MetaflowApiOptions {
  /**
   * Require an API key (header `x-api-key`) on every request. The key's value is generated,
   * stored in Secrets Manager and put into the stored client configuration; the HTTP API's
   * authorizer checks it, the REST API has an API Gateway key and usage plan for it.
   *
   * @default true
   */
  readonly apiKeyRequired?: boolean;

  /**
   * Rotate the API key by raising this number by one and deploying: a new key value is generated
   * into a new secret, API Gateway gets a new key, the stored client configuration points to it, and
   * the old key is deleted (it stops working when the deployment finishes). Clients then run the
   * configure command again. The old secret is kept or deleted according to `removalPolicy`.
   * Switching between the HTTP and the REST API keeps the key of the same generation.
   * Changing a secret's value by hand does not rotate the key: CloudFormation does not read the
   * secret again unless the template changes.
   *
   * @default 1
   */
  readonly apiKeyGeneration?: number;

  /**
   * Accept requests only from these IPv4/IPv6 CIDR ranges: the HTTP API's authorizer checks the
   * caller's address, the REST API has a resource policy.
   *
   * @default - any address (with the API key)
   */
  readonly allowedCidrs?: string[];

  /**
   * Allow an API that requires no key and has no `allowedCidrs`: anyone on the internet could then
   * read and write the metadata database. Only for short-lived tests; cdk-nag then reports it.
   *
   * @default false
   */
  readonly allowUnauthenticatedAccess?: boolean;

  /**
   * Steady-state requests per second, for the stage (and the REST API's usage plan). The Metaflow
   * client retries only HTTP 503: a 429 from throttling fails its call at once (a notebook reading
   * many runs stops with an error), so throttle below the default only with that in mind.
   *
   * @default 10000 (API Gateway's default account limit)
   */
  readonly throttlingRateLimit?: number;

  /**
   * Burst of requests, for the stage (and the REST API's usage plan; see `throttlingRateLimit`).
   *
   * @default 5000 (API Gateway's default account burst)
   */
  readonly throttlingBurstLimit?: number;

  /**
   * Name of the stage; the service URL ends in `/<stageName>/`.
   *
   * @default 'api'
   */
  readonly stageName?: string;

  /**
   * How long access logs (and the REST API's execution logs) are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the API key secret when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Options of the REST API (`PublicApi.restApi`).
 */
export interface MetaflowRestApiOptions extends MetaflowApiOptions {
  /**
   * Create the account-level role that lets API Gateway write logs. API Gateway needs one per
   * account and region; turn this off when the account already has it.
   *
   * @default true
   */
  readonly cloudWatchRole?: boolean;
}
