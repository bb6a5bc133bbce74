import {
  App, aws_certificatemanager as acm, aws_cognito as cognito, aws_ec2 as ec2, aws_kms as kms, aws_route53 as route53, aws_s3 as s3, RemovalPolicy,
  Stack,
} from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { oidcProvider } from './oidc-provider';
import {
  MetaflowDatabase, MetaflowDatastore, MetaflowUi, MetaflowUiOptions, UiLogin, UiTls,
} from '../../src';

interface Built {
  readonly stack: Stack;
  readonly ui: MetaflowUi;
  readonly template: Template;
  readonly database: MetaflowDatabase;
  readonly vpc: ec2.Vpc;
}

/** The UI beside a database and datastore of the platform's shape, in a VPC without NAT. */
function build(options: MetaflowUiOptions | ((stack: Stack) => MetaflowUiOptions), region?: string): Built {
  const stack = new Stack(new App(), 'Test', region ? { env: { region } } : undefined);
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'Db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const database = new MetaflowDatabase(stack, 'Database', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
  const datastore = new MetaflowDatastore(stack, 'Datastore', { encryptionKey: new kms.Key(stack, 'Key') });
  const ui = new MetaflowUi(stack, 'Ui', {
    ...(typeof options === 'function' ? options(stack) : options),
    vpc,
    serviceSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    database: database.endpoint,
    datastore,
  });
  return { stack, ui, database, vpc, template: Template.fromStack(stack) };
}

const zone = (stack: Stack) => route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z1', zoneName: 'example.com' });
const hostedZoneTls = (stack: Stack) => UiTls.fromHostedZone({ hostedZone: zone(stack), domainName: 'metaflow.example.com' });
const internal: MetaflowUiOptions = { internetFacing: false };

function uiContainer(template: Template): any {
  const definitions = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[];
  return definitions.flatMap((definition) => definition.Properties.ContainerDefinitions).find((container) => container.Name === 'ui');
}

describe('MetaflowUi service', () => {
  const { template, stack, ui, database } = build(internal);

  test('runs the UI backend from /root, serving the bundled UI without a path prefix', () => {
    const container = uiContainer(template);
    expect(container.Image).toBe('netflixoss/metaflow_metadata_service:v2.5.1');
    expect(container.Command).toEqual(['/opt/latest/bin/python3', '-m', 'services.ui_backend_service.ui_server']);
    expect(container.WorkingDirectory).toBe('/root');
    expect(container.PortMappings).toEqual([{ ContainerPort: 8083, Protocol: 'tcp' }]);
    const environment = Object.fromEntries(container.Environment.map((variable: any) => [variable.Name, variable.Value]));
    expect(environment).toEqual(expect.objectContaining({
      UI_ENABLED: '1',
      MF_UI_METADATA_PORT: '8083',
      METAFLOW_DEFAULT_DATASTORE: 's3',
      MF_METADATA_DB_SSL_MODE: 'require',
      MF_METADATA_DB_POOL_MAX: '4',
      CACHE_ARTIFACT_MAX_ACTIONS: '4',
      CACHE_DAG_MAX_ACTIONS: '2',
      CACHE_LOG_MAX_ACTIONS: '2',
      CACHE_ARTIFACT_STORAGE_LIMIT: String(4 * 1024 ** 3),
      CACHE_DAG_STORAGE_LIMIT: String(1024 ** 3),
      CACHE_LOG_STORAGE_LIMIT: String(2 * 1024 ** 3),
    }));
    expect(environment.PATH_PREFIX).toBeUndefined();
    expect(JSON.stringify(environment.METAFLOW_DATASTORE_SYSROOT_S3)).toContain('/metaflow');
    expect(container.Secrets.map((secret: any) => secret.Name)).toEqual(['MF_METADATA_DB_PSWD']);
    // It ignores SIGTERM, so a long stop timeout would only delay every deployment.
    expect(container.StopTimeout).toBe(5);
  });

  test('a 0.5 vCPU / 3 GiB task (room above the measured 2.2 GiB card-cache peak), circuit-breaker rollback, public IP in public subnets', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '512', Memory: '3072', ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: 'ui' })]) });
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED' }) },
    });
  });

  test('health check on /ping, the real ping path without a prefix (/api/ping would hit the UI and pass falsely)', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8083, HealthCheckPath: '/ping', Matcher: { HttpCode: '200' }, TargetType: 'ip' });
  });

  test('reads the datastore (and its key) and nothing more from S3', () => {
    const roleRef = { Ref: stack.getLogicalId(ui.taskDefinition.taskRole.node.defaultChild as any) };
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy: any) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([roleRef]))
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((statement: any) => [statement.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['s3:ListBucket', 's3:GetObject', 'kms:Decrypt']));
    expect(actions.filter((action: string) => /^s3:(Put|Delete)/.test(action))).toEqual([]);
  });

  test('reaches the database through its security group, and only the load balancer reaches the tasks', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [stack.getLogicalId(database.securityGroup.node.defaultChild as any), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [stack.getLogicalId(ui.securityGroup.node.defaultChild as any), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [stack.getLogicalId(ui.securityGroup.node.defaultChild as any), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [stack.getLogicalId(ui.loadBalancerSecurityGroup.node.defaultChild as any), 'GroupId'] },
      FromPort: 8083,
    });
  });
});

