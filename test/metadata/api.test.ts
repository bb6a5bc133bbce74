import { App, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MetaflowApi, MetaflowApiOptions } from '../../src';

function build(options: MetaflowApiOptions = {}): { stack: Stack; api: MetaflowApi; template: Template; loadBalancer: elbv2.NetworkLoadBalancer } {
  const stack = new Stack(new App(), 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
  const loadBalancer = new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
  const api = new MetaflowApi(stack, 'Api', { loadBalancer, ...options });
  return { stack, api, loadBalancer, template: Template.fromStack(stack) };
}

describe('MetaflowApi', () => {
  const { template, stack, api, loadBalancer } = build();
  const dns = { 'Fn::GetAtt': [stack.getLogicalId(loadBalancer.node.defaultChild as any), 'DNSName'] };

  test('a regional REST API', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
  });

  test('proxies / and every path to the load balancer through a VPC link, requiring the API key', () => {
    template.hasResourceProperties('AWS::ApiGateway::VpcLink', { TargetArns: [{ Ref: stack.getLogicalId(loadBalancer.node.defaultChild as any) }] });
    template.resourceCountIs('AWS::ApiGateway::Method', 2);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'ANY',
      ApiKeyRequired: true,
      Integration: Match.objectLike({ Type: 'HTTP_PROXY', ConnectionType: 'VPC_LINK', Uri: { 'Fn::Join': ['', ['http://', dns, '/']] } }),
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'ANY',
      ApiKeyRequired: true,
      Integration: Match.objectLike({
        Uri: { 'Fn::Join': ['', ['http://', dns, '/{proxy}']] },
        RequestParameters: { 'integration.request.path.proxy': 'method.request.path.proxy' },
      }),
    });
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
  });

  test('no integration points at the migration port 8082', () => {
    expect(JSON.stringify(template.findResources('AWS::ApiGateway::Method'))).not.toContain('8082');
  });

  test('the key value is generated into a retained secret and reaches API Gateway by reference only', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ GenerateSecretString: { ExcludePunctuation: true, IncludeSpace: false, PasswordLength: 40 } }),
    });
    template.hasResourceProperties('AWS::ApiGateway::ApiKey', {
      Value: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: stack.getLogicalId(api.apiKeySecret!.node.defaultChild as any) }, ':SecretString:::}}']] },
    });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', { KeyType: 'API_KEY' });
  });

  test('usage plan and stage are throttled', () => {
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 100, BurstLimit: 200 } });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'api',
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200, LoggingLevel: 'ERROR' })],
    });
  });

  test('stage writes access logs to a log group with retention', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: { DestinationArn: { 'Fn::GetAtt': [stack.getLogicalId(api.accessLogGroup.node.defaultChild as any), 'Arn'] }, Format: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
  });

  test('url is the stage URL with a trailing slash; no undescribed Endpoint output', () => {
    expect(stack.resolve(api.url)).toEqual({
      'Fn::Join': ['', ['https://', { Ref: expect.any(String) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: expect.any(String) }, '/']],
    });
    expect(Object.keys(template.findOutputs('*'))).toEqual([]);
  });

  test('no resource policy unless allowedCidrs is set', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { Policy: Match.absent() });
  });

  test('allowedCidrs denies every other source address', () => {
    build({ allowedCidrs: ['203.0.113.0/24', '2001:db8::/32'] }).template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Policy: {
        Statement: [
          { Action: 'execute-api:Invoke', Effect: 'Allow', Principal: { AWS: '*' }, Resource: 'execute-api:/*' },
          {
            Action: 'execute-api:Invoke',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Resource: 'execute-api:/*',
            Condition: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } },
          },
        ],
        Version: '2012-10-17',
      },
    });
  });

  test('without API keys: no key, no secret, no usage plan, methods open', () => {
    const open = build({ apiKeyRequired: false });
    open.template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    open.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    open.template.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
    open.template.allResourcesProperties('AWS::ApiGateway::Method', { ApiKeyRequired: false });
    expect(open.api.apiKey).toBeUndefined();
  });

  test('options: throttling, stage name, retention, account role off, removal policy', () => {
    const custom = build({
      throttlingRateLimit: 10, throttlingBurstLimit: 20, stageName: 'v1', logRetention: 7, cloudWatchRole: false, removalPolicy: RemovalPolicy.DESTROY,
    }).template;
    custom.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 10, BurstLimit: 20 } });
    custom.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'v1' });
    custom.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    custom.resourceCountIs('AWS::ApiGateway::Account', 0);
    custom.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
  });

  test.each<[string, MetaflowApiOptions, RegExp]>([
    ['zero rate', { throttlingRateLimit: 0 }, /throttlingRateLimit: must be a whole number >= 1, got 0/],
    ['bad stage', { stageName: 'my stage' }, /stageName: 'my stage' is not a valid stage name/],
    ['empty allow-list', { allowedCidrs: [] }, /allowedCidrs: is empty, which would block every caller/],
    ['bad CIDR', { allowedCidrs: ['10.0.0.0/33', 'example.com'] }, /'10.0.0.0\/33' is not a CIDR range[\s\S]*'example.com' is not a CIDR range/],
  ])('rejects %s', (_name, options, message) => {
    expect(() => build(options)).toThrow(message);
  });
});
