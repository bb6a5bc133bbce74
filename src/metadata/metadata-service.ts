import {
  aws_ec2 as ec2, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2, aws_logs as logs, Duration, RemovalPolicy,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IMetaflowDatabase } from './database-reference';
import { DatabaseSsl } from './database-ssl';
import { ImportedMetadataService } from './imported-metadata-service';
import { admitMetadataClients, METADATA_LISTENER_PORT } from './metadata-clients';
import { MetadataDatabase } from './metadata-database';
import { METADATA_PYTHON } from './metadata-image';
import { metadataTaskSize, validateMetadataServiceOptions } from './metadata-service-props-validation';
import { IMetaflowMetadataService, MetaflowMetadataServiceAttributes } from './metadata-service-reference';
import { MetaflowRelease } from './metaflow-release';
import { MetaflowReleaseSnapshot } from './release-snapshot';
import { MetaflowSchemaMigration } from './schema-migration';
import { MetaflowDatastore } from '../datastore/datastore';
import { selectsPublicSubnets } from '../network/subnet-placement';
import { acknowledgeRule, skipCheckovChecks } from '../private/nag';
import { validateOrThrow } from '../private/prop-errors';

const SERVICE_PORT = 8080;
/**
 * Options for the Metaflow metadata service.
 */
export interface MetaflowMetadataServiceOptions {
  /**
   * The metadata service image, overriding the release's for this part (the schema migration runs it too).
   *
   * @default - the release's metadata service image (`netflixoss/metaflow_metadata_service:v2.5.1` for `MetaflowRelease.V2_5_1`)
   */
  readonly image?: ecs.ContainerImage;

  /**
   * CPU units of each task (256 = 0.25 vCPU).
   *
   * @default 256, or the smallest size that fits the memory when only the memory is given
   */
  readonly cpu?: number;

  /**
   * Memory of each task in MiB; must suit `cpu` (Fargate sizes).
   *
   * @default 512, or the smallest size that fits the CPU when only the CPU is given (1024 for 512)
   */
  readonly memoryLimitMiB?: number;

  /**
   * Number of tasks, and the floor when auto scaling is on.
   *
   * @default 1
   */
  readonly desiredCount?: number;

  /**
   * Scale on CPU between `desiredCount` and this many tasks.
   *
   * @default - no auto scaling
   */
  readonly maxCount?: number;

  /**
   * CPU utilisation auto scaling aims for; requires `maxCount`.
   *
   * @default 60
   */
  readonly targetCpuUtilizationPercent?: number;

  /**
   * How the service and the schema migration connect to PostgreSQL (`MF_METADATA_DB_SSL_MODE` and,
   * for the verify modes, the CA bundle path). RDS PostgreSQL 15 and later refuse unencrypted
   * connections, so only `require` and the verify modes are offered; the verify modes need an image
   * that contains the RDS CA bundle.
   *
   * @default DatabaseSsl.require()
   */
  readonly databaseSsl?: DatabaseSsl;

  /**
   * Extra environment variables of the service and migration containers (for example
   * `MF_METADATA_DB_POOL_MAX`). Database settings are set by the platform.
   *
   * @default - none
   */
  readonly environment?: { [key: string]: string };

  /**
   * How long service and migration logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * How long a deploy-time schema migration may take, at most 13 minutes.
   *
   * @default Duration.minutes(10)
   */
  readonly migrationTimeout?: Duration;

  /**
   * Turn on CloudWatch Container Insights for the cluster (billed per metric).
   *
   * @default false
   */
  readonly containerInsights?: boolean;

  /**
   * The PostgreSQL database: an RDS instance or Aurora cluster the service creates (new or restored
   * from a snapshot), or one that exists already. Before each schema migration a release change
   * brings, the platform snapshots a database it created (one that exists already, when its
   * options allow it).
   *
   * @default - a new RDS for PostgreSQL instance with the defaults of `MetaflowDatabaseOptions`
   */
  readonly database?: MetadataDatabase;
}

/**
 * Props of `MetaflowMetadataService`.
 */
export interface MetaflowMetadataServiceProps extends MetaflowMetadataServiceOptions {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** Subnets of the service tasks and the internal load balancer. */
  readonly serviceSubnets: ec2.SubnetSelection;
  /** Subnets of the database; never public. */
  readonly databaseSubnets: ec2.SubnetSelection;

  /**
   * Give tasks public IPs, which they need in public subnets to pull images and read secrets.
   * Their security group still admits only the load balancer.
   *
   * @default - true when the service subnets are all public, else false
   */
  readonly assignPublicIp?: boolean;

  /**
   * The Metaflow service release whose image the service and the schema migration run, unless `image` is set.
   *
   * @default MetaflowRelease.LATEST
   */
  readonly release?: MetaflowRelease;
}

/**
 * The Metaflow metadata service: PostgreSQL, a Fargate service running the metadata image on port
 * 8080 behind an internal Network Load Balancer (`http://<dns>/`, port 80), and a deploy-time schema
 * migration. The migration endpoints (port 8082) are never started or exposed.
 */
