import { aws_ec2 as ec2, aws_rds as rds, aws_secretsmanager as secretsmanager, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MetaflowDatabaseCommonOptions } from './database-common-options';
import {
  acknowledgeCredentialFindings, acknowledgeDatabaseFindings, DEFAULT_BACKUP_RETENTION, DEFAULT_BACKUP_WINDOW, DEFAULT_DATABASE_NAME,
  DEFAULT_MAINTENANCE_WINDOW, DEFAULT_USERNAME, deletionProtectionOf, newDatabaseCredentials, newDatabaseSecurityGroup,
} from './database-defaults';
import { validateDatabaseOptions } from './database-props-validation';
import { DatabaseSnapshotTarget, IMetaflowDatabase, MetaflowDatabaseEndpoint } from './database-reference';
import { acknowledgeRule, skipCheckovChecks } from '../private/nag';
import { validateOrThrow } from '../private/prop-errors';

/**
 * Options for the metadata service's RDS for PostgreSQL instance.
 */
export interface MetaflowDatabaseOptions extends MetaflowDatabaseCommonOptions {
  /**
   * PostgreSQL version. Pin a major version (`VER_16`, `VER_17`): RDS then keeps the minor version
   * current, so it never runs a retired minor.
   *
   * @default rds.PostgresEngineVersion.VER_17
   */
  readonly engineVersion?: rds.PostgresEngineVersion;

  /**
   * Instance class.
   *
   * @default - db.t4g.micro (Graviton, about $12 a month)
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * Initial gp3 storage in GiB.
   *
   * @default 20
   */
  readonly allocatedStorageGiB?: number;

  /**
   * Storage autoscaling ceiling in GiB.
   *
   * @default 100
   */
  readonly maxAllocatedStorageGiB?: number;

  /**
   * Keep a standby in a second Availability Zone. Doubles the instance cost.
   *
   * @default false (true with the platform's high-availability option)
   */
  readonly multiAz?: boolean;
}

/**
 * Props of `MetaflowDatabase`.
 */
export interface MetaflowDatabaseProps extends MetaflowDatabaseOptions {
  /** The VPC. */
  readonly vpc: ec2.IVpc;

  /** Subnets for the database; never public. */
  readonly vpcSubnets: ec2.SubnetSelection;
}

/**
 * The metadata service's PostgreSQL database: encrypted, private, backed up, with generated
 * credentials in Secrets Manager, new or restored from a snapshot. Put it in a stack of its own to
 * keep it apart from the platform (`MetadataDatabase.existingInstance`).
 */
export class MetaflowDatabase extends Construct implements IMetaflowDatabase {
  /** The RDS instance (an `rds.DatabaseInstanceFromSnapshot` when restored from a snapshot). */
  public readonly instance: rds.DatabaseInstanceBase;
  /** The instance's class and size. */
  public readonly instanceType: ec2.InstanceType;
  /** The credentials secret (`username`, `password`, and once attached `host`, `port`, `dbname`). */
  public readonly secret: secretsmanager.ISecret;
  /** The database's security group; it admits only what `allowFrom` names. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Host name of the database endpoint. */
  public readonly hostname: string;
  /** Port of the database endpoint (a string, as the metadata service reads it). */
  public readonly port: string;
  /** Name of the database. */
  public readonly databaseName: string;
  /** Name of the database user. */
  public readonly username: string;
  /** Everything a client needs to connect, for the UI or another service. */
  public readonly endpoint: MetaflowDatabaseEndpoint;
  /** The instance, which the platform snapshots before each schema migration. */
  public readonly snapshotTarget?: DatabaseSnapshotTarget;