describe('MetaflowUi on an internal load balancer', () => {
  const { template, stack, ui, vpc } = build(internal);

  test('plain HTTP forwards straight to the UI, without login, marked for checkov', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    template.hasResource('AWS::ElasticLoadBalancingV2::Listener', {
      Properties: { Port: 80, Protocol: 'HTTP', DefaultActions: [Match.objectLike({ Type: 'forward' })] },
      Metadata: { checkov: { skip: [Match.objectLike({ id: 'CKV_AWS_2' }), Match.objectLike({ id: 'CKV_AWS_103' })] } },
    });
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    const loadBalancerId = stack.getLogicalId(ui.loadBalancer.node.defaultChild as any);
    expect(stack.resolve(ui.url)).toEqual({ 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [loadBalancerId, 'DNSName'] }, '/']] });
  });

  test('admits the VPC\'s own range by default', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Metaflow UI load balancer'),
      SecurityGroupIngress: [Match.objectLike({ CidrIp: { 'Fn::GetAtt': [stack.getLogicalId(vpc.node.defaultChild as any), 'CidrBlock'] }, FromPort: 80 })],
    });
  });
});

describe('MetaflowUi on the internet with Cognito (the default login)', () => {
  const { template, stack, ui } = build((scope) => ({ tls: hostedZoneTls(scope), removalPolicy: RemovalPolicy.RETAIN }));

  test('HTTPS authenticates with Cognito, then forwards; HTTP redirects; modern TLS; invalid headers dropped; an hour of idle websocket', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'deletion_protection.enabled', Value: 'false' }, { Key: 'idle_timeout.timeout_seconds', Value: '3600' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      DefaultActions: [Match.objectLike({ Type: 'authenticate-cognito', Order: 1 }), Match.objectLike({ Type: 'forward', Order: 2 })],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80, DefaultActions: [{ Type: 'redirect', RedirectConfig: { Port: '443', Protocol: 'HTTPS', StatusCode: 'HTTP_301' } }],
    });
  });

  test('a certificate validated in the hosted zone, an alias record, and the https URL', () => {
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'metaflow.example.com', ValidationMethod: 'DNS', DomainValidationOptions: [{ DomainName: 'metaflow.example.com', HostedZoneId: 'Z1' }],
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'metaflow.example.com.', Type: 'A', HostedZoneId: 'Z1' });
    expect(ui.url).toBe('https://metaflow.example.com/');
  });

  test('a user pool where only administrators create users, with a strong password policy and optional MFA, retained', () => {
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'OPTIONAL',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        DeletionProtection: 'ACTIVE',
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 14, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true,
          }),
        },
      }),
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      AllowedOAuthFlows: ['code'],
      CallbackURLs: ['https://metaflow.example.com/oauth2/idpresponse'],
    });
    const domain = Object.values(template.findResources('AWS::Cognito::UserPoolDomain'))[0] as any;
    expect(domain.Properties.Domain).toMatch(/^[a-z0-9-]+$/);
    expect(domain.Properties.Domain).not.toMatch(/aws|amazon|cognito/);
    expect(ui.userPool).toBeDefined();
    expect(stack.resolve(ui.userPoolClient!.userPoolClientId)).toEqual({ Ref: expect.stringMatching(/^UiUserPoolClient/) });
  });

  test('admits browsers from anywhere on 443 and 80 (the login guards the UI) and lets the load balancer reach the identity provider', () => {
    const group = Object.values(template.findResources('AWS::EC2::SecurityGroup'))
      .find((candidate: any) => /Metaflow UI load balancer/.test(candidate.Properties.GroupDescription)) as any;
    expect(group.Properties.SecurityGroupIngress.map((rule: any) => [rule.CidrIp, rule.FromPort])).toEqual([['0.0.0.0/0', 80], ['0.0.0.0/0', 443]]);
    expect(group.Properties.SecurityGroupEgress).toEqual(expect.arrayContaining([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443 })]));
  });
});

