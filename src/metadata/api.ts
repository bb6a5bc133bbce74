import {
  aws_apigateway as apigw, aws_elasticloadbalancingv2 as elbv2, aws_iam as iam, aws_logs as logs, aws_secretsmanager as secretsmanager,
  RemovalPolicy,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acknowledgeManagedPolicy, acknowledgeRule } from '../private/nag';
import { isIntegerInRange, PropErrors } from '../private/prop-errors';

const STAGE_NAME = /^[A-Za-z0-9_]{1,128}$/;

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
   * Accept requests only from these IPv4/IPv6 CIDR ranges (an API Gateway resource policy).
   *
   * @default - any address (with the API key)
   */
  readonly allowedCidrs?: string[];

  /**
   * Steady-state requests per second, for the stage and the API key's usage plan.
   *
   * @default 100
   */
  readonly throttlingRateLimit?: number;

  /**
   * Burst of requests, for the stage and the API key's usage plan.
   *
   * @default 200
   */
  readonly throttlingBurstLimit?: number;

  /**
   * Name of the stage; the service URL ends in `/<stageName>/`.
   *
   * @default 'api'
   */
  readonly stageName?: string;

  /**
   * How long access logs are kept.
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
  /** The API key, when keys are required. */
  public readonly apiKey?: apigw.ApiKey;
  /** The secret holding the API key value, when keys are required. */
  public readonly apiKeySecret?: secretsmanager.Secret;
  /** The usage plan of the key, when keys are required. */
  public readonly usagePlan?: apigw.UsagePlan;
  /** The stage URL with a trailing `/`: the value of `METAFLOW_SERVICE_URL`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: MetaflowApiProps) {
    super(scope, id);
    validateApiProps(props);
    const apiKeyRequired = props.apiKeyRequired ?? true;
    const throttle = { rateLimit: props.throttlingRateLimit ?? 100, burstLimit: props.throttlingBurstLimit ?? 200 };

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpcLink = new apigw.VpcLink(this, 'VpcLink', { targets: [props.loadBalancer], description: 'Metaflow metadata service' });

    const cloudWatchRole = props.cloudWatchRole ?? true;
    this.restApi = new apigw.RestApi(this, 'RestApi', {
      description: 'Metaflow metadata service',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole,
      policy: props.allowedCidrs ? allowListPolicy(props.allowedCidrs) : undefined,
      deployOptions: {
        stageName: props.stageName ?? 'api',
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
      },
      defaultMethodOptions: { apiKeyRequired },
    });
    this.stage = this.restApi.deploymentStage;
    this.url = this.restApi.url;
    // The platform outputs this URL as METAFLOW_SERVICE_URL; drop RestApi's undescribed duplicate.
    this.restApi.node.tryRemoveChild('Endpoint');

    const target = `http://${props.loadBalancer.loadBalancerDnsName}`;
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

    if (apiKeyRequired) {
      this.apiKeySecret = new secretsmanager.Secret(this, 'ApiKeySecret', {
        description: 'Value of the Metaflow metadata service API key (METAFLOW_SERVICE_AUTH_KEY)',
        generateSecretString: { passwordLength: 40, excludePunctuation: true, includeSpace: false },
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      acknowledgeRule(this.apiKeySecret, 'SMG4', 'An API key is rotated by replacing the secret\'s value and redeploying, which also updates the key; no rotation Lambda is needed.');
      this.apiKey = new apigw.ApiKey(this, 'ApiKey', {
        description: 'Metaflow clients send this key as x-api-key',
        value: this.apiKeySecret.secretValue.unsafeUnwrap(),
      });
      this.usagePlan = this.restApi.addUsagePlan('UsagePlan', { throttle, apiStages: [{ api: this.restApi, stage: this.stage }] });
      this.usagePlan.addApiKey(this.apiKey);
    }

    const authentication = apiKeyRequired
      ? 'Metaflow clients authenticate with an API key (x-api-key), the only scheme the Metaflow client supports'
      : 'API keys were turned off by the user (apiKeyRequired: false)';
    acknowledgeRule(this.restApi, 'APIG4', `${authentication}; IAM or Cognito authorizers would break the client.`);
    acknowledgeRule(this.restApi, 'COG4', `${authentication}; IAM or Cognito authorizers would break the client.`);
    acknowledgeRule(this.restApi, 'APIG2', 'Every path is proxied to the metadata service, which validates its own requests.');
    acknowledgeRule(this.restApi, 'APIG3', 'WAF is left to the account (about $5 a month per web ACL); use allowedCidrs to restrict callers.');
    if (cloudWatchRole) {
      const role = this.restApi.node.findChild('CloudWatchRole') as iam.Role;
      acknowledgeManagedPolicy(role, 'service-role/AmazonAPIGatewayPushToCloudWatchLogs',
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

function validateApiProps(props: MetaflowApiProps): void {
  const errors = new PropErrors('MetaflowApi');
  errors.check(isIntegerInRange(props.throttlingRateLimit, 1), 'throttlingRateLimit', `must be a whole number >= 1, got ${props.throttlingRateLimit}`, 'use 100');
  errors.check(isIntegerInRange(props.throttlingBurstLimit, 1), 'throttlingBurstLimit', `must be a whole number >= 1, got ${props.throttlingBurstLimit}`, 'use 200');
  errors.check(props.stageName === undefined || STAGE_NAME.test(props.stageName), 'stageName', `'${props.stageName}' is not a valid stage name`,
    'use letters, digits and underscores');
  errors.check(props.allowedCidrs === undefined || props.allowedCidrs.length > 0, 'allowedCidrs', 'is empty, which would block every caller',
    'list at least one CIDR range, or leave allowedCidrs unset');
  for (const cidr of props.allowedCidrs ?? []) {
    errors.check(isCidr(cidr), 'allowedCidrs', `'${cidr}' is not a CIDR range`, 'write ranges like 203.0.113.0/24 or 2001:db8::/32');
  }
  errors.throwIfAny();
}

function isCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) {
    return false;
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    return Number(prefix) <= 32 && address.split('.').every((octet) => Number(octet) <= 255);
  }
  return address.includes(':') && /^[0-9A-Fa-f:]+$/.test(address) && Number(prefix) <= 128;
}
