import {
  aws_ec2 as ec2, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2, aws_logs as logs, aws_servicediscovery as servicediscovery,
  Duration, RemovalPolicy,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IMetaflowDatabase } from './database-reference';
import { DatabaseSsl } from './database-ssl';
import { ImportedMetadataService } from './imported-metadata-service';
import { addInternalLoadBalancer } from './internal-load-balancer';
import { admitMetadataClients, METADATA_LISTENER_PORT, METADATA_SERVICE_PORT } from './metadata-clients';
import { MetadataDatabase } from './metadata-database';
import { METADATA_PYTHON } from './metadata-image';
import { metadataTaskSize, validateMetadataServiceOptions } from './metadata-service-props-validation';
import { IMetaflowMetadataService, MetaflowMetadataServiceAttributes } from './metadata-service-reference';
import { MetaflowRelease } from './metaflow-release';
import { MetaflowReleaseSnapshot } from './release-snapshot';
import { MetaflowSchemaMigration } from './schema-migration';
import { internalUrlOf, registerInCloudMap, ServiceDiscovery } from './service-discovery';
import { MetaflowDatastore } from '../datastore/datastore';
import { selectsPublicSubnets } from '../network/subnet-placement';
import { acknowledgeRule, skipCheckovChecks } from '../private/nag';
import { validateOrThrow } from '../private/prop-errors';

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

  /**
   * Name of the private DNS namespace (AWS Cloud Map) the service's tasks register in: without an
   * internal load balancer, `METAFLOW_SERVICE_INTERNAL_URL` is `http://metadata.<internalDomainName>:8080/`.
   * It resolves only inside the VPC (and in VPCs associated with its hosted zone). Two platforms in one VPC need different names.
   *
   * @default - 'metaflow-' and 8 hex digits unique to the construct, then '.internal'
   */
  readonly internalDomainName?: string;

  /**
   * Put an internal Network Load Balancer (about $16.43 a month) in front of the service instead of a
   * Cloud Map name, for clients that cannot resolve one: users reaching a private platform over a VPN,
   * Direct Connect or a peered VPC, and the REST API's VPC link. Its `http://<dns>/` is then the internal URL.
   *
   * @default - false on its own; in a platform, true when it is private or its API is a REST API
   */
  readonly internalLoadBalancer?: boolean;
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
 * 8080 whose tasks register in a private DNS namespace (`http://metadata.<namespace>:8080/` inside the
 * VPC), or sit behind an internal Network Load Balancer (`http://<dns>/`, port 80) for clients outside
 * it, and a deploy-time schema migration. The migration endpoints (port 8082) are never started or exposed.
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
  /** Security group of the service and migration tasks: port 8080 from the load balancer, or from the peers `allowClientsFrom` names and the HTTP API's VPC link. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The internal Network Load Balancer, with `internalLoadBalancer`. */
  public readonly loadBalancer?: elbv2.NetworkLoadBalancer;
  /** Security group of the load balancer: port 80 from the peers `allowClientsFrom` names. */
  public readonly loadBalancerSecurityGroup?: ec2.SecurityGroup;
  /** The load balancer's listener on port 80. */
  public readonly listener?: elbv2.NetworkListener;
  /** The target group of the service tasks behind the load balancer. */
  public readonly targetGroup?: elbv2.NetworkTargetGroup;
  /** The log group of the service and migration containers. */
  public readonly logGroup: logs.LogGroup;
  /** The one-shot task definition that runs the schema migration. */
  public readonly migrationTaskDefinition: ecs.FargateTaskDefinition;
  /** The deploy-time schema migration. */
  public readonly migration: MetaflowSchemaMigration;
  /** The snapshot taken before each schema migration a release change brings, unless the database may not be snapshotted. */
  public readonly releaseSnapshot?: MetaflowReleaseSnapshot;
  /**
   * The value of `METAFLOW_SERVICE_INTERNAL_URL`: `http://metadata.<namespace>:8080/` (the Cloud Map
   * name, which resolves inside the VPC only), or the load balancer's `http://<dns>/` with `internalLoadBalancer`.
   */
  public readonly internalUrl: string;
  /** The URL clients use without a public API: on its own the service has no public front door, so this is `internalUrl` (see `MetaflowHttpApi`). */
  public readonly serviceUrl: string;
  /** The security group `allowClientsFrom` adds rules to: the load balancer's, or the tasks' without one (for `fromAttributes` in other apps). */
  public readonly clientSecurityGroup: ec2.ISecurityGroup;
  /** The port of `internalUrl`: 80 on the load balancer, or 8080 on the tasks. */
  public readonly clientPort: number;
  /** The task count auto scaling, when `maxCount` is set. */
  public readonly scaling?: ecs.ScalableTaskCount;

  private readonly internalDomainName?: string;
  private discovery?: ServiceDiscovery;

  constructor(scope: Construct, id: string, props: MetaflowMetadataServiceProps) {
    super(scope, id);
    validateOrThrow('MetaflowMetadataService', props, validateMetadataServiceOptions);
    const assignPublicIp = props.assignPublicIp ?? selectsPublicSubnets(props.vpc, props.serviceSubnets);
    const image = props.image ?? (props.release ?? MetaflowRelease.LATEST).metadataServiceImage;

    this.database = (props.database ?? MetadataDatabase.postgresInstance())._create(this, 'Database', { vpc: props.vpc, vpcSubnets: props.databaseSubnets });
    this.cluster = this.createCluster(props);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      // The description of a platform with a load balancer stays as it was: a new description would replace the group.
      description: props.internalLoadBalancer
        ? 'Metaflow metadata service: port 8080 from its load balancer only'
        : 'Metaflow metadata service: port 8080 from its clients and its API',
      allowAllOutbound: true,
    });
    this.database.allowFrom(this.securityGroup);

    const definitions = this.createTaskDefinitions(props, image);
    this.taskDefinition = definitions.taskDefinition;
    this.container = definitions.container;
    this.migrationTaskDefinition = definitions.migrationTaskDefinition;
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
    this.releaseSnapshot = this.snapshotBeforeMigration(definitions.migrationContainer, props.logRetention);

    this.service = this.createService(props, assignPublicIp);
    if (props.maxCount !== undefined) {
      this.scaling = this.service.autoScaleTaskCount({ minCapacity: props.desiredCount ?? 1, maxCapacity: props.maxCount });
      this.scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: props.targetCpuUtilizationPercent ?? 60 });
    }
    this.internalDomainName = props.internalDomainName;
    const internal = props.internalLoadBalancer ? addInternalLoadBalancer(this, {
      vpc: props.vpc, subnets: props.serviceSubnets, service: this.service, serviceSecurityGroup: this.securityGroup,
    }) : undefined;
    this.loadBalancer = internal?.loadBalancer;
    this.loadBalancerSecurityGroup = internal?.securityGroup;
    this.listener = internal?.listener;
    this.targetGroup = internal?.targetGroup;
    this.internalUrl = this.loadBalancer ? `http://${this.loadBalancer.loadBalancerDnsName}/` : internalUrlOf(this.discoverable().namespace);
    this.serviceUrl = this.internalUrl;
    this.clientSecurityGroup = this.loadBalancerSecurityGroup ?? this.securityGroup;
    this.clientPort = this.loadBalancer ? METADATA_LISTENER_PORT : METADATA_SERVICE_PORT;
  }

  /**
   * Registers the service's tasks in a private DNS namespace (AWS Cloud Map), each with an A and an
   * SRV record, and returns the Cloud Map service; calling it again returns the same one. Without
   * an internal load balancer the service registers itself (its internal URL is the Cloud Map name);
   * with one, the HTTP API calls this for its VPC link.
   */
  public registerInCloudMap(): servicediscovery.Service {
    return this.discoverable().cloudMapService;
  }

  /** The namespace and Cloud Map service, registered on first use. */
  private discoverable(): ServiceDiscovery {
    this.discovery ??= registerInCloudMap(this, {
      vpc: this.cluster.vpc, service: this.service, container: this.container, domainName: this.internalDomainName,
    });
    return this.discovery;
  }

  /** The private DNS namespace the tasks register in, if they do (see `registerInCloudMap`). */
  public get cloudMapNamespace(): servicediscovery.PrivateDnsNamespace | undefined {
    return this.discovery?.namespace;
  }

  /** The Cloud Map service of the tasks (an A and an SRV record each), if they register (see `registerInCloudMap`). */
  public get cloudMapService(): servicediscovery.Service | undefined {
    return this.discovery?.cloudMapService;
  }

  private createCluster(props: MetaflowMetadataServiceProps): ecs.Cluster {
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: props.containerInsights ? ecs.ContainerInsights.ENABLED : ecs.ContainerInsights.DISABLED,
    });
    if (!props.containerInsights) {
      acknowledgeRule(cluster, 'ECS4', 'Container Insights is opt-in (containerInsights) because it bills per metric; service logs and ECS metrics remain.');
      skipCheckovChecks(cluster, [{ id: 'CKV_AWS_65', comment: 'Container Insights bills per metric; it is opt-in (metadata.containerInsights) and ECS service metrics remain.' }]);
    }
    return cluster;
  }

  /** The service's and the migration's task definitions, with the same image, settings and database password. */
  private createTaskDefinitions(props: MetaflowMetadataServiceProps, image: ecs.ContainerImage) {
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

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', taskSize);
    const container = taskDefinition.addContainer('metadata', {
      image,
      // The image's default command also starts the migration endpoints (port 8082); run the metadata service alone.
      command: [METADATA_PYTHON, '-m', 'services.metadata_service.server'],
      environment,
      secrets,
      portMappings: [{ containerPort: METADATA_SERVICE_PORT }],
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'metadata' }),
      healthCheck: {
        command: ['CMD-SHELL', `${METADATA_PYTHON} -c "import urllib.request; urllib.request.urlopen('http://localhost:${METADATA_SERVICE_PORT}/ping', timeout=3)" || exit 1`],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
    });

    const migrationTaskDefinition = new ecs.FargateTaskDefinition(this, 'MigrationTaskDefinition', taskSize);
    const migrationContainer = migrationTaskDefinition.addContainer('migration', {
      image,
      command: [METADATA_PYTHON, '/root/run_goose.py', '--wait', '120'],
      environment,
      secrets,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'migration' }),
    });
    for (const definition of [taskDefinition, migrationTaskDefinition]) {
      acknowledgeRule(definition, 'ECS2', 'Environment variables carry only non-secret settings; the database password arrives through ECS secrets.');
    }
    return { taskDefinition, container, migrationTaskDefinition, migrationContainer };
  }

  private createService(props: MetaflowMetadataServiceProps, assignPublicIp: boolean): ecs.FargateService {
    const service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: props.desiredCount ?? 1,
      vpcSubnets: props.serviceSubnets,
      securityGroups: [this.securityGroup],
      assignPublicIp,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      // The container health check decides: ECS keeps a task out of Cloud Map and the target group until it passes.
      healthCheckGracePeriod: props.internalLoadBalancer ? Duration.seconds(60) : undefined,
    });
    // New service versions start only once the schema they expect is in place.
    service.node.addDependency(this.migration);
    return service;
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
    admitMetadataClients(peer, this.clientSecurityGroup, this.clientPort);
  }

  /**
   * Does nothing: the service alone has no UI. Share a whole platform (`platform.metadataService`),
   * whose UI then reads the datastores that record into it.
   */
  public grantUiRead(_datastore: MetaflowDatastore): void {}
}
