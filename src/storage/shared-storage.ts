import { aws_ec2 as ec2, aws_efs as efs, aws_iam as iam, aws_kms as kms, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { computePlacementOf } from '../network/subnet-placement';
import { PropErrors } from '../private/prop-errors';

/**
 * Options for the shared file system of a Metaflow platform, which steps mount with
 * `@batch(efs_volumes=['<file system id>:/mnt/shared'])`.
 */
export interface MetaflowSharedStorageOptions {
  /**
   * Move files not read for this long to the Infrequent Access class (cheaper storage, a fee per read).
   *
   * @default efs.LifecyclePolicy.AFTER_30_DAYS
   */
  readonly transitionToInfrequentAccess?: efs.LifecyclePolicy;

  /**
   * Throughput mode. Elastic costs nothing while idle and scales with the jobs' reads and writes.
   *
   * @default efs.ThroughputMode.ELASTIC
   */
  readonly throughputMode?: efs.ThroughputMode;

  /**
   * A customer-managed KMS key to encrypt the file system with.
   *
   * @default - encrypted with the AWS managed key for EFS
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Turn on AWS Backup's daily backups of the file system (billed per GiB stored).
   *
   * @default false
   */
  readonly automaticBackups?: boolean;

  /**
   * What happens to the file system when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Props of `MetaflowSharedStorage`.
 */
export interface MetaflowSharedStorageProps extends MetaflowSharedStorageOptions {
  /** The VPC of the jobs that mount the file system. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets to place mount targets in (one per Availability Zone): those the jobs run in.
   *
   * @default - the platform's rule for compute subnets: private subnets with egress, else public subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/**
 * An encrypted EFS file system that Batch jobs share, retained by default, with mount targets in the
 * jobs' subnets and a security group that admits NFS only from what `allowMountFrom` names.
 *
 * Metaflow mounts it with transit encryption and without IAM authorization
 * (`plugins/aws/batch/batch_client.py`, `efsVolumeConfiguration`), so the file system has no policy
 * that denies anonymous clients: the security group is what limits access.
 */
export class MetaflowSharedStorage extends Construct {
  /** The file system. */
  public readonly fileSystem: efs.FileSystem;
  /** The security group of its mount targets; it admits NFS only from what `allowMountFrom` names. */
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: MetaflowSharedStorageProps) {
    super(scope, id);
    const errors = PropErrors.for('MetaflowSharedStorage');
    const placement = computePlacementOf(props.vpc, props.vpcSubnets, errors, 'vpcSubnets');
    errors.throwIfAny();

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Metaflow shared file system: NFS from Batch jobs only',
      allowAllOutbound: false,
    });
    this.fileSystem = new efs.FileSystem(this, 'FileSystem', {
      vpc: props.vpc,
      vpcSubnets: { ...placement.selection, onePerAz: true },
      securityGroup: this.securityGroup,
      encrypted: true,
      kmsKey: props.encryptionKey,
      lifecyclePolicy: props.transitionToInfrequentAccess ?? efs.LifecyclePolicy.AFTER_30_DAYS,
      outOfInfrequentAccessPolicy: efs.OutOfInfrequentAccessPolicy.AFTER_1_ACCESS,
      throughputMode: props.throughputMode ?? efs.ThroughputMode.ELASTIC,
      enableAutomaticBackups: props.automaticBackups ?? false,
      allowAnonymousAccess: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /** The file system's id, for `@batch(efs_volumes=['<id>:/mnt/shared'])`. */
  public get fileSystemId(): string {
    return this.fileSystem.fileSystemId;
  }

  /** Admits NFS (2049) from `peer`, such as `batch` or `batch.securityGroup`. */
  public allowMountFrom(peer: ec2.IConnectable): void {
    this.fileSystem.connections.allowDefaultPortFrom(peer, 'NFS from Metaflow jobs');
  }

  /** Lets `grantee` mount and write through a mount target when it mounts with IAM authorization. */
  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return this.fileSystem.grantReadWrite(grantee);
  }
}
