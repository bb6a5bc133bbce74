import { RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MetadataDatabase, MetaflowDatabase, MetaflowDatastore, MetaflowNetwork, MetaflowPlatform } from '../../src';

/**
 * Everything that holds data, and the network it lives in: the VPC, the datastore bucket and the
 * metadata database. Deploy it once and leave it; its logical ids never change.
 */
export class MetaflowDataStack extends Stack {
  public readonly network: MetaflowNetwork;
  public readonly datastore: MetaflowDatastore;
  public readonly database: MetaflowDatabase;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.network = new MetaflowNetwork(this, 'Network');
    this.datastore = new MetaflowDatastore(this, 'Datastore');
    this.database = new MetaflowDatabase(this, 'Database', {
      vpc: this.network.vpc,
      vpcSubnets: this.network.databaseSubnets,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

/** Props of `MetaflowServicesStack`. */
export interface MetaflowServicesStackProps extends StackProps {
  /** The stack that owns the VPC, the bucket and the database. */
  readonly data: MetaflowDataStack;
}

/**
 * The platform without its data: Batch, the metadata service, the API, Step Functions and roles.
 * It owns no bucket and no database, so it can be destroyed and deployed again (or replaced by a
 * platform of a newer major version) while the runs stay where they are.
 */
export class MetaflowServicesStack extends Stack {
  public readonly platform: MetaflowPlatform;

  constructor(scope: Construct, id: string, props: MetaflowServicesStackProps) {
    super(scope, id, props);
    const { network, datastore, database } = props.data;
    this.platform = new MetaflowPlatform(this, 'Metaflow', {
      network: { vpc: network.vpc },
      datastore: { bucket: datastore.bucket },
      metadata: {
        database: MetadataDatabase.existingInstance(database.instance, { secret: database.secret, snapshotBeforeMigration: true }),
      },
    });
  }
}
