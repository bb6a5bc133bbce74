import { aws_ec2 as ec2, aws_rds as rds, aws_secretsmanager as secretsmanager, RemovalPolicy, Tokenization } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MetaflowDatabaseCommonOptions } from './database-common-options';
import {
  acknowledgeCredentialFindings, acknowledgeDatabaseFindings, DEFAULT_BACKUP_RETENTION, DEFAULT_BACKUP_WINDOW, DEFAULT_DATABASE_NAME,
  DEFAULT_MAINTENANCE_WINDOW, DEFAULT_USERNAME, deletionProtectionOf, newDatabaseCredentials, newDatabaseSecurityGroup,
} from './database-defaults';
import { validateAuroraDatabaseOptions } from './database-props-validation';
import { DatabaseSnapshotTarget, IMetaflowDatabase, MetaflowDatabaseEndpoint } from './database-reference';
import { acknowledgeRule, skipCheckovChecks } from '../private/nag';
import { validateOrThrow } from '../private/prop-errors';

/**
 * Options for an Aurora PostgreSQL cluster as the metadata database.
 *
 * Serverless v2 does not make an idle platform cheaper: the metadata service keeps a connection
 * pool open and the UI backend a `LISTEN` connection, so the cluster never pauses, and while a
 * paused cluster resumed the service would answer HTTP 500, on which the Metaflow client fails at once.
 */
export interface MetaflowAuroraDatabaseOptions extends MetaflowDatabaseCommonOptions {
  /**
   * Aurora PostgreSQL version. Aurora needs a full version; `autoMinorVersionUpgrade` on the
   * instances keeps the minor current afterwards.
   *
   * @default rds.AuroraPostgresEngineVersion.VER_17_9
   */
  readonly engineVersion?: rds.AuroraPostgresEngineVersion;

  /**
   * The writer instance: `rds.ClusterInstance.serverlessV2('Writer')` or
   * `rds.ClusterInstance.provisioned('Writer', { instanceType })`.
   *
   * @default - one Serverless v2 writer
   */
  readonly writer?: rds.IClusterInstance;

  /**
   * Reader instances, which Aurora fails over to.
   *
   * @default - none (one Serverless v2 reader that scales with the writer with the platform's high-availability option)
   */
  readonly readers?: rds.IClusterInstance[];

  /**
   * Fewest Aurora capacity units (ACUs) of each Serverless v2 instance, 0.5 to 256. Zero (auto-pause)
   * is refused: the service's connections keep the cluster awake, and a resuming cluster fails clients.
   *
   * @default 0.5
   */
  readonly serverlessV2MinCapacity?: number;

  /**
   * Most ACUs of each Serverless v2 instance, up to 256.
   *
   * @default 2
   */
  readonly serverlessV2MaxCapacity?: number;
}

/**
 * Props of `MetaflowAuroraDatabase`.
 */
export interface MetaflowAuroraDatabaseProps extends MetaflowAuroraDatabaseOptions {
  /** The VPC. */
  readonly vpc: ec2.IVpc;

  /** Subnets for the cluster; never public. */
  readonly vpcSubnets: ec2.SubnetSelection;
}

/** The settings the constructor derives from the props with their defaults. */
interface ResolvedClusterSettings {
  readonly databaseName: string;
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
}

/**
 * The metadata service's database as an Aurora PostgreSQL cluster (Serverless v2 or provisioned):
 * encrypted, private, backed up, SSL required (`rds.force_ssl`), generated credentials in Secrets Manager.
 */
export class MetaflowAuroraDatabase extends Construct implements IMetaflowDatabase {
  /** The Aurora cluster (an `rds.DatabaseClusterFromSnapshot` when restored from a snapshot). */
  public readonly cluster: rds.DatabaseClusterBase;
  /** The cluster parameter group, which requires SSL. */
  public readonly parameterGroup: rds.ParameterGroup;
  /** The credentials secret. */
  public readonly secret: secretsmanager.ISecret;
  /** The cluster's security group; it admits only what `allowFrom` names. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Everything a client needs to connect: the writer endpoint. */
  public readonly endpoint: MetaflowDatabaseEndpoint;
  /** The cluster, which the platform snapshots before each schema migration. */
  public readonly snapshotTarget?: DatabaseSnapshotTarget;