describe('MetaflowUi login and certificate choices', () => {
  test('MFA can be required and the Cognito domain prefix chosen', () => {
    const { template } = build((stack) => ({ tls: hostedZoneTls(stack), login: UiLogin.cognito({ mfa: cognito.Mfa.REQUIRED, domainPrefix: 'ml-team-ui' }) }));
    template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON' });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'ml-team-ui' });
  });

  test('an existing user pool, client and domain: nothing Cognito is created', () => {
    const { template } = build((stack) => {
      const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'us-east-1_abc');
      return {
        tls: hostedZoneTls(stack),
        login: UiLogin.existingCognito({
          userPool,
          userPoolClient: cognito.UserPoolClient.fromUserPoolClientId(stack, 'Client', 'client123'),
          userPoolDomain: cognito.UserPoolDomain.fromDomainName(stack, 'Domain', 'team-auth'),
        }),
      };
    });
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [
        Match.objectLike({ Type: 'authenticate-cognito', AuthenticateCognitoConfig: Match.objectLike({ UserPoolClientId: 'client123', UserPoolDomain: 'team-auth' }) }),
        Match.anyValue(),
      ],
    });
  });

  test('your OIDC provider, with the client secret resolved from Secrets Manager at deploy time', () => {
    const { template } = build((stack) => ({
      tls: hostedZoneTls(stack),
      login: UiLogin.oidc(oidcProvider),
    }));
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [Match.objectLike({
        Type: 'authenticate-oidc',
        AuthenticateOidcConfig: Match.objectLike({
          Issuer: 'https://example.okta.com', ClientId: 'metaflow-ui', ClientSecret: '{{resolve:secretsmanager:metaflow/ui/oidc:SecretString:::}}',
        }),
      }), Match.anyValue()],
    });
  });

  test('a given certificate: no certificate or alias record created, the URL uses the given name', () => {
    const { template, ui } = build((stack) => ({
      tls: UiTls.fromCertificate(acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:111122223333:certificate/abc'), 'ui.example.org'),
    }));
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443, Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc' }],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { CallbackURLs: ['https://ui.example.org/oauth2/idpresponse'] });
    expect(ui.url).toBe('https://ui.example.org/');
  });

  test('an allow-list replaces the open ingress, IPv4 and IPv6 alike; without login on the internet it is the only guard', () => {
    const { template } = build((stack) => ({ tls: hostedZoneTls(stack), login: UiLogin.none(), allowedCidrs: ['203.0.113.0/24', '2001:db8::/32'] }));
    const group = Object.values(template.findResources('AWS::EC2::SecurityGroup'))
      .find((candidate: any) => /Metaflow UI load balancer/.test(candidate.Properties.GroupDescription)) as any;
    const sources = group.Properties.SecurityGroupIngress.map((rule: any) => rule.CidrIp ?? rule.CidrIpv6);
    expect(new Set(sources)).toEqual(new Set(['203.0.113.0/24', '2001:db8::/32']));
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, DefaultActions: [Match.objectLike({ Type: 'forward' })] });
  });

  test('access logs go to the bucket given; DESTROY turns deletion protection off', () => {
    const withLogs = (stack: Stack): MetaflowUiOptions => ({
      ...internal, accessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'alb-logs'), removalPolicy: RemovalPolicy.DESTROY,
    });
    expect(() => build(withLogs)).toThrow(/accessLogsBucket: needs the stack's region[\s\S]*Fix: give the stack an env with a region/);
    const { template } = build(withLogs, 'us-east-1');
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'deletion_protection.enabled', Value: 'false' }, { Key: 'access_logs.s3.enabled', Value: 'true' }, { Key: 'access_logs.s3.bucket', Value: 'alb-logs' },
      ]),
    });
    // The checkov skip for missing access logs (CKV_AWS_91) sits only on a load balancer that has none.
    template.hasResource('AWS::ElasticLoadBalancingV2::LoadBalancer', { Metadata: Match.absent() });
    build(internal).template.hasResource('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Metadata: { checkov: { skip: [Match.objectLike({ id: 'CKV_AWS_91', comment: Match.stringLikeRegexp('accessLogsBucket') })] } },
    });
  });

  test('size, cache and pool options reach the task', () => {
    const { template } = build({ ...internal, cpu: 1024, memoryLimitMiB: 4096, desiredCount: 2, databasePoolMax: 8, cache: { artifactWorkers: 8 } });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '1024', Memory: '4096' });
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2 });
    const environment = Object.fromEntries(uiContainer(template).Environment.map((variable: any) => [variable.Name, variable.Value]));
    expect(environment.MF_METADATA_DB_POOL_MAX).toBe('8');
    expect(environment.CACHE_ARTIFACT_MAX_ACTIONS).toBe('8');
  });

  test.each([
    [{ cpu: 256 }, '256', '2048'],
    [{ cpu: 2048 }, '2048', '4096'],
    [{ memoryLimitMiB: 8192 }, '1024', '8192'],
  ])('a task size derived from %j alone', (size, cpu, memory) => {
    build({ ...internal, ...size }).template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: cpu, Memory: memory });
  });
});

describe('an internal UI with a login', () => {
  test('synthesizes when its load balancer subnets have a NAT gateway, through which it reaches the token endpoint', () => {
    const stack = new Stack(new App(), 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1 });
    const ui = new MetaflowUi(stack, 'Ui', {
      internetFacing: false,
      tls: UiTls.fromCertificate(acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:111122223333:certificate/abc'), 'metaflow.example.com'),
      login: UiLogin.oidc(oidcProvider),
      vpc,
      serviceSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      database: new MetaflowDatabase(stack, 'Database', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }).endpoint,
      datastore: new MetaflowDatastore(stack, 'Datastore'),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    expect(ui.loadBalancer).toBeDefined();
  });
});
