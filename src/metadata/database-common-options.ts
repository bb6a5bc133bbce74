import { aws_kms as kms, Duration, RemovalPolicy } from 'aws-cdk-lib';

/**
 * Options every database the platform creates for the metadata service shares, an RDS instance
 * (`MetaflowDatabaseOptions`) or an Aurora cluster (`MetaflowAuroraDatabaseOptions`).
 */
export interface MetaflowDatabaseCommonOptions {
  /**
   * Weekly window (UTC, `ddd:hh24:mi-ddd:hh24:mi`, at least 30 minutes) in which RDS may apply
   * minor version upgrades and patches, which restart the database: every metadata service call
   * fails with HTTP 500 until it is back (a minute or two; with `multiAz` a failover of about the
   * same length), and the Metaflow client fails a task at once on a 500. Put it where no flow runs.
   *
   * @default 'sun:04:00-sun:04:30' (early Sunday morning in Europe, Saturday night in the Americas)
   */
  readonly preferredMaintenanceWindow?: string;

  /**
   * Daily window (UTC, `hh24:mi-hh24:mi`, at least 30 minutes, not overlapping the maintenance
   * window) of the automated backup. A single-AZ backup briefly suspends I/O.
   *
   * @default '03:00-03:30'
   */
  readonly preferredBackupWindow?: string;

  /**
   * How long automated backups are kept (1 to 35 days).
   *
   * @default Duration.days(7)
   */
  readonly backupRetention?: Duration;

  /**
   * KMS key that encrypts the storage.
   *
   * @default - the AWS managed key for RDS
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Protect the database from deletion. CloudFormation cannot delete a protected database, so with
   * `RemovalPolicy.SNAPSHOT` or `DESTROY` a protected database makes `cdk destroy` (and any
   * replacement of the instance) fail until protection is turned off; with `RemovalPolicy.RETAIN`
   * CloudFormation leaves the database alone and protection only guards against deletes elsewhere.
   *
   * @default - true with `RemovalPolicy.RETAIN`, false otherwise (`SNAPSHOT`, the default, keeps a final snapshot instead)
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the database (and its credentials secret) when it leaves the stack.
   *
   * @default RemovalPolicy.SNAPSHOT (a final snapshot is taken; the secret is retained)
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Name of the database the metadata service uses. With `snapshotIdentifier`, the name of the
   * database inside the snapshot (a restore creates none).
   *
   * @default 'metaflow'
   */
  readonly databaseName?: string;

  /**
   * Name of the database's master user, whom the metadata service connects as. With
   * `snapshotIdentifier`, the snapshot's master user: the platform sets a new generated password for it.
   *
   * @default 'metaflow'
   */
  readonly username?: string;

  /**
   * Create the database from this snapshot (its identifier or ARN), to recover or move a platform's
   * run history, for example a snapshot the platform took before a schema migration or a final
   * snapshot of a destroyed platform. Keep it set for the life of the database: CloudFormation
   * replaces a database whose snapshot identifier changes or disappears with a new one.
   *
   * @default - a new, empty database
   */
  readonly snapshotIdentifier?: string;
}