  constructor(scope: Construct, id: string, props: MetaflowAuroraDatabaseProps) {
    super(scope, id);
    validateOrThrow('MetaflowAuroraDatabase', props, validateAuroraDatabaseOptions);
    const username = props.username ?? DEFAULT_USERNAME;
    const databaseName = props.databaseName ?? DEFAULT_DATABASE_NAME;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const deletionProtection = deletionProtectionOf(props.deletionProtection, removalPolicy);
    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: props.engineVersion ?? rds.AuroraPostgresEngineVersion.VER_17_9 });

    this.securityGroup = newDatabaseSecurityGroup(this, props.vpc);
    const credentials = newDatabaseCredentials(this, username, removalPolicy);
    // Aurora PostgreSQL accepts unencrypted connections unless rds.force_ssl is on (RDS for PostgreSQL 15+ refuses them by default).
    this.parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: 'Metaflow metadata database: SSL required',
      parameters: { 'rds.force_ssl': '1' },
    });
    const cluster = this.createCluster(props, engine, credentials, { databaseName, removalPolicy, deletionProtection });
    this.cluster = cluster;
    this.secret = cluster.secret ?? credentials;
    this.endpoint = {
      hostname: cluster.clusterEndpoint.hostname,
      port: Tokenization.stringifyNumber(cluster.clusterEndpoint.port),
      databaseName,
      username,
      secret: this.secret,
      connections: cluster,
    };
    this.snapshotTarget = DatabaseSnapshotTarget.cluster(cluster.clusterIdentifier);
    acknowledgeCredentialFindings(credentials);
    this.acknowledgeFindings(removalPolicy, deletionProtection);
  }

  /** Lets `peer` connect to PostgreSQL. */
  public allowFrom(peer: ec2.IConnectable): void {
    this.cluster.connections.allowDefaultPortFrom(peer, 'Metaflow metadata service');
  }

  /** The connections of the cluster, for security group rules. */
  public get connections(): ec2.Connections {
    return this.cluster.connections;
  }

  private createCluster(
    props: MetaflowAuroraDatabaseProps, engine: rds.IClusterEngine, credentials: rds.DatabaseSecret, resolved: ResolvedClusterSettings,
  ): rds.DatabaseCluster | rds.DatabaseClusterFromSnapshot {
    const { databaseName, removalPolicy, deletionProtection } = resolved;
    const common: rds.DatabaseClusterProps = {
      engine,
      parameterGroup: this.parameterGroup,
      writer: props.writer ?? rds.ClusterInstance.serverlessV2('Writer'),
      readers: props.readers,
      serverlessV2MinCapacity: props.serverlessV2MinCapacity ?? 0.5,
      serverlessV2MaxCapacity: props.serverlessV2MaxCapacity ?? 2,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [this.securityGroup],
      storageEncrypted: true,
      storageEncryptionKey: props.encryptionKey,
      backup: { retention: props.backupRetention ?? DEFAULT_BACKUP_RETENTION, preferredWindow: props.preferredBackupWindow ?? DEFAULT_BACKUP_WINDOW },
      preferredMaintenanceWindow: props.preferredMaintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW,
      deletionProtection,
      copyTagsToSnapshot: true,
      removalPolicy,
    };
    if (props.snapshotIdentifier === undefined) {
      return new rds.DatabaseCluster(this, 'Cluster', {
        ...common,
        defaultDatabaseName: databaseName,
        credentials: rds.Credentials.fromSecret(credentials),
      });
    }
    return new rds.DatabaseClusterFromSnapshot(this, 'Cluster', {
      ...common,
      snapshotIdentifier: props.snapshotIdentifier,
      snapshotCredentials: rds.SnapshotCredentials.fromSecret(credentials),
    });
  }

  private acknowledgeFindings(removalPolicy: RemovalPolicy, deletionProtection: boolean): void {
    acknowledgeDatabaseFindings(this.cluster, deletionProtection, removalPolicy);
    acknowledgeRule(this.cluster, 'RDS6', 'The Metaflow metadata service authenticates to PostgreSQL with a password only; it has no IAM database authentication.');
    for (const instance of this.cluster.node.findAll().filter((child): child is rds.CfnDBInstance => child instanceof rds.CfnDBInstance)) {
      skipCheckovChecks(instance, [{ id: 'CKV_AWS_118', comment: 'Enhanced Monitoring bills per instance for OS metrics; the standard RDS metrics remain.' }]);
    }
    skipCheckovChecks(this.cluster, [
      { id: 'CKV_AWS_162', comment: 'The Metaflow metadata service authenticates to PostgreSQL with a password only; it has no IAM database authentication.' },
      { id: 'CKV_AWS_324', comment: 'PostgreSQL logs to CloudWatch bill per GB; the service logs every failed query itself.' },
    ]);
  }
}