  constructor(scope: Construct, id: string, props: MetaflowDatabaseProps) {
    super(scope, id);
    validateOrThrow('MetaflowDatabase', props, validateDatabaseOptions);
    this.databaseName = props.databaseName ?? DEFAULT_DATABASE_NAME;
    this.username = props.username ?? DEFAULT_USERNAME;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const deletionProtection = deletionProtectionOf(props.deletionProtection, removalPolicy);

    this.securityGroup = newDatabaseSecurityGroup(this, props.vpc);
    const credentials = newDatabaseCredentials(this, this.username, removalPolicy);
    this.instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO);
    const instance = this.createInstance(props, credentials, removalPolicy, deletionProtection);
    this.instance = instance;
    // The attached secret, which also records the endpoint (host, port) once the instance exists.
    this.secret = instance.secret ?? credentials;
    this.hostname = this.instance.dbInstanceEndpointAddress;
    this.port = this.instance.dbInstanceEndpointPort;
    this.endpoint = {
      hostname: this.hostname,
      port: this.port,
      databaseName: this.databaseName,
      username: this.username,
      secret: this.secret,
      connections: this.instance,
    };
    this.snapshotTarget = DatabaseSnapshotTarget.instance(this.instance.instanceIdentifier);
    this.acknowledgeFindings(props, credentials, removalPolicy, deletionProtection);
  }

  /** Lets `peer` connect to PostgreSQL. */
  public allowFrom(peer: ec2.IConnectable): void {
    this.instance.connections.allowDefaultPortFrom(peer, 'Metaflow metadata service');
  }

  /** The connections of the database, for security group rules. */
  public get connections(): ec2.Connections {
    return this.instance.connections;
  }

  /** A new instance, or one restored from `snapshotIdentifier` (which creates no database and keeps the snapshot's user, with a new password). */
  private createInstance(
    props: MetaflowDatabaseProps, credentials: rds.DatabaseSecret, removalPolicy: RemovalPolicy, deletionProtection: boolean,
  ): rds.DatabaseInstance | rds.DatabaseInstanceFromSnapshot {
    const common: rds.DatabaseInstanceSourceProps = {
      engine: rds.DatabaseInstanceEngine.postgres({ version: props.engineVersion ?? rds.PostgresEngineVersion.VER_17 }),
      instanceType: this.instanceType,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [this.securityGroup],
      publiclyAccessible: false,
      storageType: rds.StorageType.GP3,
      allocatedStorage: props.allocatedStorageGiB ?? 20,
      maxAllocatedStorage: props.maxAllocatedStorageGiB ?? 100,
      multiAz: props.multiAz ?? false,
      preferredMaintenanceWindow: props.preferredMaintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW,
      preferredBackupWindow: props.preferredBackupWindow ?? DEFAULT_BACKUP_WINDOW,
      backupRetention: props.backupRetention ?? DEFAULT_BACKUP_RETENTION,
      deleteAutomatedBackups: false,
      deletionProtection,
      autoMinorVersionUpgrade: true,
      copyTagsToSnapshot: true,
      removalPolicy,
    };
    const instance = props.snapshotIdentifier === undefined
      ? new rds.DatabaseInstance(this, 'Instance', {
        ...common,
        databaseName: this.databaseName,
        credentials: rds.Credentials.fromSecret(credentials),
        storageEncrypted: true,
        storageEncryptionKey: props.encryptionKey,
      })
      // A restored instance keeps the snapshot's encryption (and key); RDS refuses a different one.
      : new rds.DatabaseInstanceFromSnapshot(this, 'Instance', {
        ...common,
        snapshotIdentifier: props.snapshotIdentifier,
        credentials: rds.SnapshotCredentials.fromSecret(credentials),
      });
    // A major-only version ("17") makes RDS pick the current default minor, so the template never names a
    // retired minor. cfn-lint's data lists bare majors among deprecated versions; silence that one check here.
    (instance.node.defaultChild as rds.CfnDBInstance).addMetadata('cfn-lint', { config: { ignore_checks: ['W3691'] } });
    return instance;
  }

  private acknowledgeFindings(
    props: MetaflowDatabaseProps, credentials: rds.DatabaseSecret, removalPolicy: RemovalPolicy, deletionProtection: boolean,
  ): void {
    acknowledgeDatabaseFindings(this.instance, deletionProtection, removalPolicy);
    if (!(props.multiAz ?? false)) {
      acknowledgeRule(this.instance, 'RDS3', 'Single-AZ by default to keep idle cost low; the metadata store is rebuilt from backups within minutes. Set multiAz for a standby.');
      skipCheckovChecks(this.instance, [{ id: 'CKV_AWS_157', comment: 'Single-AZ by default for idle cost; multiAz adds a standby.' }]);
    }
    skipCheckovChecks(this.instance, [
      { id: 'CKV_AWS_118', comment: 'Enhanced Monitoring bills per instance for OS metrics; the standard RDS metrics remain.' },
      { id: 'CKV_AWS_161', comment: 'The Metaflow metadata service authenticates to PostgreSQL with a password only; it has no IAM database authentication.' },
    ]);
    acknowledgeCredentialFindings(credentials);
  }
}