export class MetaflowMetadataService extends Construct implements IMetaflowMetadataService {
  /**
   * A metadata service that exists already, for example one a shared platform runs for several teams.
   */
  public static fromAttributes(scope: Construct, id: string, attrs: MetaflowMetadataServiceAttributes): IMetaflowMetadataService {
    return new ImportedMetadataService(scope, id, attrs);
  }

  /** The PostgreSQL database: a `MetaflowDatabase` or `MetaflowAuroraDatabase` the service created, or the existing one it connects to. */
  public readonly database: IMetaflowDatabase;
  /** The ECS cluster of the service (and of the migration task). */
  public readonly cluster: ecs.Cluster;
  /** The service's task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The metadata service container. */
  public readonly container: ecs.ContainerDefinition;
  /** The Fargate service. */
  public readonly service: ecs.FargateService;
  /** Security group of the service and migration tasks: port 8080 from the load balancer only. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The internal Network Load Balancer. */
  public readonly loadBalancer: elbv2.NetworkLoadBalancer;
  /** Security group of the load balancer: port 80 from the peers `allowClientsFrom` names. */
  public readonly loadBalancerSecurityGroup: ec2.SecurityGroup;
  /** The load balancer's listener on port 80. */
  public readonly listener: elbv2.NetworkListener;
  /** The target group of the service tasks. */
  public readonly targetGroup: elbv2.NetworkTargetGroup;
  /** The log group of the service and migration containers. */
  public readonly logGroup: logs.LogGroup;
  /** The one-shot task definition that runs the schema migration. */
  public readonly migrationTaskDefinition: ecs.FargateTaskDefinition;
  /** The deploy-time schema migration. */
  public readonly migration: MetaflowSchemaMigration;
  /** The snapshot taken before each schema migration a release change brings, unless the database may not be snapshotted. */
  public readonly releaseSnapshot?: MetaflowReleaseSnapshot;
  /** `http://<load balancer DNS>/`, the value of `METAFLOW_SERVICE_INTERNAL_URL`. */
  public readonly internalUrl: string;
  /** The URL clients use: on its own the service has no public front door, so this is `internalUrl` (see `MetaflowApi`). */
  public readonly serviceUrl: string;
  /** The task count auto scaling, when `maxCount` is set. */
  public readonly scaling?: ecs.ScalableTaskCount;

