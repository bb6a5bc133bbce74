import {
  aws_ec2 as ec2, aws_kms as kms, aws_rds as rds, aws_secretsmanager as secretsmanager, Duration, RemovalPolicy,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { validateDatabaseOptions } from './database-props-validation';
import { acknowledgeRule, skipCheckovChecks, skipManagedKeySecretCheck } from '../private/nag';
import { validateOrThrow } from '../private/prop-errors';

/** A quiet hour for most teams: early Sunday in Europe, Saturday evening in the Americas (UTC). */
const DEFAULT_MAINTENANCE_WINDOW = 'sun:04:00-sun:04:30';
/** The daily backup, before the maintenance window and outside it. */
const DEFAULT_BACKUP_WINDOW = '03:00-03:30';

/**
 * Options for the PostgreSQL database of the metadata service.
 */
export interface MetaflowDatabaseOptions {
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
   * Name of the database the metadata service uses.
   *
   * @default 'metaflow'
   */
  readonly databaseName?: string;
}

/**
 * How to reach a Metaflow metadata database: what the metadata service and the UI connect with.
 * `MetaflowDatabase.endpoint` gives it for the platform's database; build one for a database of yours.
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
 * The metadata service's PostgreSQL database: encrypted, private, deletion-protected, backed up,
 * with generated credentials in Secrets Manager. Reach it through `hostname`, `port`, `secret` and
 * `connections`, which stay the same if an Aurora option is added.
 */
export class MetaflowDatabase extends Construct {
  /** The RDS instance. */
  public readonly instance: rds.DatabaseInstance;
  /** The instance's class and size. */
  public readonly instanceType: ec2.InstanceType;
  /** The credentials secret (`username`, `password`, `host`, `port`, `dbname`). */
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

  constructor(scope: Construct, id: string, props: MetaflowDatabaseProps) {
    super(scope, id);
    validateOrThrow('MetaflowDatabase', props, validateDatabaseOptions);
    this.databaseName = props.databaseName ?? 'metaflow';
    this.username = 'metaflow';
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Metaflow metadata database: PostgreSQL from the metadata service only',
      allowAllOutbound: false,
    });

    const credentials = new rds.DatabaseSecret(this, 'Credentials', { username: this.username });
    credentials.applyRemovalPolicy(removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN);

    // CloudFormation refuses to delete a protected instance, so protection and a snapshot-on-delete would make destroy fail.
    const deletionProtection = props.deletionProtection ?? removalPolicy === RemovalPolicy.RETAIN;
    this.instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO);
    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: props.engineVersion ?? rds.PostgresEngineVersion.VER_17 }),
      instanceType: this.instanceType,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [this.securityGroup],
      publiclyAccessible: false,
      databaseName: this.databaseName,
      credentials: rds.Credentials.fromSecret(credentials),
      storageType: rds.StorageType.GP3,
      allocatedStorage: props.allocatedStorageGiB ?? 20,
      maxAllocatedStorage: props.maxAllocatedStorageGiB ?? 100,
      storageEncrypted: true,
      storageEncryptionKey: props.encryptionKey,
      multiAz: props.multiAz ?? false,
      preferredMaintenanceWindow: props.preferredMaintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW,
      preferredBackupWindow: props.preferredBackupWindow ?? DEFAULT_BACKUP_WINDOW,
      backupRetention: props.backupRetention ?? Duration.days(7),
      deleteAutomatedBackups: false,
      deletionProtection,
      autoMinorVersionUpgrade: true,
      copyTagsToSnapshot: true,
      removalPolicy,
    });
    this.secret = this.instance.secret!;
    // A major-only version ("17") makes RDS pick the current default minor, so the template never names a
    // retired minor. cfn-lint's data lists bare majors among deprecated versions; silence that one check here.
    (this.instance.node.defaultChild as rds.CfnDBInstance).addMetadata('cfn-lint', { config: { ignore_checks: ['W3691'] } });
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

    acknowledgeRule(this.instance, 'RDS11', 'The metadata service reads the port from the secret; a non-default port adds no protection behind a security group that admits only the service.');
    if (!(props.multiAz ?? false)) {
      acknowledgeRule(this.instance, 'RDS3', 'Single-AZ by default to keep idle cost low; the metadata store is rebuilt from backups within minutes. Set multiAz for a standby.');
      skipCheckovChecks(this.instance, [{ id: 'CKV_AWS_157', comment: 'Single-AZ by default for idle cost; multiAz adds a standby.' }]);
    }
    skipCheckovChecks(this.instance, [
      { id: 'CKV_AWS_118', comment: 'Enhanced Monitoring bills per instance for OS metrics; the standard RDS metrics remain.' },
      { id: 'CKV_AWS_161', comment: 'The Metaflow metadata service authenticates to PostgreSQL with a password only; it has no IAM database authentication.' },
    ]);
    skipManagedKeySecretCheck(credentials);
    if (!deletionProtection && removalPolicy === RemovalPolicy.SNAPSHOT) {
      acknowledgeRule(this.instance, 'RDS10', 'Deleting the stack takes a final snapshot (RemovalPolicy.SNAPSHOT) and keeps the automated backups; deletion protection would make CloudFormation refuse the delete.');
    }
    acknowledgeRule(credentials, 'SMG4', 'The metadata service reads the password only at task start; rotation would need Secrets Manager endpoints in the isolated subnets and a service restart.');
  }

  /** Lets `peer` connect to PostgreSQL. */
  public allowFrom(peer: ec2.IConnectable): void {
    this.instance.connections.allowDefaultPortFrom(peer, 'Metaflow metadata service');
  }

  /** The connections of the database, for security group rules. */
  public get connections(): ec2.Connections {
    return this.instance.connections;
  }
}
