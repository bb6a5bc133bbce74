import { aws_rds as rds, Tokenization } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MetaflowAuroraDatabase, MetaflowAuroraDatabaseOptions } from './aurora-database';
import { MetaflowDatabase, MetaflowDatabaseOptions } from './database';
import { validateAuroraDatabaseOptions, validateDatabaseOptions, validateExistingDatabase } from './database-props-validation';
import { DatabaseSnapshotTarget, IMetaflowDatabase } from './database-reference';
import { ExistingDatabaseSource, ExistingMetaflowDatabase } from './existing-database';
import { MetaflowExistingDatabaseOptions } from './existing-database-options';
import { MetadataDatabaseContext, MetadataDatabaseDefaults } from './metadata-database-context';
import { PropErrors } from '../private/prop-errors';

type Create = (scope: Construct, id: string, context: MetadataDatabaseContext, defaults: MetadataDatabaseDefaults) => IMetaflowDatabase;
type Validate = (errors: PropErrors) => void;
/** Whether the choice turns off what `highAvailability` asks of a database (a standby or a reader). */
type RefusesHighAvailability = () => boolean;

/**
 * Which PostgreSQL database the metadata service records runs in: an RDS instance the platform
 * creates (the default), an Aurora cluster it creates, either one restored from a snapshot
 * (`snapshotIdentifier`), or a database that exists already, which the platform then only connects to.
 */
export class MetadataDatabase {
  /**
   * An RDS for PostgreSQL instance (db.t4g.micro by default), new or restored from a snapshot.
   *
   * @param options class, storage, windows, removal policy, snapshot to restore
   */
  public static postgresInstance(options: MetaflowDatabaseOptions = {}): MetadataDatabase {
    return new MetadataDatabase(
      (scope, id, context, defaults) => new MetaflowDatabase(scope, id, {
        removalPolicy: defaults.removalPolicy,
        multiAz: defaults.highAvailability || undefined,
        ...options,
        ...context,
      }),
      (errors) => validateDatabaseOptions(options, errors),
      () => options.multiAz === false,
    );
  }

  /**
   * An Aurora PostgreSQL cluster (Serverless v2 by default), new or restored from a cluster snapshot.
   *
   * @param options version, writer and readers, capacity, windows, removal policy, snapshot to restore
   */
  public static auroraPostgres(options: MetaflowAuroraDatabaseOptions = {}): MetadataDatabase {
    return new MetadataDatabase(
      (scope, id, context, defaults) => new MetaflowAuroraDatabase(scope, id, {
        removalPolicy: defaults.removalPolicy,
        readers: defaults.highAvailability ? [rds.ClusterInstance.serverlessV2('Reader', { scaleWithWriter: true })] : undefined,
        ...options,
        ...context,
      }),
      (errors) => validateAuroraDatabaseOptions(options, errors),
      () => options.readers !== undefined && options.readers.length === 0,
    );
  }

  /**
   * An RDS for PostgreSQL instance that exists already, such as one your DBAs run or a
   * `MetaflowDatabase` in a data stack of yours. The platform creates no database and adds an
   * ingress rule for its service (and UI) to the instance's security groups, in its own stack.
   *
   * @param instance the instance, for example from `rds.DatabaseInstance.fromDatabaseInstanceAttributes` (with its security groups)
   * @param options its credentials secret, database, user, and whether the platform may snapshot it
   */
  public static existingInstance(instance: rds.IDatabaseInstance, options: MetaflowExistingDatabaseOptions): MetadataDatabase {
    return MetadataDatabase.existing({
      hostname: instance.dbInstanceEndpointAddress,
      port: instance.dbInstanceEndpointPort,
      connections: instance.connections,
      snapshotTarget: DatabaseSnapshotTarget.instance(instance.instanceIdentifier, true),
    }, options);
  }

  /**
   * An Aurora PostgreSQL cluster that exists already; the service connects to its writer endpoint.
   *
   * @param cluster the cluster, for example from `rds.DatabaseCluster.fromDatabaseClusterAttributes` (with its security groups and endpoint)
   * @param options its credentials secret, database, user, and whether the platform may snapshot it
   */
  public static existingCluster(cluster: rds.IDatabaseCluster, options: MetaflowExistingDatabaseOptions): MetadataDatabase {
    return MetadataDatabase.existing({
      hostname: cluster.clusterEndpoint.hostname,
      port: Tokenization.stringifyNumber(cluster.clusterEndpoint.port),
      connections: cluster.connections,
      snapshotTarget: DatabaseSnapshotTarget.cluster(cluster.clusterIdentifier, true),
    }, options);
  }

  private static existing(source: ExistingDatabaseSource, options: MetaflowExistingDatabaseOptions): MetadataDatabase {
    return new MetadataDatabase(
      (scope, id) => new ExistingMetaflowDatabase(scope, id, source, options),
      (errors) => validateExistingDatabase(source.connections, options, errors),
      () => false,
    );
  }

  private constructor(
    private readonly create: Create,
    private readonly validate: Validate,
    private readonly refusesHighAvailability: RefusesHighAvailability,
    private readonly defaults: MetadataDatabaseDefaults = { highAvailability: false },
  ) {}

  /**
   * The same choice with the platform's defaults (removal policy, high availability) under its own options.
   *
   * @internal
   */
  public _withDefaults(defaults: MetadataDatabaseDefaults): MetadataDatabase {
    return new MetadataDatabase(this.create, this.validate, this.refusesHighAvailability, defaults);
  }

  /** @internal */
  public _refusesHighAvailability(): boolean {
    return this.refusesHighAvailability();
  }

  /** @internal */
  public _validate(errors: PropErrors): void {
    this.validate(errors);
  }

  /** @internal */
  public _create(scope: Construct, id: string, context: MetadataDatabaseContext): IMetaflowDatabase {
    return this.create(scope, id, context, this.defaults);
  }
}
