import {
  aws_apigateway as apigw, aws_apigatewayv2 as apigwv2, aws_apigatewayv2_authorizers as authorizers, aws_apigatewayv2_integrations as integrations,
  aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_events as events, aws_events_targets as targets, aws_iam as iam, aws_lambda as lambda,
  aws_logs as logs,
  aws_secretsmanager as secretsmanager, aws_servicediscovery as servicediscovery, Duration, RemovalPolicy, SecretValue,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { API_KEY_AUTHORIZER_HANDLER } from './api-key-authorizer-handler';
import { ApiKeySecrets } from './api-key-secrets';
import { DEFAULT_BURST_LIMIT, DEFAULT_RATE_LIMIT, MetaflowApiOptions } from './api-options';
import { validateHttpApiOptions } from './api-props-validation';
import { IMetaflowApi } from './api-reference';
import { KEEP_ALIVE_HANDLER } from './keep-alive-handler';
import { METADATA_SERVICE_PORT } from './metadata-clients';
import { inlineNodeFunction } from '../private/inline-function';
import { skipCheckovChecks } from '../private/nag';
import { validateOrThrow } from '../private/prop-errors';

/** How long API Gateway keeps an authorizer answer unless told otherwise. */
const DEFAULT_AUTHORIZER_CACHE_TTL = Duration.minutes(5);

/** The route the keep-alive function calls; API Gateway sends it to the service's `/ping`. */
const KEEP_ALIVE_PATH = '/keep-alive';

/**
 * Options of the HTTP API (`PublicApi.httpApi`, the default).
 */
export interface MetaflowHttpApiOptions extends MetaflowApiOptions {
  /**
   * How long API Gateway keeps the authorizer's answer for one key and caller address. `Duration.seconds(0)`
   * asks the authorizer on every request; only then is a request without `x-api-key` answered 403 (with
   * caching, API Gateway answers it 401 without asking the authorizer, because the header is part of the cache key).
   *
   * @default Duration.minutes(5)
   */
  readonly authorizerCacheTtl?: Duration;

  /**
   * When the keep-alive function calls the service through the API. API Gateway makes a VPC link that
   * carries no traffic for 60 days INACTIVE, and requests then fail for minutes while it is rebuilt;
   * a daily call costs nothing noticeable (about 30 Lambda invocations and API requests a month).
   *
   * @default events.Schedule.rate(Duration.days(1))
   */
  readonly keepAliveSchedule?: events.Schedule;

  /**
   * Subnets of the VPC link. HTTP API VPC links exist only in some Availability Zones of a Region (in
   * us-east-1 not in use1-az3): if the deployment fails because a subnet's zone is not supported,
   * name subnets in supported zones here.
   *
   * @default - the metadata service's subnets
   */
  readonly vpcLinkSubnets?: ec2.SubnetSelection;
}

/**
 * Props of `MetaflowHttpApi`.
 */
export interface MetaflowHttpApiProps extends MetaflowHttpApiOptions {
  /** The VPC of the metadata service. */
  readonly vpc: ec2.IVpc;
  /** The Cloud Map service the metadata service's tasks register in, with SRV records (`MetaflowMetadataService.cloudMapService`). */
  readonly cloudMapService: servicediscovery.IService;
  /** The security group of the service's tasks, which gets a rule admitting the VPC link on port 8080. */
  readonly serviceSecurityGroup: ec2.ISecurityGroup;
  /** The subnets the VPC link uses unless `vpcLinkSubnets` is given (the service's). */
  readonly serviceSubnets: ec2.SubnetSelection;
}

/**
 * The metadata service's public URL as an API Gateway HTTP API: a VPC link to the service's Cloud Map
 * service (no load balancer), a Lambda authorizer that checks the API key and `allowedCidrs`, throttling,
 * access logs, and a scheduled keep-alive that keeps the VPC link active.
 */
export class MetaflowHttpApi extends Construct implements IMetaflowApi {
  /** The HTTP API. */
  public readonly httpApi: apigwv2.HttpApi;
  /** The stage (`api` by default). */
  public readonly stage: apigwv2.HttpStage;
  /** The VPC link to the service's tasks. */
  public readonly vpcLink: apigwv2.VpcLink;
  /** The VPC link's security group: port 8080 of the service's tasks only. */
  public readonly vpcLinkSecurityGroup: ec2.SecurityGroup;
  /** The access log group of the stage. */
  public readonly accessLogGroup: logs.LogGroup;
  /** The authorizer's function, when the API requires a key or has `allowedCidrs`. */
  public readonly authorizerFunction?: lambda.Function;
  /** The function that calls the API on `keepAliveSchedule`. */
  public readonly keepAliveFunction: lambda.Function;
  /** The schedule rule of the keep-alive. */
  public readonly keepAliveRule: events.Rule;
  /** The secret holding the API key value, when keys are required. */
  public readonly apiKeySecret?: secretsmanager.Secret;
  /** The stage URL with a trailing `/`: the value of `METAFLOW_SERVICE_URL`. */
  public readonly url: string;

  private readonly keySecrets?: ApiKeySecrets;
  private readonly logRetention: logs.RetentionDays;

  constructor(scope: Construct, id: string, props: MetaflowHttpApiProps) {
    super(scope, id);
    validateOrThrow('MetaflowHttpApi', props, validateHttpApiOptions);
    const stageName = props.stageName ?? 'api';
    this.logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    if (props.apiKeyRequired ?? true) {
      this.keySecrets = new ApiKeySecrets(this, props.apiKeyGeneration ?? 1, props.removalPolicy ?? RemovalPolicy.RETAIN);
      this.apiKeySecret = this.keySecrets.secret;
    }

    this.vpcLinkSecurityGroup = new ec2.SecurityGroup(this, 'VpcLinkSecurityGroup', {
      vpc: props.vpc,
      description: 'Metaflow metadata API VPC link: the service tasks only',
      allowAllOutbound: false,
    });
    this.vpcLinkSecurityGroup.connections.allowTo(props.serviceSecurityGroup, ec2.Port.tcp(METADATA_SERVICE_PORT), 'Metadata API VPC link');
    // Not 'VpcLink': the REST API's link of another resource type had that id, and CloudFormation cannot change a resource's type.
    this.vpcLink = new apigwv2.VpcLink(this, 'ServiceVpcLink', {
      vpc: props.vpc,
      subnets: props.vpcLinkSubnets ?? props.serviceSubnets,
      securityGroups: [this.vpcLinkSecurityGroup],
    });

    this.authorizerFunction = this.createAuthorizerFunction(props);
    const cacheTtl = props.authorizerCacheTtl ?? DEFAULT_AUTHORIZER_CACHE_TTL;
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Metaflow metadata service',
      createDefaultStage: false,
      // The $default route takes every method and path; a private integration receives the stage name in the path
      // unless it is overwritten with the request path (API Gateway developer guide, HTTP API private integrations).
      defaultIntegration: new integrations.HttpServiceDiscoveryIntegration('Service', props.cloudMapService, {
        vpcLink: this.vpcLink,
        parameterMapping: new apigwv2.ParameterMapping().overwritePath(apigwv2.MappingValue.requestPath()),
      }),
      defaultAuthorizer: this.authorizerFunction && keyAuthorizer(this.authorizerFunction, props.apiKeyRequired ?? true, cacheTtl),
    });
    if (this.authorizerFunction && cacheTtl.toSeconds() === 0) {
      // aws-cdk-lib writes an empty list; without a cache, the authorizer takes no identity source at all.
      (this.httpApi.node.findChild('KeyAuthorizer').node.defaultChild as apigwv2.CfnAuthorizer).addPropertyDeletionOverride('IdentitySource');
    }
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention: this.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.httpApi,
      stageName,
      autoDeploy: true,
      throttle: { rateLimit: props.throttlingRateLimit ?? DEFAULT_RATE_LIMIT, burstLimit: props.throttlingBurstLimit ?? DEFAULT_BURST_LIMIT },
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup), format: accessLogFormat() },
    });
    this.url = `${this.stage.url}/`;

    const keepAlive = this.addKeepAlive(props);
    this.keepAliveFunction = keepAlive.fn;
    this.keepAliveRule = keepAlive.rule;
  }

  /** The API key for platforms in other stacks, or undefined without a key: a reference that survives a rotation. */
  public keyForOtherStacks(): SecretValue | undefined {
    return this.keySecrets?.keyForOtherStacks();
  }

  public metricServerError(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.httpApi.metricServerError(props);
  }

  public metricCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.httpApi.metricCount(props);
  }

  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.httpApi.metricLatency(props);
  }

  /** The function that checks the key and the caller's address; none for an API open to all (allowUnauthenticatedAccess). */
  private createAuthorizerFunction(props: MetaflowHttpApiProps): lambda.Function | undefined {
    if (!this.apiKeySecret && !props.allowedCidrs) {
      return undefined;
    }
    const fn = this.inlineFunction('Authorizer', API_KEY_AUTHORIZER_HANDLER, 'Checks the Metaflow API key and the caller\'s address', {
      ...(this.apiKeySecret ? { API_KEY_SECRET_ARN: this.apiKeySecret.secretArn } : {}),
      ...(props.allowedCidrs ? { ALLOWED_CIDRS: props.allowedCidrs.join(',') } : {}),
    });
    this.apiKeySecret?.grantRead(fn);
    skipCheckovChecks(fn, [
      { id: 'CKV_AWS_115', comment: 'API Gateway invokes it once per key and address every few minutes (cached); reserved concurrency would only cap the API.' },
      { id: 'CKV_AWS_116', comment: 'Invoked synchronously by API Gateway, which answers the client; a dead-letter queue catches only asynchronous invocations.' },
      { id: 'CKV_AWS_117', comment: 'Reads one secret from Secrets Manager; in the VPC it would need a NAT gateway or an interface endpoint.' },
      { id: 'CKV_AWS_173', comment: 'Its environment holds a secret\'s ARN and the allowed ranges, neither of them secret.' },
    ]);
    return fn;
  }

  /**
   * A daily GET of `/keep-alive`, a route with IAM authorization that API Gateway sends to the service's `/ping`:
   * traffic over the VPC link, from a function that holds no API key and is not subject to `allowedCidrs`.
   */
  private addKeepAlive(props: MetaflowHttpApiProps): { fn: lambda.Function; rule: events.Rule } {
    this.httpApi.addRoutes({
      path: KEEP_ALIVE_PATH,
      methods: [apigwv2.HttpMethod.GET],
      integration: new integrations.HttpServiceDiscoveryIntegration('KeepAlive', props.cloudMapService, {
        vpcLink: this.vpcLink,
        parameterMapping: new apigwv2.ParameterMapping().overwritePath(apigwv2.MappingValue.custom('/ping')),
      }),
      authorizer: new authorizers.HttpIamAuthorizer(),
    });
    const fn = this.inlineFunction('KeepAlive', KEEP_ALIVE_HANDLER, 'Keeps the Metaflow metadata API\'s VPC link active', {
      KEEP_ALIVE_URL: `${this.url}${KEEP_ALIVE_PATH.slice(1)}`,
    }, Duration.seconds(30));
    // route.grantInvoke would allow every stage (`*`); the function calls this stage only.
    fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['execute-api:Invoke'],
      resources: [this.httpApi.arnForExecuteApi(apigwv2.HttpMethod.GET, KEEP_ALIVE_PATH, this.stage.stageName)],
    }));
    skipCheckovChecks(fn, [
      { id: 'CKV_AWS_115', comment: 'Runs once a day; reserved concurrency would take from the account for nothing.' },
      { id: 'CKV_AWS_116', comment: 'EventBridge retries a failed run twice and the next day\'s run tries again; a failure shows as a function error.' },
      { id: 'CKV_AWS_117', comment: 'Calls the public API; in the VPC it would need a NAT gateway to reach it.' },
      { id: 'CKV_AWS_173', comment: 'Its only environment variable is the API\'s public URL.' },
    ]);
    const rule = new events.Rule(this, 'KeepAliveSchedule', {
      description: 'Calls the Metaflow metadata API so that its VPC link never goes inactive',
      schedule: props.keepAliveSchedule ?? events.Schedule.rate(Duration.days(1)),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 2 })],
    });
    return { fn, rule };
  }

  private inlineFunction(
    id: string, code: string, description: string, environment: { [key: string]: string }, timeout = Duration.seconds(10),
  ): lambda.Function {
    return inlineNodeFunction(this, id, { code, exportName: 'handler', description, timeout, environment, memorySize: 128, logRetention: this.logRetention });
  }

}

/**
 * The authorizer: simple responses (allow or deny: 403), cached per key and caller address unless the cache is off.
 * With caching, API Gateway needs every identity source present and answers 401 without calling the function when
 * the header is missing (AWS knowledge center, "API Gateway 401 error with a Lambda authorizer").
 */
function keyAuthorizer(fn: lambda.IFunction, keyRequired: boolean, ttl: Duration): authorizers.HttpLambdaAuthorizer {
  const identitySource = ttl.toSeconds() === 0 ? [] : [...(keyRequired ? ['$request.header.x-api-key'] : []), '$context.identity.sourceIp'];
  return new authorizers.HttpLambdaAuthorizer('KeyAuthorizer', fn, {
    responseTypes: [authorizers.HttpLambdaResponseType.SIMPLE],
    identitySource,
    resultsCacheTtl: ttl,
  });
}

/** One JSON line per request, with the HTTP API's own variables (it has no resource path or caller identity). */
function accessLogFormat(): apigw.AccessLogFormat {
  return apigw.AccessLogFormat.custom(JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    httpMethod: '$context.httpMethod',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    integrationLatency: '$context.integrationLatency',
    authorizerError: '$context.authorizer.error',
    integrationError: '$context.integrationErrorMessage',
  }));
}
