import { App, aws_ec2 as ec2, aws_ecs as ecs, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { publicAndIsolatedVpc } from './public-and-isolated-vpc';
import { DatabaseSsl, MetaflowDatabase, MetaflowMetadataService, MetaflowMetadataServiceOptions } from '../../src';

type Customize = (service: MetaflowMetadataService, stack: Stack) => void;

interface Built {
  readonly stack: Stack;
  readonly service: MetaflowMetadataService;
  readonly template: Template;
}

function build(options: MetaflowMetadataServiceOptions = {}, customize?: Customize): Built {
  const stack = new Stack(new App(), 'Test');
  const vpc = publicAndIsolatedVpc(stack);
  const service = new MetaflowMetadataService(stack, 'Metadata', {
    vpc,
    serviceSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    databaseSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    assignPublicIp: true,
    ...options,
  });
  customize?.(service, stack);
  return { stack, service, template: Template.fromStack(stack) };
}

function containerOf(template: Template, name: string): any {
  const definitions = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[];
  return definitions.flatMap((definition) => definition.Properties.ContainerDefinitions).find((container) => container.Name === name);
}

function environmentOf(container: any): Record<string, unknown> {
  return Object.fromEntries(container.Environment.map((variable: any) => [variable.Name, variable.Value]));
}

describe('MetaflowMetadataService', () => {
  const { template, stack, service } = build();

  test('runs the pinned upstream image, the metadata server alone, right-sized', () => {
    const container = containerOf(template, 'metadata');
    expect(container.Image).toBe('netflixoss/metaflow_metadata_service:v2.5.1');
    expect(container.Command).toEqual(['/opt/latest/bin/python3', '-m', 'services.metadata_service.server']);
    expect(container.PortMappings).toEqual([{ ContainerPort: 8080, Protocol: 'tcp' }]);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '256', Memory: '512', RequiresCompatibilities: ['FARGATE'] });
  });

  test('database settings come as environment, the password only through ECS secrets', () => {
    const container = containerOf(template, 'metadata');
    const environment = environmentOf(container);
    expect(Object.keys(environment)).toEqual(expect.arrayContaining([
      'MF_METADATA_DB_HOST', 'MF_METADATA_DB_PORT', 'MF_METADATA_DB_USER', 'MF_METADATA_DB_NAME', 'MF_METADATA_DB_SSL_MODE',
    ]));
    expect(environment.MF_METADATA_DB_SSL_MODE).toBe('require');
    expect(environment.MF_METADATA_DB_USER).toBe('metaflow');
    expect(environment).not.toHaveProperty('MF_METADATA_DB_PSWD');
    expect(container.Secrets).toHaveLength(1);
    expect(container.Secrets[0].Name).toBe('MF_METADATA_DB_PSWD');
    expect(stack.resolve(container.Secrets[0].ValueFrom)).toEqual({ 'Fn::Join': ['', [{ Ref: expect.any(String) }, ':password::']] });
  });

  test('container health check pings /ping', () => {
    const container = containerOf(template, 'metadata');
    expect(container.HealthCheck.Command[0]).toBe('CMD-SHELL');
    expect(container.HealthCheck.Command[1]).toContain('http://localhost:8080/ping');
  });

  test('service: circuit breaker with rollback, zero-downtime deployment, public IP in public subnets', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: 1,
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100, MaximumPercent: 200,
      }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED' }) },
      // Start before stop: the old task keeps serving until the new one has passed its container's /ping check.
      HealthCheckGracePeriodSeconds: Match.absent(),
    });
  });

  test('used alone in public subnets it gives tasks public IPs by default (they pull images and read secrets through them)', () => {
    const alone = new Stack(new App(), 'Test');
    const vpc = publicAndIsolatedVpc(alone);
    new MetaflowMetadataService(alone, 'Metadata', {
      vpc, serviceSubnets: { subnets: vpc.publicSubnets }, databaseSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    const aloneTemplate = Template.fromStack(alone);
    aloneTemplate.hasResourceProperties('AWS::ECS::Service', { NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED' }) } });
    aloneTemplate.hasResourceProperties('Custom::MetaflowSchemaMigration', { AssignPublicIp: 'ENABLED' });
  });

  test('used alone in private subnets it gives tasks no public IPs', () => {
    const alone = new Stack(new App(), 'Test');
    const vpc = new ec2.Vpc(alone, 'Vpc', { natGateways: 1 });
    new MetaflowMetadataService(alone, 'Metadata', {
      vpc, serviceSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, databaseSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    Template.fromStack(alone).hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
  });

  test.each([
    ['require', DatabaseSsl.require(), 'require'],
    ['verify-ca', DatabaseSsl.verifyCa('/etc/ssl/rds.pem'), 'verify-ca'],
    ['verify-full', DatabaseSsl.verifyFull('/etc/ssl/rds.pem'), 'verify-full'],
    ['the default', undefined, 'require'],
  ])('the migration container always gets an SSL mode run_goose.py honours, never its sslmode=disable fallback (%s)', (_name, databaseSsl, mode) => {
    const { template: built } = build({ databaseSsl });
    for (const name of ['migration', 'metadata']) {
      expect(environmentOf(containerOf(built, name)).MF_METADATA_DB_SSL_MODE).toBe(mode);
    }
  });

  test('logs are kept for a month', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    const container = containerOf(template, 'metadata');
    expect(container.LogConfiguration.Options['awslogs-group']).toEqual({ Ref: stack.getLogicalId(service.logGroup.node.defaultChild as any) });
  });

  test('tasks register in a private DNS namespace with an A and an SRV record each; the internal URL is the A name on port 8080', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    const namespaceName = service.cloudMapNamespace!.namespaceName;
    expect(namespaceName).toMatch(/^metaflow-[0-9a-f]{8}\.internal$/);
    template.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', {
      Name: namespaceName, Vpc: { Ref: stack.getLogicalId(service.cluster.vpc.node.defaultChild as any) },
    });
    template.hasResourceProperties('AWS::ServiceDiscovery::Service', {
      Name: 'metadata',
      DnsConfig: Match.objectLike({ RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 10 }, { Type: 'SRV', TTL: 10 }] }),
      HealthCheckCustomConfig: { FailureThreshold: 1 },
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceRegistries: [{ ContainerName: 'metadata', ContainerPort: 8080, RegistryArn: { 'Fn::GetAtt': [stack.getLogicalId(service.cloudMapService!.node.defaultChild as any), 'Arn'] } }],
    });
    expect(service.internalUrl).toBe(`http://metadata.${namespaceName}:8080/`);
    expect(service.serviceUrl).toBe(service.internalUrl);
    expect(service.loadBalancer).toBeUndefined();
  });

  test('internalDomainName names the namespace; two services in one stack get different default names', () => {
    const { service: named } = build({ internalDomainName: 'metaflow.example.internal' });
    expect(named.internalUrl).toBe('http://metadata.metaflow.example.internal:8080/');
    const both = new Stack(new App(), 'Test');
    const vpc = publicAndIsolatedVpc(both);
    const props = { vpc, serviceSubnets: { subnetType: ec2.SubnetType.PUBLIC }, databaseSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } };
    const first = new MetaflowMetadataService(both, 'First', props);
    const second = new MetaflowMetadataService(both, 'Second', props);
    expect(first.cloudMapNamespace!.namespaceName).not.toBe(second.cloudMapNamespace!.namespaceName);
    expect(() => build({ internalDomainName: 'Not A Name' })).toThrow(/internalDomainName: 'Not A Name' is not a DNS name/);
  });

  test('internalLoadBalancer: an NLB whose listener 80 forwards to 8080 (health check /ping) is the internal URL, and nothing registers in Cloud Map', () => {
    const { template: built, stack: scope, service: withNlb } = build({ internalLoadBalancer: true });
    built.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      Type: 'network',
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'load_balancing.cross_zone.enabled', Value: 'true' }]),
    });
    built.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'TCP' });
    built.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      Protocol: 'TCP',
      TargetType: 'ip',
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/ping',
      HealthCheckPort: '8080',
      TargetGroupAttributes: Match.arrayWith([{ Key: 'preserve_client_ip.enabled', Value: 'false' }]),
    });
    built.hasResourceProperties('AWS::ECS::Service', { HealthCheckGracePeriodSeconds: 60 });
    expect(scope.resolve(withNlb.internalUrl)).toEqual({
      'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [scope.getLogicalId(withNlb.loadBalancer!.node.defaultChild as any), 'DNSName'] }, '/']],
    });
    expect(withNlb.serviceUrl).toBe(withNlb.internalUrl);
    built.resourceCountIs('AWS::ServiceDiscovery::PrivateDnsNamespace', 0);
    expect(withNlb.cloudMapService).toBeUndefined();
    // The group keeps the description it had when every service had a load balancer, so it is not replaced.
    built.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: 'Metaflow metadata service: port 8080 from its load balancer only' });
  });

  test('registerInCloudMap adds Cloud Map to a service behind a load balancer (for the HTTP API) once, keeping the load balancer as internal URL', () => {
    const { template: built, service: withNlb } = build({ internalLoadBalancer: true }, (metadata) => {
      expect(metadata.registerInCloudMap()).toBe(metadata.registerInCloudMap());
    });
    built.resourceCountIs('AWS::ServiceDiscovery::Service', 1);
    built.hasResourceProperties('AWS::ECS::Service', { ServiceRegistries: [Match.objectLike({ ContainerPort: 8080 })], HealthCheckGracePeriodSeconds: 60 });
    expect(withNlb.internalUrl).not.toContain('.internal:8080');
  });

  test('nothing reaches port 8080 but the load balancer and the peers allowClientsFrom names; nothing opens the migration port 8082', () => {
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')) as any[];
    const logicalIdOf = (construct: { node: { defaultChild?: any } }) => stack.getLogicalId(construct.node.defaultChild);
    expect(ingress.filter((rule) => JSON.stringify(rule.Properties.GroupId).includes(logicalIdOf(service.securityGroup)))).toHaveLength(0);
    const { template: built, stack: scope, service: withNlb } = build({ internalLoadBalancer: true });
    const toService = (Object.values(built.findResources('AWS::EC2::SecurityGroupIngress')) as any[])
      .filter((rule) => JSON.stringify(rule.Properties.GroupId).includes(scope.getLogicalId(withNlb.securityGroup.node.defaultChild as any)));
    expect(toService).toHaveLength(1);
    expect(toService[0].Properties).toMatchObject({ FromPort: 8080, ToPort: 8080 });
    const loadBalancerGroup = scope.getLogicalId(withNlb.loadBalancerSecurityGroup!.node.defaultChild as any);
    expect(JSON.stringify(toService[0].Properties.SourceSecurityGroupId)).toContain(loadBalancerGroup);
    const everything = JSON.stringify(template.toJSON());
    expect(everything).not.toMatch(/"(FromPort|ToPort|ContainerPort|Port)":\s*8082/);
    expect(environmentOf(containerOf(template, 'metadata')).MF_MIGRATION_ENDPOINTS_ENABLED).toBe('0');
  });

  test('allowClientsFrom admits a peer on port 8080 of the tasks, or on port 80 of the load balancer when there is one', () => {
    let clients: ec2.SecurityGroup | undefined;
    const addClients = (metadata: MetaflowMetadataService, scope: Stack) => {
      clients = new ec2.SecurityGroup(scope, 'Clients', { vpc: metadata.cluster.vpc });
      metadata.allowClientsFrom(clients);
    };
    const clientRule = (built: Built, port: number, target: { node: { defaultChild?: any } }) => built.template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: port,
      ToPort: port,
      GroupId: { 'Fn::GetAtt': [built.stack.getLogicalId(target.node.defaultChild), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [built.stack.getLogicalId(clients!.node.defaultChild as any), 'GroupId'] },
    });
    const plain = build({}, addClients);
    clientRule(plain, 8080, plain.service.securityGroup);
    plain.template.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', { FromPort: 80 }, 0);
    expect(plain.service.clientSecurityGroup).toBe(plain.service.securityGroup);
    expect(plain.service.clientPort).toBe(8080);
    const withNlb = build({ internalLoadBalancer: true }, addClients);
    clientRule(withNlb, 80, withNlb.service.loadBalancerSecurityGroup!);
    withNlb.template.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', {
      FromPort: 8080, SourceSecurityGroupId: { 'Fn::GetAtt': [withNlb.stack.getLogicalId(clients!.node.defaultChild as any), 'GroupId'] },
    }, 0);
    expect(withNlb.service.clientSecurityGroup).toBe(withNlb.service.loadBalancerSecurityGroup);
    expect(withNlb.service.clientPort).toBe(80);
  });

  test('the database admits the service security group', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      SourceSecurityGroupId: { 'Fn::GetAtt': [stack.getLogicalId(service.securityGroup.node.defaultChild as any), 'GroupId'] },
      GroupId: { 'Fn::GetAtt': [stack.getLogicalId((service.database as MetaflowDatabase).securityGroup.node.defaultChild as any), 'GroupId'] },
    });
  });

  test('migration: a one-shot task running run_goose.py, run by a custom resource that the service waits for', () => {
    const migration = containerOf(template, 'migration');
    expect(migration.Command).toEqual(['/opt/latest/bin/python3', '/root/run_goose.py', '--wait', '120']);
    expect(migration.Image).toBe('netflixoss/metaflow_metadata_service:v2.5.1');
    expect(environmentOf(migration)).toEqual(environmentOf(containerOf(template, 'metadata')));
    const migrationId = stack.getLogicalId(service.migration.resource.node.defaultChild as any);
    template.hasResource('Custom::MetaflowSchemaMigration', {
      Properties: Match.objectLike({
        TaskDefinition: { Ref: stack.getLogicalId(service.migrationTaskDefinition.node.defaultChild as any) },
        ContainerName: 'migration',
        AssignPublicIp: 'ENABLED',
        TimeoutSeconds: 600,
      }),
      DependsOn: Match.arrayWith([stack.getLogicalId((service.database as MetaflowDatabase).instance.node.defaultChild as any)]),
    });
    template.hasResource('AWS::ECS::Service', { DependsOn: Match.arrayWith([migrationId]) });
  });

  test('a new image changes the migration task definition, so the migration runs again before the service updates', () => {
    const image = (tag: string) => ecs.ContainerImage.fromRegistry(`netflixoss/metaflow_metadata_service:${tag}`);
    const a = build({ image: image('v2.5.1') }).template;
    const b = build({ image: image('v2.6.0') }).template;
    expect(containerOf(a, 'migration').Image).not.toEqual(containerOf(b, 'migration').Image);
    expect(containerOf(b, 'migration').Image).toBe('netflixoss/metaflow_metadata_service:v2.6.0');
  });

  test.each([
    ['only cpu: the smallest memory that fits it', { cpu: 512 }, '512', '1024'],
    ['only cpu, a large one', { cpu: 4096 }, '4096', '8192'],
    ['only memory: the smallest cpu that fits it', { memoryLimitMiB: 4096 }, '512', '4096'],
    ['only memory that fits the default cpu', { memoryLimitMiB: 1024 }, '256', '1024'],
  ])('a task size from %s', (_case, size, cpu, memory) => {
    build(size).template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: cpu, Memory: memory });
  });

  test('options: size, count, auto scaling, SSL mode, extra environment, retention, timeout, Container Insights', () => {
    const { template: custom } = build({
      cpu: 512,
      memoryLimitMiB: 2048,
      desiredCount: 2,
      maxCount: 4,
      targetCpuUtilizationPercent: 50,
      databaseSsl: DatabaseSsl.verifyFull('/etc/ssl/rds/global-bundle.pem'),
      environment: { MF_METADATA_DB_POOL_MAX: '20' },
      logRetention: 7,
      migrationTimeout: Duration.minutes(5),
      containerInsights: true,
    });
    custom.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '512', Memory: '2048' });
    custom.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2 });
    custom.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 4 });
    custom.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 50 }),
    });
    const environment = environmentOf(containerOf(custom, 'metadata'));
    expect(environment.MF_METADATA_DB_SSL_MODE).toBe('verify-full');
    // The service and run_goose.py read the CA path under different names; both must be set.
    expect(environment.MF_METADATA_DB_SSL_ROOT_CERT_PATH).toBe('/etc/ssl/rds/global-bundle.pem');
    expect(environment.MF_METADATA_DB_SSL_ROOT_CERT).toBe('/etc/ssl/rds/global-bundle.pem');
    expect(environment.MF_METADATA_DB_POOL_MAX).toBe('20');
    custom.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    custom.hasResourceProperties('Custom::MetaflowSchemaMigration', { TimeoutSeconds: 300 });
    custom.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
  });

  test.each<[string, MetaflowMetadataServiceOptions, RegExp]>([
    ['odd cpu', { cpu: 300 }, /cpu: 300 is not a Fargate CPU size/],
    ['memory not fitting cpu', { cpu: 256, memoryLimitMiB: 4096 }, /memoryLimitMiB: 4096 MiB does not fit cpu 256. Fix: use 512 to 2048 MiB/],
    ['no tasks', { desiredCount: 0 }, /desiredCount: must be a whole number >= 1, got 0/],
    ['max below desired', { desiredCount: 2, maxCount: 2 }, /maxCount: \(2\) must be a whole number above desiredCount \(2\)/],
    ['target without max', { targetCpuUtilizationPercent: 50 }, /targetCpuUtilizationPercent: is set but auto scaling is off/],
    ['relative CA path', { databaseSsl: DatabaseSsl.verifyCa('rds.pem') }, /databaseSsl: CA bundle path 'rds.pem' is not an absolute path. Fix: give the absolute path/],
    ['managed variable', { environment: { MF_METADATA_DB_HOST: 'elsewhere' } }, /environment: sets MF_METADATA_DB_HOST, which the platform manages/],
    ['long migration', { migrationTimeout: Duration.minutes(20) }, /migrationTimeout: 20 minutes exceeds 13 minutes, the most a deploy-time Lambda can wait. Fix: use at most Duration.minutes\(13\)/],
  ])('rejects %s', (_name, options, message) => {
    expect(() => build(options)).toThrow(message);
  });
});
