import { aws_iam as iam, aws_kms as kms, aws_s3 as s3, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { validateDatastoreOptions } from './datastore-props-validation';
import { acknowledgeRule, acknowledgeWildcardActions, acknowledgeWildcardResources, skipCheckovChecks } from '../private/nag';
import { validateOrThrow } from '../private/prop-errors';

/**
 * Options for the Metaflow datastore.
 */
export interface MetaflowDatastoreOptions {
  /**
   * An existing bucket to keep Metaflow's artifacts in. When set, no bucket is created and the
   * options that shape a new bucket must be left unset. If the bucket is encrypted with a KMS key,
   * import it with `encryptionKey` set (for example `Bucket.fromBucketAttributes`) so that grants
   * include the key. Grants on an adopted bucket cover only the `sysrootPrefix` and
   * `datatoolsPrefix` key prefixes; the platform adds no bucket policy to it.
   *
   * @default - a new bucket
   */
  readonly bucket?: s3.IBucket;

  /**
   * KMS key that encrypts a new bucket (SSE-KMS with S3 Bucket Keys). The bucket's default
   * encryption applies the key to every object, so clients need no encryption setting: the platform
   * leaves `METAFLOW_S3_SERVER_SIDE_ENCRYPTION` unset, because the Metaflow client sends it without a
   * key id and S3 would then use the `aws/s3` key instead of this one.
   *
   * @default - S3-managed encryption (SSE-S3)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to a new bucket when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Empty a new bucket when it is deleted, so that `RemovalPolicy.DESTROY` can succeed.
   * Requires `removalPolicy: RemovalPolicy.DESTROY`. Adds a custom resource.
   *
   * @default false
   */
  readonly autoDeleteObjects?: boolean;

  /**
   * Keep object versions in a new bucket.
   *
   * @default false
   */
  readonly versioned?: boolean;

  /**
   * Bucket that receives S3 server access logs of a new bucket.
   *
   * @default - no server access logs (use CloudTrail data events for object-level auditing)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * Key prefix under which Metaflow stores artifacts and code packages (`METAFLOW_DATASTORE_SYSROOT_S3`).
   *
   * @default 'metaflow'
   */
  readonly sysrootPrefix?: string;

  /**
   * Key prefix that is the root of `metaflow.S3` (`METAFLOW_DATATOOLS_S3ROOT`).
   *
   * @default 'data'
   */
  readonly datatoolsPrefix?: string;
}

/**
 * Props of `MetaflowDatastore`.
 */
export interface MetaflowDatastoreProps extends MetaflowDatastoreOptions {}

/**
 * Where Metaflow keeps artifacts, code packages and `metaflow.S3` data: a new encrypted, TLS-only,
 * retained bucket, or an adopted one.
 */
export class MetaflowDatastore extends Construct {
  /** The bucket holding Metaflow's data. */
  public readonly bucket: s3.IBucket;
  /** The KMS key encrypting the bucket, when it uses one. */
  public readonly encryptionKey?: kms.IKey;
  /** `s3://<bucket>/<sysrootPrefix>`, the value of `METAFLOW_DATASTORE_SYSROOT_S3`. */
  public readonly sysroot: string;
  /** `s3://<bucket>/<datatoolsPrefix>`, the value of `METAFLOW_DATATOOLS_S3ROOT`. */
  public readonly datatoolsRoot: string;
  /** The key prefix of Metaflow's artifacts and code packages. */
  public readonly sysrootPrefix: string;
  /** The key prefix of `metaflow.S3` data. */
  public readonly datatoolsPrefix: string;
  /** True when the bucket was adopted rather than created, so grants stay under the two prefixes. */
  public readonly isAdopted: boolean;

  constructor(scope: Construct, id: string, props: MetaflowDatastoreProps = {}) {
    super(scope, id);
    validateOrThrow('MetaflowDatastore', props, validateDatastoreOptions);

    this.isAdopted = props.bucket !== undefined;
    this.bucket = props.bucket ?? this.createBucket(props);
    this.encryptionKey = props.bucket ? props.bucket.encryptionKey : props.encryptionKey;
    this.sysrootPrefix = props.sysrootPrefix ?? 'metaflow';
    this.datatoolsPrefix = props.datatoolsPrefix ?? 'data';
    this.sysroot = `s3://${this.bucket.bucketName}/${this.sysrootPrefix}`;
    this.datatoolsRoot = `s3://${this.bucket.bucketName}/${this.datatoolsPrefix}`;
  }

  /**
   * Grants what Metaflow tasks and orchestrators need: list the bucket, and read, write and delete
   * its objects (plus use of the bucket's KMS key). On an adopted bucket, only under the two prefixes.
   */
  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    const grant = this.grantObjectActions(grantee, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']);
    if (this.encryptionKey) {
      this.encryptionKey.grantEncryptDecrypt(grantee);
      acknowledgeWildcardActions(grantee, ['kms:ReEncrypt*', 'kms:GenerateDataKey*'],
        'The standard encrypt/decrypt grant on the one key of the datastore bucket; the action families cover the variants S3 calls.');
    }
    return grant;
  }

  /**
   * Grants read access: list the bucket and read its objects (plus decrypt with the bucket's KMS key).
   * On an adopted bucket, only under the two prefixes.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const grant = this.grantObjectActions(grantee, ['s3:GetObject']);
    this.encryptionKey?.grantDecrypt(grantee);
    return grant;
  }

  /**
   * Grants listing the parts of, and aborting, multipart uploads under the sysroot: what Step
   * Functions' distributed map result writer (`step-functions create --use-distributed-map`) needs
   * besides `grantReadWrite`. Metaflow writes those results under `<sysroot>/sfn_distributed_map_output`.
   */
  public grantMultipartUploads(grantee: iam.IGrantable): iam.Grant {
    const objects = this.objectArnsUnder([this.sysrootPrefix]);
    acknowledgeWildcardResources(grantee, objects, 'Step Functions names result objects at run time; the grant is limited to the Metaflow sysroot.');
    return iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListMultipartUploadParts', 's3:AbortMultipartUpload'], resourceArns: objects });
  }

  private grantObjectActions(grantee: iam.IGrantable, objectActions: string[]): iam.Grant {
    const prefixes = [this.sysrootPrefix, this.datatoolsPrefix];
    // An adopted bucket is shared with others: list only under the platform's prefixes.
    const listConditions = this.isAdopted ? { StringLike: { 's3:prefix': prefixes.flatMap((prefix) => [prefix, `${prefix}/*`]) } } : undefined;
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn], conditions: listConditions,
    }));
    const objects = this.isAdopted ? this.objectArnsUnder(prefixes) : [this.bucket.arnForObjects('*')];
    acknowledgeWildcardResources(grantee, objects, this.isAdopted
      ? 'Metaflow writes content-addressed objects under keys it derives at run time; the grant is limited to the platform\'s two key prefixes.'
      : 'Metaflow writes content-addressed objects under keys it derives at run time, anywhere in the datastore bucket the platform owns.');
    return iam.Grant.addToPrincipal({ grantee, actions: objectActions, resourceArns: objects });
  }

  private objectArnsUnder(prefixes: string[]): string[] {
    return prefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}/*`));
  }

  private createBucket(props: MetaflowDatastoreOptions): s3.Bucket {
    const bucket = new s3.Bucket(this, 'Bucket', {
      encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: props.encryptionKey !== undefined,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: props.versioned ?? false,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      autoDeleteObjects: props.autoDeleteObjects ?? false,
    });
    if (!props.serverAccessLogsBucket) {
      acknowledgeRule(bucket, 'S1', 'Server access logs are opt-in (serverAccessLogsBucket); object-level auditing is better served by CloudTrail data events.');
      skipCheckovChecks(bucket, [{ id: 'CKV_AWS_18', comment: 'Server access logs are opt-in (serverAccessLogsBucket); CloudTrail data events serve object-level auditing better.' }]);
    }
    if (!props.versioned) {
      skipCheckovChecks(bucket, [{ id: 'CKV_AWS_21', comment: 'Metaflow writes content-addressed objects it never overwrites, so versioning would only add cost; versioned turns it on.' }]);
    }
    return bucket;
  }
}
