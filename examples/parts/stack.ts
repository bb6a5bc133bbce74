import { RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MetaflowBatch, MetaflowConfig, MetaflowDatastore, MetaflowNetwork } from '../../src';

/**
 * The parts used alone, without `MetaflowPlatform`: a network, a datastore, AWS Batch and the client
 * configuration, wired by hand. Runs are recorded with Metaflow's local metadata (synced through S3),
 * so there is no database, no service and nothing billed while idle: a setup for one person or a
 * trial, to grow into the full platform later.
 */
export class PartsStack extends Stack {
  public readonly network: MetaflowNetwork;
  public readonly datastore: MetaflowDatastore;
  public readonly batch: MetaflowBatch;
  public readonly config: MetaflowConfig;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.network = new MetaflowNetwork(this, 'Network');
    this.datastore = new MetaflowDatastore(this, 'Datastore', { removalPolicy: RemovalPolicy.RETAIN });
    this.batch = new MetaflowBatch(this, 'Batch', {
      vpc: this.network.vpc,
      vpcSubnets: this.network.computeSubnets,
      computeEnvironments: [{ name: 'cpu', maxVcpus: 32 }],
    });
    // Batch tasks read and write artifacts as the job role.
    this.datastore.grantReadWrite(this.batch.jobRole);

    this.config = new MetaflowConfig(this, 'Config');
    this.config.add('METAFLOW_DEFAULT_DATASTORE', 's3', 'Metaflow stores artifacts in S3');
    this.config.add('METAFLOW_DATASTORE_SYSROOT_S3', this.datastore.sysroot, 'S3 root of Metaflow artifacts and code packages');
    this.config.add('METAFLOW_DATATOOLS_S3ROOT', this.datastore.datatoolsRoot, 'S3 root of metaflow.S3');
    this.config.add('METAFLOW_DEFAULT_METADATA', 'local', 'runs are recorded locally and synced through S3: no metadata service');
    this.config.add('METAFLOW_BATCH_JOB_QUEUE', this.batch.defaultJobQueue.jobQueueName, 'default AWS Batch job queue');
    this.config.add('METAFLOW_ECS_S3_ACCESS_IAM_ROLE', this.batch.jobRole.roleArn, 'role AWS Batch tasks run as');
  }
}
