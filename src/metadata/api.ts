import {
  aws_apigateway as apigw, aws_elasticloadbalancingv2 as elbv2, aws_iam as iam, aws_logs as logs, aws_secretsmanager as secretsmanager,
  CfnOutput, RemovalPolicy, SecretValue,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { validateApiOptions } from './api-props-validation';
import { restrictsCallers } from '../private/cidr';
import { acknowledgeManagedPolicy, acknowledgeRule, skipCheckovChecks, skipManagedKeySecretCheck } from '../private/nag';
import { validateOrThrow } from '../private/prop-errors';

/** API Gateway's own defaults for an account and region: throttle below them only on purpose. */
const DEFAULT_RATE_LIMIT = 10_000;
const DEFAULT_BURST_LIMIT = 5_000;

/**
 * Options for the public front door of the metadata service.
 */
export interface MetaflowApiOptions {
  /**
   * Require an API key (header `x-api-key`) on every request. The key's value is generated,
   * stored in Secrets Manager and put into the stored client configuration.
   *
   * @default true
   */
  readonly apiKeyRequired?: boolean;

  /**
   * Rotate the API key by raising this number by one and deploying: a new key value is generated
   * into a new secret, API Gateway gets a new key, the stored client configuration points to it, and
   * the old key is deleted (it stops working when the deployment finishes). Clients then run the
   * configure command again. The old secret is kept or deleted according to `removalPolicy`.
   * Changing a secret's value by hand does not rotate the key: CloudFormation does not read the
   * secret again unless the template changes.
   *
   * @default 1
   */
  readonly apiKeyGeneration?: number;

  /**
   * Accept requests only from these IPv4/IPv6 CIDR ranges (an API Gateway resource policy).
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
   * Steady-state requests per second, for the stage and the API key's usage plan. The Metaflow
   * client retries only HTTP 503: a 429 from throttling fails its call at once (a notebook reading
   * many runs stops with an error), so throttle below the default only with that in mind.
   *
   * @default 10000 (API Gateway's default account limit)
   */
  readonly throttlingRateLimit?: number;

  /**
   * Burst of requests, for the stage and the API key's usage plan (see `throttlingRateLimit`).
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
   * How long access and execution logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Create the account-level role that lets API Gateway write logs. API Gateway needs one per
   * account and region; turn this off when the account already has it.
   *
   * @default true
   */
  readonly cloudWatchRole?: boolean;

  /**
   * What happens to the API key secret when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Props of `MetaflowApi`.
 */
export interface MetaflowApiProps extends MetaflowApiOptions {
  /** The internal load balancer in front of the metadata service (listening on port 80). */
  readonly loadBalancer: elbv2.INetworkLoadBalancer;
}

/**
 * The metadata service's public URL: a regional API Gateway REST API that proxies every path to the
 * internal load balancer through a VPC link, with an API key, throttling and access logs.
 */
export class MetaflowApi extends Construct {
  /** The REST API. */
  public readonly restApi: apigw.RestApi;
  /** The VPC link to the internal load balancer. */
  public readonly vpcLink: apigw.VpcLink;
  /** The stage (`api` by default). */
  public readonly stage: apigw.Stage;
  /** The access log group of the stage. */
  public readonly accessLogGroup: logs.LogGroup;
  /** The execution log group API Gateway writes errors to (`API-Gateway-Execution-Logs_<api id>/<stage>`). */
  public readonly executionLogGroup: logs.LogGroup;
  /** The API key, when keys are required. */
  public readonly apiKey?: apigw.ApiKey;
  /** The secret holding the API key value, when keys are required. */
  public readonly apiKeySecret?: secretsmanager.Secret;
  /** The usage plan of the key, when keys are required. */
  public readonly usagePlan?: apigw.UsagePlan;
  /** The stage URL with a trailing `/`: the value of `METAFLOW_SERVICE_URL`. */
  public readonly url: string;

  private readonly apiKeyGeneration: number;
  private readonly removalPolicy: RemovalPolicy;
  private sharedKeySecret?: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: MetaflowApiProps) {
    super(scope, id);
    validateOrThrow('MetaflowApi', props, validateApiOptions);
    const apiKeyRequired = props.apiKeyRequired ?? true;
    const throttle = { rateLimit: props.throttlingRateLimit ?? DEFAULT_RATE_LIMIT, burstLimit: props.throttlingBurstLimit ?? DEFAULT_BURST_LIMIT };
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const stageName = props.stageName ?? 'api';

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention, removalPolicy: RemovalPolicy.DESTROY });
    this.vpcLink = new apigw.VpcLink(this, 'VpcLink', { targets: [props.loadBalancer], description: 'Metaflow metadata service' });

    const cloudWatchRole = props.cloudWatchRole ?? true;
    this.restApi = new apigw.RestApi(this, 'RestApi', {
      description: 'Metaflow metadata service',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole,
      policy: props.allowedCidrs ? allowListPolicy(props.allowedCidrs) : undefined,
      deployOptions: {
        stageName,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
      },
      defaultMethodOptions: { apiKeyRequired },
    });
    this.stage = this.restApi.deploymentStage;
    skipCheckovChecks(this.stage, [
      { id: 'CKV_AWS_120', comment: 'Metadata service responses change with every run; a cache would serve stale runs and bills by the hour.' },
      { id: 'CKV_AWS_73', comment: 'The metadata service is not instrumented for X-Ray, so tracing the stage would add cost without a useful trace.' },
    ]);
    this.url = this.restApi.url;
    this.removeEndpointOutputs();

    // API Gateway would create this group itself on the first logged error, without retention.
    this.executionLogGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${stageName}`,
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage.node.addDependency(this.executionLogGroup);

    this.addProxyMethods(props.loadBalancer);
    this.apiKeyGeneration = props.apiKeyGeneration ?? 1;
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (apiKeyRequired) {
      const key = this.addApiKey(this.apiKeyGeneration, this.removalPolicy, throttle);
      this.apiKeySecret = key.secret;
      this.apiKey = key.apiKey;
      this.usagePlan = key.usagePlan;
    }
    this.acknowledgeFindings(apiKeyRequired, restrictsCallers(props.allowedCidrs), cloudWatchRole);
  }

  /**
   * The API key for platforms in other stacks, or undefined without a key. Each generation's key has
   * a secret of its own, so a reference to it would be an export that a rotation removes, which
   * CloudFormation refuses while another stack imports it. Other stacks therefore read the key from
   * one secret whose ARN never changes (created on first use, `SharedApiKey`), under a field named
   * after the generation (`apiKeyGeneration<N>`): the reference changes with each rotation, so a
   * team stack deployed after it rewrites its stored configuration with the new key
   * (CloudFormation resolves a dynamic reference again only when the reference itself changes).
   */
  public keyForOtherStacks(): SecretValue | undefined {
    if (!this.apiKeySecret) {
      return undefined;
    }
    const field = `apiKeyGeneration${this.apiKeyGeneration}`;
    if (!this.sharedKeySecret) {
      this.sharedKeySecret = new secretsmanager.Secret(this, 'SharedApiKey', {
        description: 'The current Metaflow metadata service API key for platforms in other stacks, under apiKeyGeneration<N>',
        secretObjectValue: { [field]: this.apiKeySecret.secretValue },
        removalPolicy: this.removalPolicy,
      });
      skipManagedKeySecretCheck(this.sharedKeySecret);
      acknowledgeRule(this.sharedKeySecret, 'SMG4', 'A copy of the API key that follows apiKeyGeneration on every deploy; a rotation Lambda could not update API Gateway\'s key.');
    }
    return SecretValue.secretsManager(this.sharedKeySecret.secretArn, { jsonField: field });
  }

  /** The platform outputs the URL as METAFLOW_SERVICE_URL; RestApi's own undescribed endpoint output would repeat it. */
  private removeEndpointOutputs(): void {
    for (const child of this.restApi.node.children) {
      if (child instanceof CfnOutput) {
        this.restApi.node.tryRemoveChild(child.node.id);
      }
    }
  }

  private addProxyMethods(loadBalancer: elbv2.INetworkLoadBalancer): void {
    const target = `http://${loadBalancer.loadBalancerDnsName}`;
    const integration = (path: string, requestParameters?: { [key: string]: string }) => new apigw.Integration({
      type: apigw.IntegrationType.HTTP_PROXY,
      integrationHttpMethod: 'ANY',
      uri: `${target}${path}`,
      options: { connectionType: apigw.ConnectionType.VPC_LINK, vpcLink: this.vpcLink, requestParameters },
    });
    this.restApi.root.addMethod('ANY', integration('/'));
    this.restApi.root.addResource('{proxy+}').addMethod('ANY', integration('/{proxy}', { 'integration.request.path.proxy': 'method.request.path.proxy' }), {
      requestParameters: { 'method.request.path.proxy': true },
    });
  }

  /**
   * The key, its secret and its usage plan. Generation 1 keeps the original construct ids; each later
   * generation gets new ids, so CloudFormation creates a new secret value and key and deletes the old key.
   */
  private addApiKey(generation: number, removalPolicy: RemovalPolicy, throttle: apigw.ThrottleSettings) {
    const suffix = generation === 1 ? '' : `Generation${generation}`;
    const secret = new secretsmanager.Secret(this, `ApiKeySecret${suffix}`, {
      description: `Value of the Metaflow metadata service API key, generation ${generation} (METAFLOW_SERVICE_AUTH_KEY)`,
      generateSecretString: { passwordLength: 40, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    skipManagedKeySecretCheck(secret);
    acknowledgeRule(secret, 'SMG4', 'The key is rotated by raising apiKeyGeneration, which replaces the secret and the API Gateway key in one deploy; a rotation Lambda could not update API Gateway\'s copy.');
    const apiKey = new apigw.ApiKey(this, `ApiKey${suffix}`, {
      description: `Metaflow clients send this key as x-api-key (generation ${generation})`,
      value: secret.secretValue.unsafeUnwrap(),
    });
    const usagePlan = this.restApi.addUsagePlan('UsagePlan', { throttle, apiStages: [{ api: this.restApi, stage: this.stage }] });
    usagePlan.addApiKey(apiKey);
    return { secret, apiKey, usagePlan };
  }

  private acknowledgeFindings(apiKeyRequired: boolean, allowListed: boolean, cloudWatchRole: boolean): void {
    // A keyless API open to every address (no allow-list, or one wider than /8) is never acknowledged: cdk-nag keeps reporting it.
    if (apiKeyRequired || allowListed) {
      const authentication = apiKeyRequired
        ? 'Metaflow clients authenticate with an API key (x-api-key), the only scheme the Metaflow client supports'
        : 'API keys are off, and the resource policy admits only the allowedCidrs ranges';
      acknowledgeRule(this.restApi, 'APIG4', `${authentication}; IAM or Cognito authorizers would break the client.`);
      acknowledgeRule(this.restApi, 'COG4', `${authentication}; IAM or Cognito authorizers would break the client.`);
    }
    acknowledgeRule(this.restApi, 'APIG2', 'Every path is proxied to the metadata service, which validates its own requests.');
    acknowledgeRule(this.restApi, 'APIG3', 'WAF is left to the account (about $5 a month per web ACL); use allowedCidrs to restrict callers.');
    if (cloudWatchRole) {
      // Acknowledged on the RestApi, which owns the account-level role, without naming aws-cdk-lib's child id for it.
      acknowledgeManagedPolicy(this.restApi, 'service-role/AmazonAPIGatewayPushToCloudWatchLogs',
        'API Gateway\'s account-level logging role uses the AWS managed policy made for it.');
    }
  }
}

function allowListPolicy(cidrs: string[]): iam.PolicyDocument {
  const invoke = { actions: ['execute-api:Invoke'], principals: [new iam.AnyPrincipal()], resources: ['execute-api:/*'] };
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement(invoke),
      new iam.PolicyStatement({ ...invoke, effect: iam.Effect.DENY, conditions: { NotIpAddress: { 'aws:SourceIp': cidrs } } }),
    ],
  });
}
