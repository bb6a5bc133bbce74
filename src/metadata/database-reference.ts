import { aws_ec2 as ec2, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * How to reach a Metaflow metadata database: what the metadata service and the UI connect with.
 * `IMetaflowDatabase.endpoint` gives it for a database of the platform's; build one for a database of yours.
 */
export interface MetaflowDatabaseEndpoint {
  /** Host name of the database. */
  readonly hostname: string;
  /** Port of the database, as a string. */
  readonly port: string;
  /** Name of the database. */
  readonly databaseName: string;
  /** Name of the database user. */
  readonly username: string;
  /** Secret whose `password` field holds the user's password. */
  readonly secret: secretsmanager.ISecret;
  /** The database's connections, with its port as the default port (an `rds.DatabaseInstance`, for example). */
  readonly connections: ec2.IConnectable;
}

/** Whether a snapshot is of an RDS instance or of an Aurora cluster. */
export enum DatabaseSnapshotKind {
  /** `CreateDBSnapshot` of an RDS DB instance. */
  INSTANCE = 'instance',
  /** `CreateDBClusterSnapshot` of an Aurora DB cluster. */
  CLUSTER = 'cluster',
}

/**
 * The database the platform snapshots before each schema migration.
 */
export class DatabaseSnapshotTarget {
  /**
   * An RDS DB instance.
   *
   * @param instanceIdentifier the instance's identifier
   * @param beforeFirstMigration also snapshot before the first migration (the database holds data already)
   */
  public static instance(instanceIdentifier: string, beforeFirstMigration = false): DatabaseSnapshotTarget {
    return new DatabaseSnapshotTarget(DatabaseSnapshotKind.INSTANCE, instanceIdentifier, beforeFirstMigration);
  }

  /**
   * An Aurora DB cluster.
   *
   * @param clusterIdentifier the cluster's identifier
   * @param beforeFirstMigration also snapshot before the first migration (the database holds data already)
   */
  public static cluster(clusterIdentifier: string, beforeFirstMigration = false): DatabaseSnapshotTarget {
    return new DatabaseSnapshotTarget(DatabaseSnapshotKind.CLUSTER, clusterIdentifier, beforeFirstMigration);
  }

  /**
   * @param kind instance or cluster
   * @param identifier the instance's or cluster's identifier
   * @param beforeFirstMigration whether the first deploy snapshots too
   */
  private constructor(
    public readonly kind: DatabaseSnapshotKind,
    public readonly identifier: string,
    public readonly beforeFirstMigration: boolean,
  ) {}
}

/**
 * A PostgreSQL database the metadata service records runs in: one the platform creates
 * (`MetaflowDatabase`, `MetaflowAuroraDatabase`) or one that exists already.
 */
export interface IMetaflowDatabase extends IConstruct, ec2.IConnectable {
  /** Everything a client needs to connect. */
  readonly endpoint: MetaflowDatabaseEndpoint;

  /** What the platform snapshots before each schema migration, unless it may not snapshot this database. */
  readonly snapshotTarget?: DatabaseSnapshotTarget;

  /** Lets `peer` connect to PostgreSQL. */
  allowFrom(peer: ec2.IConnectable): void;
}