  constructor(scope: Construct, id: string, props: MetaflowMetadataServiceProps) {
    super(scope, id);
    validateOrThrow('MetaflowMetadataService', props, validateMetadataServiceOptions);
    const assignPublicIp = props.assignPublicIp ?? selectsPublicSubnets(props.vpc, props.serviceSubnets);
    const image = props.image ?? (props.release ?? MetaflowRelease.LATEST).metadataServiceImage;

    this.database = (props.database ?? MetadataDatabase.postgresInstance())._create(this, 'Database', { vpc: props.vpc, vpcSubnets: props.databaseSubnets });
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: props.containerInsights ? ecs.ContainerInsights.ENABLED : ecs.ContainerInsights.DISABLED,
    });
    if (!props.containerInsights) {
      acknowledgeRule(this.cluster, 'ECS4', 'Container Insights is opt-in (containerInsights) because it bills per metric; service logs and ECS metrics remain.');
      skipCheckovChecks(this.cluster, [{ id: 'CKV_AWS_65', comment: 'Container Insights bills per metric; it is opt-in (metadata.containerInsights) and ECS service metrics remain.' }]);
    }
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: 'Metaflow metadata load balancer: HTTP from Metaflow tasks',
      allowAllOutbound: false,
    });
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Metaflow metadata service: port 8080 from its load balancer only',
      allowAllOutbound: true,
    });
    this.securityGroup.connections.allowFrom(this.loadBalancerSecurityGroup, ec2.Port.tcp(SERVICE_PORT), 'Metadata load balancer');
    this.database.allowFrom(this.securityGroup);

    const environment = {
      ...props.environment,
      MF_METADATA_DB_HOST: this.database.endpoint.hostname,
      MF_METADATA_DB_PORT: this.database.endpoint.port,
      MF_METADATA_DB_USER: this.database.endpoint.username,
      MF_METADATA_DB_NAME: this.database.endpoint.databaseName,
      ...(props.databaseSsl ?? DatabaseSsl.require()).toEnvironment(),
      MF_MIGRATION_ENDPOINTS_ENABLED: '0',
    };
    const secrets = { MF_METADATA_DB_PSWD: ecs.Secret.fromSecretsManager(this.database.endpoint.secret, 'password') };
    const taskSize = metadataTaskSize(props);

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', taskSize);
    this.container = this.taskDefinition.addContainer('metadata', {
      image,
      // The image's default command also starts the migration endpoints (port 8082); run the metadata service alone.
      command: [METADATA_PYTHON, '-m', 'services.metadata_service.server'],
      environment,
      secrets,
      portMappings: [{ containerPort: SERVICE_PORT }],
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'metadata' }),
      healthCheck: {
        command: ['CMD-SHELL', `${METADATA_PYTHON} -c "import urllib.request; urllib.request.urlopen('http://localhost:${SERVICE_PORT}/ping', timeout=3)" || exit 1`],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
    });

    this.migrationTaskDefinition = new ecs.FargateTaskDefinition(this, 'MigrationTaskDefinition', taskSize);
    const migrationContainer = this.migrationTaskDefinition.addContainer('migration', {
      image,
      command: [METADATA_PYTHON, '/root/run_goose.py', '--wait', '120'],
      environment,
      secrets,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'migration' }),
    });
    for (const taskDefinition of [this.taskDefinition, this.migrationTaskDefinition]) {
      acknowledgeRule(taskDefinition, 'ECS2', 'Environment variables carry only non-secret settings; the database password arrives through ECS secrets.');
    }

    this.migration = new MetaflowSchemaMigration(this, 'Migration', {
      cluster: this.cluster,
      taskDefinition: this.migrationTaskDefinition,
      containerName: 'migration',
      taskLogGroup: this.logGroup,
      vpc: props.vpc,
      vpcSubnets: props.serviceSubnets,
      securityGroups: [this.securityGroup],
      assignPublicIp,
      timeout: props.migrationTimeout,
      logRetention: props.logRetention,
    });
    // The migration connects only once the database and the rules that admit the service exist.
    this.migration.resource.node.addDependency(this.database);
    this.releaseSnapshot = this.snapshotBeforeMigration(migrationContainer, props.logRetention);

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: props.desiredCount ?? 1,
      vpcSubnets: props.serviceSubnets,
      securityGroups: [this.securityGroup],
      assignPublicIp,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod: Duration.seconds(60),
    });
    // New service versions start only once the schema they expect is in place.
    this.service.node.addDependency(this.migration);
    if (props.maxCount !== undefined) {
      this.scaling = this.service.autoScaleTaskCount({ minCapacity: props.desiredCount ?? 1, maxCapacity: props.maxCount });
      this.scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: props.targetCpuUtilizationPercent ?? 60 });
    }

    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.serviceSubnets,
      internetFacing: false,
      // One task serves every zone; without cross-zone routing, callers in the other zone would find no target.
      crossZoneEnabled: true,
      securityGroups: [this.loadBalancerSecurityGroup],
      // API Gateway reaches the load balancer through a VPC link (PrivateLink), whose traffic carries no VPC source.
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false,
    });
    this.loadBalancerSecurityGroup.connections.allowTo(this.securityGroup, ec2.Port.tcp(SERVICE_PORT), 'Metadata service tasks');
    acknowledgeRule(this.loadBalancer, 'ELB2', 'Network Load Balancers write access logs only for TLS listeners; this one forwards plain TCP inside the VPC.');
    skipCheckovChecks(this.loadBalancer, [{ id: 'CKV_AWS_91', comment: 'A Network Load Balancer with a TCP listener writes no access logs (NLBs log TLS listeners only); API Gateway access logs record every public request.' }]);
    this.listener = this.loadBalancer.addListener('Http', { port: METADATA_LISTENER_PORT, protocol: elbv2.Protocol.TCP });
    this.targetGroup = this.listener.addTargets('Service', {
      port: SERVICE_PORT,
      protocol: elbv2.Protocol.TCP,
      targets: [this.service.loadBalancerTarget({ containerName: 'metadata', containerPort: SERVICE_PORT })],
      deregistrationDelay: Duration.seconds(15),
      // Tasks must see the load balancer as the source: their security group admits only its security group.
      preserveClientIp: false,
      healthCheck: { protocol: elbv2.Protocol.HTTP, path: '/ping', port: String(SERVICE_PORT), interval: Duration.seconds(15) },
    });
    this.internalUrl = `http://${this.loadBalancer.loadBalancerDnsName}/`;
    this.serviceUrl = this.internalUrl;
  }

  /**
   * The snapshot step between the database and the migration: a release change snapshots the
   * database, then migrates it, then rolls the service (which depends on the migration).
   */
  private snapshotBeforeMigration(
    migrationContainer: ecs.ContainerDefinition, logRetention?: logs.RetentionDays,
  ): MetaflowReleaseSnapshot | undefined {
    const target = this.database.snapshotTarget;
    if (!target) {
      return undefined;
    }
    const snapshot = new MetaflowReleaseSnapshot(this, 'ReleaseSnapshot', { target, release: migrationContainer.imageName, logRetention });
    snapshot.resource.node.addDependency(this.database);
    this.migration.resource.node.addDependency(snapshot.resource);
    return snapshot;
  }

  /** Lets `peer` (for example Batch compute) call the service through `internalUrl`. */
  public allowClientsFrom(peer: ec2.IConnectable): void {
    admitMetadataClients(peer, this.loadBalancerSecurityGroup);
  }

  /**
   * Does nothing: the service alone has no UI. Share a whole platform (`platform.metadataService`),
   * whose UI then reads the datastores that record into it.
   */
  public grantUiRead(_datastore: MetaflowDatastore): void {}
}
