import { App, aws_ec2 as ec2, aws_events as events, aws_logs as logs, aws_servicediscovery as servicediscovery, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MetaflowHttpApi, MetaflowHttpApiOptions, MetaflowPlatform, PublicApi } from '../../src';

function build(options: MetaflowHttpApiOptions | ((stack: Stack) => MetaflowHttpApiOptions) = {}) {
  const stack = new Stack(new App(), 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
  const namespace = new servicediscovery.PrivateDnsNamespace(stack, 'Namespace', { vpc, name: 'metaflow.internal' });
  const cloudMapService = namespace.createService('Metadata', { name: 'metadata', dnsRecordType: servicediscovery.DnsRecordType.SRV });
  const serviceSecurityGroup = new ec2.SecurityGroup(stack, 'ServiceSg', { vpc });
  const api = new MetaflowHttpApi(stack, 'Api', {
    vpc,
    cloudMapService,
    serviceSecurityGroup,
    serviceSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    ...(typeof options === 'function' ? options(stack) : options),
  });
  return { stack, api, template: Template.fromStack(stack), serviceSecurityGroup, cloudMapService, vpc };
}

const idOf = (stack: Stack, construct: { node: { defaultChild?: any } }) => stack.getLogicalId(construct.node.defaultChild);

function authorizerEnvironment(template: Template, stack: Stack, api: MetaflowHttpApi) {
  const fn = template.findResources('AWS::Lambda::Function')[idOf(stack, api.authorizerFunction!)] as any;
  return fn.Properties.Environment.Variables;
}

describe('MetaflowHttpApi', () => {
  const { stack, api, template, serviceSecurityGroup, cloudMapService } = build();

  test('sends every method and path ($default route) to the Cloud Map service through a VPC link, with the stage name taken off the path', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'HTTP_PROXY',
      ConnectionType: 'VPC_LINK',
      IntegrationMethod: 'ANY',
      ConnectionId: { Ref: idOf(stack, api.vpcLink) },
      IntegrationUri: { 'Fn::GetAtt': [idOf(stack, cloudMapService), 'Arn'] },
      RequestParameters: { 'overwrite:path': '$request.path' },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default', AuthorizationType: 'CUSTOM' });
    expect(stack.resolve(api.url)).toEqual({
      'Fn::Join': ['', ['https://', { Ref: idOf(stack, api.httpApi) }, '.execute-api.', { Ref: 'AWS::Region' }, '.',
        { Ref: 'AWS::URLSuffix' }, '/api/']],
    });
  });

  test('the VPC link\'s security group reaches only port 8080 of the service tasks', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Metaflow metadata API VPC link: the service tasks only',
      SecurityGroupEgress: Match.absent(),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      FromPort: 8080,
      ToPort: 8080,
      GroupId: { 'Fn::GetAtt': [idOf(stack, api.vpcLinkSecurityGroup), 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::GetAtt': [idOf(stack, serviceSecurityGroup), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 8080,
      ToPort: 8080,
      GroupId: { 'Fn::GetAtt': [idOf(stack, serviceSecurityGroup), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [idOf(stack, api.vpcLinkSecurityGroup), 'GroupId'] },
    });
  });

  test('a Lambda authorizer with simple responses, cached 5 minutes per key and caller address, reading the retained key secret', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      AuthorizerResultTtlInSeconds: 300,
      IdentitySource: ['$request.header.x-api-key', '$context.identity.sourceIp'],
    });
    expect(authorizerEnvironment(template, stack, api)).toEqual({ API_KEY_SECRET_ARN: { Ref: idOf(stack, api.apiKeySecret!) } });
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain', Properties: Match.objectLike({ GenerateSecretString: { ExcludePunctuation: true, IncludeSpace: false, PasswordLength: 40 } }),
    });
    const authorizerPolicy = Object.values(template.findResources('AWS::IAM::Policy'))
      .find((policy: any) => JSON.stringify(policy.Properties.Roles).includes(idOf(stack, api.authorizerFunction!.role as any))) as any;
    expect(authorizerPolicy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: { Ref: idOf(stack, api.apiKeySecret!) } }),
    ]));
  });

  test('a daily keep-alive: an IAM-authorized GET /keep-alive that API Gateway sends to /ping, invokable on this stage only', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [idOf(stack, api.keepAliveFunction), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2 } })],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /keep-alive', AuthorizationType: 'AWS_IAM' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { RequestParameters: { 'overwrite:path': '/ping' }, ConnectionType: 'VPC_LINK' });
    const keepAlive = template.findResources('AWS::Lambda::Function')[idOf(stack, api.keepAliveFunction)] as any;
    expect(stack.resolve(keepAlive.Properties.Environment.Variables.KEEP_ALIVE_URL)).toEqual({
      'Fn::Join': ['', ['https://', { Ref: idOf(stack, api.httpApi) },
        '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/api/keep-alive']],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: { 'Fn::Join': ['', Match.arrayWith([{ Ref: idOf(stack, api.httpApi) }, '/api/GET/keep-alive'])] } }]) },
    });
  });

  test('the stage is throttled at API Gateway\'s account defaults and writes one JSON access log line per request, kept a month', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'api',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 10000, ThrottlingBurstLimit: 5000 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [idOf(stack, api.accessLogGroup), 'Arn'] }, Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('has no unacknowledged cdk-nag finding, and no route without authorization', () => {
    const report = new AwsSolutionsChecks().validateScope(api);
    expect(report.violations.flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`))).toEqual([]);
    template.resourcePropertiesCountIs('AWS::ApiGatewayV2::Route', { AuthorizationType: 'NONE' }, 0);
  });
});

describe('MetaflowHttpApi options', () => {
  test('allowedCidrs go to the authorizer, which checks them with the key', () => {
    const { stack, api, template } = build({ allowedCidrs: ['203.0.113.0/24', '2001:db8::/32'] });
    expect(authorizerEnvironment(template, stack, api)).toEqual({ API_KEY_SECRET_ARN: { Ref: idOf(stack, api.apiKeySecret!) }, ALLOWED_CIDRS: '203.0.113.0/24,2001:db8::/32' });
  });

  test('without a key, an allow-list alone: the authorizer checks addresses, cached per address, and no secret exists', () => {
    const { stack, api, template } = build({ apiKeyRequired: false, allowedCidrs: ['10.0.0.0/8'] });
    expect(api.apiKeySecret).toBeUndefined();
    expect(api.keyForOtherStacks()).toBeUndefined();
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(authorizerEnvironment(template, stack, api)).toEqual({ ALLOWED_CIDRS: '10.0.0.0/8' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { IdentitySource: ['$context.identity.sourceIp'] });
  });

  test('allowUnauthenticatedAccess: no authorizer, and cdk-nag keeps reporting the open route', () => {
    const { stack, api, template } = build({ apiKeyRequired: false, allowUnauthenticatedAccess: true });
    expect(api.authorizerFunction).toBeUndefined();
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default', AuthorizationType: 'NONE' });
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((violation) => violation.ruleName)).toContain('AwsSolutions-APIG4');
  });

  test('authorizerCacheTtl 0: the authorizer is asked on every request and has no identity source, so a missing key gets 403', () => {
    const { template } = build({ authorizerCacheTtl: Duration.seconds(0) });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerResultTtlInSeconds: 0, IdentitySource: Match.absent() });
    // Without an authorizer (an API open to all), the setting changes nothing.
    expect(() => build({ apiKeyRequired: false, allowUnauthenticatedAccess: true, authorizerCacheTtl: Duration.seconds(0) })).not.toThrow();
  });

  test('a rotation (apiKeyGeneration 2) makes a new secret, which the authorizer reads; the shared copy follows the generation', () => {
    const { stack, api, template } = build({ apiKeyGeneration: 2 });
    expect(api.apiKeySecret!.node.id).toBe('ApiKeySecretGeneration2');
    expect(authorizerEnvironment(template, stack, api)).toEqual({ API_KEY_SECRET_ARN: { Ref: idOf(stack, api.apiKeySecret!) } });
    expect(stack.resolve(api.keyForOtherStacks()!.unsafeUnwrap())).toEqual({
      'Fn::Join': ['', ['{{resolve:secretsmanager:',
        { Ref: stack.getLogicalId(api.node.findChild('SharedApiKey').node.defaultChild as any) }, ':SecretString:apiKeyGeneration2::}}']],
    });
  });

  test('throttling, stage name, log retention, removal policy, keep-alive schedule and VPC link subnets', () => {
    const { stack, api, template } = build((scope) => ({
      throttlingRateLimit: 50,
      throttlingBurstLimit: 20,
      stageName: 'metaflow',
      logRetention: logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
      keepAliveSchedule: events.Schedule.rate(Duration.days(7)),
      vpcLinkSubnets: { subnets: [ec2.Subnet.fromSubnetId(scope, 'Chosen', 'subnet-123')] },
    }));
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'metaflow', DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 20 } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(7 days)' });
    template.hasResourceProperties('AWS::ApiGatewayV2::VpcLink', { SubnetIds: ['subnet-123'] });
    expect(stack.resolve(api.url)['Fn::Join'][1].slice(-1)).toEqual(['/metaflow/']);
  });

  test.each([
    [{ authorizerCacheTtl: Duration.hours(2) }, /authorizerCacheTtl: must be whole seconds from 0 to 1 hour, got 2 hours/],
    [{ authorizerCacheTtl: Duration.millis(1500) }, /authorizerCacheTtl: must be whole seconds/],
    [{ apiKeyRequired: false }, /apiKeyRequired: is false and no allowedCidrs are set/],
  ])('rejects %o', (options, message) => {
    expect(() => build(options)).toThrow(message);
  });
});

describe('the public API as a platform choice', () => {
  const keySecretIdOf = (api: PublicApi) => {
    const stack = new Stack(new App(), 'Test');
    const platform = new MetaflowPlatform(stack, 'Metaflow', { api });
    return stack.getLogicalId(platform.api!.apiKeySecret!.node.defaultChild as any);
  };

  test('the REST API and the HTTP API keep the same key secret, so moving between them keeps the key', () => {
    expect(keySecretIdOf(PublicApi.httpApi())).toBe(keySecretIdOf(PublicApi.restApi()));
    expect(keySecretIdOf(PublicApi.httpApi({ apiKeyGeneration: 3 }))).toBe(keySecretIdOf(PublicApi.restApi({ apiKeyGeneration: 3 })));
  });

  test('no logical id changes its resource type between the REST and the HTTP API (CloudFormation cannot update a type)', () => {
    const typesOf = (api: PublicApi) => {
      const stack = new Stack(new App(), 'Test');
      new MetaflowPlatform(stack, 'Metaflow', { api });
      const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
      return Object.fromEntries(Object.entries(resources).map(([id, resource]) => [id, resource.Type]));
    };
    const rest = typesOf(PublicApi.restApi());
    const http = typesOf(PublicApi.httpApi());
    const shared = Object.keys(rest).filter((id) => id in http);
    expect(shared.length).toBeGreaterThan(80);
    expect(shared.filter((id) => rest[id] !== http[id])).toEqual([]);
  });

  test('PublicApi.restApi() still has its API key, usage plan and load balancer; enabled() is the same', () => {
    for (const api of [PublicApi.restApi(), PublicApi.enabled()]) {
      const stack = new Stack(new App(), 'Test');
      new MetaflowPlatform(stack, 'Metaflow', { api });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
      template.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
      template.resourceCountIs('AWS::ApiGateway::UsagePlan', 1);
      template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network', Scheme: 'internal' });
    }
  });

  test('a REST API without the load balancer is refused', () => {
    expect(() => new MetaflowPlatform(new Stack(new App(), 'Test'), 'Metaflow', { api: PublicApi.restApi(), metadata: { internalLoadBalancer: false } }))
      .toThrow(/metadata.internalLoadBalancer: is false but api is PublicApi.restApi\(\), whose VPC link needs the internal load balancer/);
  });
});
