import { aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';

/**
 * Options of a database that exists already (`MetadataDatabase.existingInstance` or `existingCluster`).
 */
export interface MetaflowExistingDatabaseOptions {
  /** Secret whose `password` field holds the password of `username` (an RDS-generated secret has one). */
  readonly secret: secretsmanager.ISecret;

  /**
   * Name of the database the metadata service uses; it must exist.
   *
   * @default 'metaflow'
   */
  readonly databaseName?: string;

  /**
   * The user the metadata service, its migration and the UI connect as.
   *
   * @default 'metaflow'
   */
  readonly username?: string;

  /**
   * Let the platform take a manual snapshot of the database before its first schema migration
   * and before each one a release change brings (`rds:CreateDBSnapshot` or
   * `rds:CreateDBClusterSnapshot` on this database only).
   *
   * @default false (the database's owners keep their own backups)
   */
  readonly snapshotBeforeMigration?: boolean;
}
