import {
  aws_apigateway as apigw, aws_cloudwatch as cloudwatch, aws_elasticloadbalancingv2 as elbv2, aws_iam as iam, aws_logs as logs,
  aws_secretsmanager as secretsmanager, CfnOutput, RemovalPolicy, SecretValue,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ApiKeySecrets } from './api-key-secrets';
import { DEFAULT_BURST_LIMIT, DEFAULT_RATE_LIMIT, MetaflowRestApiOptions } from './api-options';
import { validateApiOptions } from './api-props-validation';
import { IMetaflowApi } from './api-reference';
import { restrictsCallers } from '../private/cidr';
import { acknowledgeManagedPolicy, acknowledgeRule, skipCheckovChecks } from '../private/nag';
import { validateOrThrow } from '../private/prop-errors';

/**
 * Props of `MetaflowApi`.
 */
export interface MetaflowApiProps extends MetaflowRestApiOptions {
  /** The internal load balancer in front of the metadata service (listening on port 80). */
  readonly loadBalancer: elbv2.INetworkLoadBalancer;
}

/**
 * The metadata service's public URL as a REST API (`PublicApi.restApi`): a regional API Gateway REST
 * API that proxies every path to the internal load balancer through a VPC link, with an API key and
 * usage plan, throttling and access logs. For WAF, usage plans or a private endpoint; the default is
 * the HTTP API (`MetaflowHttpApi`), which needs no load balancer.
 */
export class MetaflowApi extends Construct implements IMetaflowApi {
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

  private readonly keySecrets?: ApiKeySecrets;

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
    if (apiKeyRequired) {
      this.keySecrets = new ApiKeySecrets(this, props.apiKeyGeneration ?? 1, props.removalPolicy ?? RemovalPolicy.RETAIN);
      this.apiKeySecret = this.keySecrets.secret;
      const key = this.addApiKey(this.keySecrets, throttle);
      this.apiKey = key.apiKey;
      this.usagePlan = key.usagePlan;
    }
    this.acknowledgeFindings(apiKeyRequired, restrictsCallers(props.allowedCidrs), cloudWatchRole);
  }

  /** The API key for platforms in other stacks, or undefined without a key: a reference that survives a rotation. */
  public keyForOtherStacks(): SecretValue | undefined {
    return this.keySecrets?.keyForOtherStacks();
  }

  public metricServerError(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.restApi.metricServerError(props);
  }

  public metricCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.restApi.metricCount(props);
  }

  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.restApi.metricLatency(props);
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

  /** The API Gateway key with the secret's value, and its usage plan; a later generation's new ids make a new key and delete the old. */
  private addApiKey(secrets: ApiKeySecrets, throttle: apigw.ThrottleSettings) {
    const apiKey = new apigw.ApiKey(this, `ApiKey${secrets.idSuffix}`, {
      description: `Metaflow clients send this key as x-api-key (generation ${secrets.generation})`,
      value: secrets.secret.secretValue.unsafeUnwrap(),
    });
    const usagePlan = this.restApi.addUsagePlan('UsagePlan', { throttle, apiStages: [{ api: this.restApi, stage: this.stage }] });
    usagePlan.addApiKey(apiKey);
    return { apiKey, usagePlan };
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
