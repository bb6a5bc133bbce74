import { App, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MetaflowApi, MetaflowRestApiOptions } from '../../src';

interface Built {
  stack: Stack;
  api: MetaflowApi;
  template: Template;
  loadBalancer: elbv2.NetworkLoadBalancer;
}

function build(options: MetaflowRestApiOptions = {}): Built {
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

  test('usage plan and stage are throttled at API Gateway\'s account defaults (the client fails at once on 429)', () => {
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 10000, BurstLimit: 5000 } });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'api',
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 10000, ThrottlingBurstLimit: 5000, LoggingLevel: 'ERROR' })],
    });
  });

  test('the execution log group API Gateway writes to is in the stack, with retention, before the stage', () => {
    const restApi = stack.getLogicalId(api.restApi.node.defaultChild as any);
    const groupId = stack.getLogicalId(api.executionLogGroup.node.defaultChild as any);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: restApi }, '/api']] }, RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
    });
    template.hasResource('AWS::ApiGateway::Stage', { DependsOn: Match.arrayWith([groupId]) });
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

  test('without API keys (allow-listed): no key, no secret, no usage plan, methods open', () => {
    const open = build({ apiKeyRequired: false, allowedCidrs: ['203.0.113.0/24'] });
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

  test('apiKeyGeneration 1 keeps the released ids; a later generation makes a new secret and key that the key plan uses', () => {
    const first = build({ apiKeyGeneration: 1 });
    const firstSecretId = first.stack.getLogicalId(first.api.apiKeySecret!.node.defaultChild as any);
    expect(firstSecretId).toBe(stack.getLogicalId(api.apiKeySecret!.node.defaultChild as any));
    expect(firstSecretId).toBe('ApiApiKeySecretADFFAFB2');

    const second = build({ apiKeyGeneration: 2 });
    const secretId = second.stack.getLogicalId(second.api.apiKeySecret!.node.defaultChild as any);
    const keyId = second.stack.getLogicalId(second.api.apiKey!.node.defaultChild as any);
    expect(secretId).not.toBe('ApiApiKeySecretADFFAFB2');
    expect(keyId).not.toBe(stack.getLogicalId(api.apiKey!.node.defaultChild as any));
    second.template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    second.template.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    second.template.hasResourceProperties('AWS::ApiGateway::ApiKey', {
      Value: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] },
    });
    second.template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', { KeyId: { Ref: keyId } });
  });

  test('a keyless API open to every address needs the explicit opt-in and stays reported by cdk-nag', () => {
    const open = build({ apiKeyRequired: false, allowUnauthenticatedAccess: true });
    open.template.allResourcesProperties('AWS::ApiGateway::Method', { ApiKeyRequired: false });
    const findings = new AwsSolutionsChecks().validateScope(open.stack).violations.map((violation) => violation.ruleName);
    expect(findings).toEqual(expect.arrayContaining(['AwsSolutions-APIG4', 'AwsSolutions-COG4']));
  });

  test.each<[string, MetaflowRestApiOptions, RegExp]>([
    ['keyless and open to all', { apiKeyRequired: false },
      /apiKeyRequired: is false and no allowedCidrs are set, so anyone on the internet could read and write the metadata database. Fix: keep the API key, or set allowedCidrs/],
    ['opt-in without turning keys off', { allowUnauthenticatedAccess: true }, /allowUnauthenticatedAccess: is set but the API still requires a key. Fix: remove allowUnauthenticatedAccess/],
    ['generation 0', { apiKeyGeneration: 0 }, /apiKeyGeneration: must be a whole number >= 1, got 0. Fix: start at 1/],
    ['generation without a key', { apiKeyRequired: false, allowedCidrs: ['203.0.113.0/24'], apiKeyGeneration: 2 },
      /apiKeyGeneration: is set but apiKeyRequired is false, so there is no key to rotate. Fix: remove apiKeyGeneration/],
    ['zero burst', { throttlingBurstLimit: 0 }, /throttlingBurstLimit: must be a whole number >= 1, got 0. Fix: use 5000/],
    ['zero rate', { throttlingRateLimit: 0 }, /throttlingRateLimit: must be a whole number >= 1, got 0/],
    ['bad stage', { stageName: 'my stage' }, /stageName: 'my stage' is not a valid stage name/],
    ['empty allow-list', { allowedCidrs: [] }, /allowedCidrs: is empty, which would block every caller/],
    ['bad CIDR', { allowedCidrs: ['10.0.0.0/33', 'example.com'] }, /'10.0.0.0\/33' is not a CIDR range[\s\S]*'example.com' is not a CIDR range/],
  ])('rejects %s', (_name, options, message) => {
    expect(() => build(options)).toThrow(message);
  });
});
