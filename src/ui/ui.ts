import {
  Aws, aws_certificatemanager as acm, aws_cognito as cognito, aws_ec2 as ec2, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2, aws_logs as logs,
  aws_route53 as route53, aws_route53_targets as targets, Duration, RemovalPolicy, Size, Stack, Token,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { uiAuthentication } from './ui-authentication';
import { UiLogin } from './ui-login';
import { MetaflowUiOptions } from './ui-options';
import { checkLoginEgress, UI_EPHEMERAL_STORAGE_GIB, uiTaskSize, validateUiOptions } from './ui-props-validation';
import { MetaflowDatastore } from '../datastore/datastore';
import { MetaflowDatabaseEndpoint } from '../metadata/database-reference';
import { DatabaseSsl } from '../metadata/database-ssl';
import { METADATA_PYTHON } from '../metadata/metadata-image';
import { MetaflowRelease } from '../metadata/metaflow-release';
import { selectsPublicSubnets } from '../network/subnet-placement';
import { restrictsCallers } from '../private/cidr';
import { acknowledgeRule, skipCheckovChecks } from '../private/nag';
import { PropErrors, validateOrThrow } from '../private/prop-errors';

/** A browser tab left open keeps its websocket for an hour without reconnecting (the backend sends no heartbeat: ws.py). */
const DEFAULT_IDLE_TIMEOUT = Duration.hours(1);

const UI_PORT = 8083;

/**
 * Props of `MetaflowUi`.
 */
export interface MetaflowUiProps extends MetaflowUiOptions {
  /** The VPC. */
  readonly vpc: ec2.IVpc;

  /** Subnets of the UI tasks (they reach the database, S3 and the image registry from there). */
  readonly serviceSubnets: ec2.SubnetSelection;

  /**
   * Subnets of the load balancer.
   *
   * @default - public subnets when internet-facing, the service subnets when internal
   */
  readonly loadBalancerSubnets?: ec2.SubnetSelection;

  /**
   * Give the tasks public IPs, which they need in public subnets to pull images and read secrets.
   *
   * @default - true when the service subnets are all public
   */
  readonly assignPublicIp?: boolean;

  /** The metadata database the UI reads (and adds its notification triggers to). */
  readonly database: MetaflowDatabaseEndpoint;

  /**
   * How to connect to the database over SSL; use the metadata service's setting.
   *
   * @default DatabaseSsl.require()
   */
  readonly databaseSsl?: DatabaseSsl;

  /** The datastore the UI reads artifacts, logs and cards from. */
  readonly datastore: MetaflowDatastore;

  /**
   * The Metaflow service release whose UI image the UI runs, unless `image` is set.
   *
   * @default MetaflowRelease.LATEST
   */
  readonly release?: MetaflowRelease;

  /**
   * The ECS cluster to run in.
   *
   * @default - a new cluster
   */
  readonly cluster?: ecs.ICluster;
}

/**
 * The Metaflow UI: the UI backend of the metadata service image, which also serves the bundled UI,
 * on Fargate behind an Application Load Balancer with HTTPS and a login (Cognito, your OIDC provider,
 * or none for an internal load balancer). It reads the metadata database and the datastore.
 */
export class MetaflowUi extends Construct {
  /** The Application Load Balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The load balancer's security group: ports 443 and 80 from `allowedCidrs` only. */
  public readonly loadBalancerSecurityGroup: ec2.SecurityGroup;
  /** The listener that serves the UI (HTTPS on 443, or HTTP on 80 without TLS). */
  public readonly listener: elbv2.ApplicationListener;
  /** The listener that redirects HTTP to HTTPS, with TLS. */
  public readonly redirectListener?: elbv2.ApplicationListener;
  /** The target group of the UI tasks. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The certificate, when the UI created or was given one. */
  public readonly certificate?: acm.ICertificate;
  /** The alias record, when the UI was given a hosted zone. */
  public readonly aliasRecord?: route53.ARecord;
  /** The Cognito user pool, when the UI created one. */
  public readonly userPool?: cognito.UserPool;
  /** The Cognito app client the load balancer authenticates with, for a Cognito login. */
  public readonly userPoolClient?: cognito.IUserPoolClient;
  /** The ECS cluster. */
  public readonly cluster: ecs.ICluster;
  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The UI container. */
  public readonly container: ecs.ContainerDefinition;
  /** The Fargate service. */
  public readonly service: ecs.FargateService;
  /** Security group of the tasks: the UI port from the load balancer only. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The log group of the UI container. */
  public readonly logGroup: logs.LogGroup;
  /** Where users open the UI (`METAFLOW_UI_URL`), with a trailing `/`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: MetaflowUiProps) {
    super(scope, id);
    validateOrThrow('MetaflowUi', props, validateUiOptions);
    const errors = PropErrors.for('MetaflowUi');
    errors.check(!props.accessLogsBucket || !Token.isUnresolved(Stack.of(this).region), 'accessLogsBucket',
      'needs the stack\'s region: the bucket policy names the load balancer log delivery account of the region', 'give the stack an env with a region');
    checkLoginEgress(props.vpc, props, errors);
    errors.throwIfAny();
    const internetFacing = props.internetFacing ?? true;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const domainName = props.tls?.domainName;

    this.cluster = props.cluster ?? this.createCluster(props.vpc);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, description: 'Metaflow UI tasks: the UI port from the load balancer only' });
    props.database.connections.connections.allowDefaultPortFrom(this.securityGroup, 'Metaflow UI');
    this.taskDefinition = this.createTaskDefinition(props);
    this.container = this.taskDefinition.defaultContainer!;
    this.service = this.createService(props);

    this.loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc, description: 'Metaflow UI load balancer: HTTPS and HTTP from the allowed ranges', allowAllOutbound: false,
    });
    this.allowBrowsers(props, internetFacing);
    this.loadBalancer = this.createLoadBalancer(props, internetFacing);
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      port: UI_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      targets: [this.service.loadBalancerTarget({ containerName: 'ui', containerPort: UI_PORT })],
      deregistrationDelay: Duration.seconds(15),
      // Without PATH_PREFIX the backend answers /ping; /api/ping would fall through to the UI and pass falsely.
      healthCheck: { path: '/ping', healthyHttpCodes: '200', interval: Duration.seconds(30) },
    });

    if (domainName) {
      this.certificate = props.tls!.certificate ?? new acm.Certificate(this, 'Certificate', {
        domainName, validation: acm.CertificateValidation.fromDns(props.tls!.hostedZone),
      });
    }
    const authentication = uiAuthentication(this, props.login ?? (internetFacing ? UiLogin.cognito() : UiLogin.none()), domainName, removalPolicy);
    this.userPool = authentication.userPool;
    this.userPoolClient = authentication.userPoolClient;
    const listeners = this.addListeners(authentication.actionBefore(elbv2.ListenerAction.forward([this.targetGroup])));
    this.listener = listeners.serving;
    this.redirectListener = listeners.redirecting;

    if (props.tls?.hostedZone) {
      this.aliasRecord = new route53.ARecord(this, 'AliasRecord', {
        zone: props.tls.hostedZone, recordName: domainName, target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.loadBalancer)),
      });
    }
    this.url = domainName ? `https://${domainName}/` : `http://${this.loadBalancer.loadBalancerDnsName}/`;
  }

  private createCluster(vpc: ec2.IVpc): ecs.Cluster {
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.DISABLED });
    acknowledgeRule(cluster, 'ECS4', 'Container Insights bills per metric; the UI service\'s logs and ECS metrics remain.');
    skipCheckovChecks(cluster, [{ id: 'CKV_AWS_65', comment: 'Container Insights bills per metric; the UI service\'s logs and ECS metrics remain.' }]);
    return cluster;
  }

  private createService(props: MetaflowUiProps): ecs.FargateService {
    return new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: props.desiredCount ?? 1,
      vpcSubnets: props.serviceSubnets,
      securityGroups: [this.securityGroup],
      assignPublicIp: props.assignPublicIp ?? selectsPublicSubnets(props.vpc, props.serviceSubnets),
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod: Duration.seconds(120),
    });
  }

  private createLoadBalancer(props: MetaflowUiProps, internetFacing: boolean): elbv2.ApplicationLoadBalancer {
    const loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing,
      vpcSubnets: props.loadBalancerSubnets ?? (internetFacing ? { subnetType: ec2.SubnetType.PUBLIC } : props.serviceSubnets),
      securityGroup: this.loadBalancerSecurityGroup,
      dropInvalidHeaderFields: true,
      // No deletion protection: the load balancer holds no data, and a protected one would make `cdk destroy` fail.
      idleTimeout: props.idleTimeout ?? DEFAULT_IDLE_TIMEOUT,
    });
    if (props.accessLogsBucket) {
      loadBalancer.logAccessLogs(props.accessLogsBucket, 'metaflow-ui');
    } else {
      acknowledgeRule(loadBalancer, 'ELB2', 'Access logs are opt-in (accessLogsBucket); the login provider records sign-ins and the UI logs its requests.');
      skipCheckovChecks(loadBalancer, [{ id: 'CKV_AWS_91', comment: 'Access logs are opt-in (accessLogsBucket); the login provider records sign-ins and the UI logs its requests.' }]);
    }
    return loadBalancer;
  }

  /** HTTPS with a redirect from HTTP when there is a certificate, else plain HTTP (internal only). */
  private addListeners(serve: elbv2.ListenerAction): { serving: elbv2.ApplicationListener; redirecting?: elbv2.ApplicationListener } {
    if (this.certificate) {
      return {
        serving: this.loadBalancer.addListener('Https', {
          port: 443,
          protocol: elbv2.ApplicationProtocol.HTTPS,
          certificates: [this.certificate],
          sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
          open: false,
          defaultAction: serve,
        }),
        redirecting: this.loadBalancer.addListener('HttpRedirect', {
          port: 80,
          protocol: elbv2.ApplicationProtocol.HTTP,
          open: false,
          defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
        }),
      };
    }
    const serving = this.loadBalancer.addListener('Http', { port: 80, protocol: elbv2.ApplicationProtocol.HTTP, open: false, defaultAction: serve });
    // checkov reads this from the template: the plain listener exists only on an internal load balancer, by choice.
    const reason = 'Internal load balancer reached over a VPN; UiTls.plainHttp() was chosen and is refused on an internet-facing one.';
    skipCheckovChecks(serving, [{ id: 'CKV_AWS_2', comment: reason }, { id: 'CKV_AWS_103', comment: reason }]);
    return { serving };
  }

  private createTaskDefinition(props: MetaflowUiProps): ecs.FargateTaskDefinition {
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', uiTaskSize(props));
    const cache = props.cache ?? {};
    const bytes = (size: Size | undefined, defaultGiB: number) => String((size ?? Size.gibibytes(defaultGiB)).toBytes());
    taskDefinition.addContainer('ui', {
      image: props.image ?? (props.release ?? MetaflowRelease.LATEST).uiImage,
      // The bundled UI lives only in /root/services/ui_backend_service/ui, so the server must start from /root.
      workingDirectory: '/root',
      command: [METADATA_PYTHON, '-m', 'services.ui_backend_service.ui_server'],
      environment: {
        ...props.environment,
        MF_METADATA_DB_HOST: props.database.hostname,
        MF_METADATA_DB_PORT: props.database.port,
        MF_METADATA_DB_USER: props.database.username,
        MF_METADATA_DB_NAME: props.database.databaseName,
        ...(props.databaseSsl ?? DatabaseSsl.require()).toEnvironment(),
        MF_METADATA_DB_POOL_MAX: String(props.databasePoolMax ?? 4),
        MF_UI_METADATA_PORT: String(UI_PORT),
        UI_ENABLED: '1',
        METAFLOW_DEFAULT_DATASTORE: 's3',
        METAFLOW_DATASTORE_SYSROOT_S3: props.datastore.sysroot,
        AWS_DEFAULT_REGION: Aws.REGION,
        CACHE_ARTIFACT_MAX_ACTIONS: String(cache.artifactWorkers ?? 4),
        CACHE_DAG_MAX_ACTIONS: String(cache.dagWorkers ?? 2),
        CACHE_LOG_MAX_ACTIONS: String(cache.logWorkers ?? 2),
        // Upstream defaults these to fractions of the whole disk; keep them within the task's storage.
        CACHE_ARTIFACT_STORAGE_LIMIT: bytes(cache.artifactStorage, 4),
        CACHE_DAG_STORAGE_LIMIT: bytes(cache.dagStorage, 1),
        CACHE_LOG_STORAGE_LIMIT: bytes(cache.logStorage, 2),
      },
      secrets: { MF_METADATA_DB_PSWD: ecs.Secret.fromSecretsManager(props.database.secret, 'password') },
      portMappings: [{ containerPort: UI_PORT }],
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'ui' }),
      // The UI server ignores SIGTERM; do not hold every deployment for the default 30 seconds.
      stopTimeout: Duration.seconds(5),
    });
    props.datastore.grantRead(taskDefinition.taskRole);
    acknowledgeRule(taskDefinition, 'ECS2', `Environment variables carry only non-secret settings (the task has ${UI_EPHEMERAL_STORAGE_GIB} GiB of ephemeral storage for the caches); the database password arrives through ECS secrets.`);
    return taskDefinition;
  }

  private allowBrowsers(props: MetaflowUiProps, internetFacing: boolean): void {
    const peers = props.allowedCidrs?.map((cidr) => (cidr.includes(':') ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr)))
      ?? [internetFacing ? ec2.Peer.anyIpv4() : ec2.Peer.ipv4(props.vpc.vpcCidrBlock)];
    const https = props.tls?.isHttps ?? false;
    for (const peer of peers) {
      this.loadBalancerSecurityGroup.addIngressRule(peer, ec2.Port.tcp(80), https ? 'HTTP, redirected to HTTPS' : 'Metaflow UI over HTTP');
      if (https) {
        this.loadBalancerSecurityGroup.addIngressRule(peer, ec2.Port.tcp(443), 'Metaflow UI over HTTPS');
      }
    }
    // Validation refuses an open internet-facing UI without a login, so an open one here always authenticates.
    if (internetFacing && !restrictsCallers(props.allowedCidrs)) {
      acknowledgeRule(this.loadBalancerSecurityGroup, 'EC23', 'An internet-facing UI is open to every address by design; the load balancer authenticates every request with the login before it reaches the UI.');
      skipCheckovChecks(this.loadBalancerSecurityGroup,
        [{ id: 'CKV_AWS_260', comment: 'Port 80 of the internet-facing UI only answers with a permanent redirect to HTTPS.' }]);
    }
  }
}
