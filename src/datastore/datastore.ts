import { aws_iam as iam, aws_kms as kms, aws_s3 as s3, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acknowledgeRule, acknowledgeWildcardActions, acknowledgeWildcardResources } from '../private/nag';
import { PropErrors } from '../private/prop-errors';

/**
 * Options for the Metaflow datastore.
 */
export interface MetaflowDatastoreOptions {
  /**
   * An existing bucket to keep Metaflow's artifacts in. When set, no bucket is created and the
   * options that shape a new bucket must be left unset. If the bucket is encrypted with a KMS key,
   * import it with `encryptionKey` set (for example `Bucket.fromBucketAttributes`) so that grants
   * include the key.
   *
   * @default - a new bucket
   */
  readonly bucket?: s3.IBucket;

  /**
   * KMS key that encrypts a new bucket (SSE-KMS with S3 Bucket Keys). Metaflow clients then need
   * `METAFLOW_S3_SERVER_SIDE_ENCRYPTION=aws:kms`, which the platform's config sets.
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

  constructor(scope: Construct, id: string, props: MetaflowDatastoreOptions = {}) {
    super(scope, id);
    validateDatastoreProps(props);

    this.bucket = props.bucket ?? this.createBucket(props);
    this.encryptionKey = props.bucket ? props.bucket.encryptionKey : props.encryptionKey;
    this.sysroot = `s3://${this.bucket.bucketName}/${props.sysrootPrefix ?? 'metaflow'}`;
    this.datatoolsRoot = `s3://${this.bucket.bucketName}/${props.datatoolsPrefix ?? 'data'}`;
  }

  /**
   * Grants what Metaflow tasks and orchestrators need: list the bucket, and read, write and delete
   * its objects (plus use of the bucket's KMS key).
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
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const grant = this.grantObjectActions(grantee, ['s3:GetObject']);
    this.encryptionKey?.grantDecrypt(grantee);
    return grant;
  }

  private grantObjectActions(grantee: iam.IGrantable, objectActions: string[]): iam.Grant {
    const objects = this.bucket.arnForObjects('*');
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] });
    acknowledgeWildcardResources(grantee, [objects],
      'Metaflow writes content-addressed objects under keys it derives at run time, anywhere in the datastore bucket.');
    return iam.Grant.addToPrincipal({ grantee, actions: objectActions, resourceArns: [objects] });
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
    }
    return bucket;
  }
}

const KEY_PREFIX = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;

function validateDatastoreProps(props: MetaflowDatastoreOptions): void {
  const errors = new PropErrors('MetaflowDatastore');
  const newBucketOnly = {
    encryptionKey: props.encryptionKey,
    removalPolicy: props.removalPolicy,
    autoDeleteObjects: props.autoDeleteObjects,
    versioned: props.versioned,
    serverAccessLogsBucket: props.serverAccessLogsBucket,
  };
  for (const [prop, value] of Object.entries(newBucketOnly)) {
    errors.check(props.bucket === undefined || value === undefined, prop, 'only shapes a new bucket but `bucket` adopts an existing one',
      `remove \`${prop}\` or \`bucket\``);
  }
  errors.check(!props.autoDeleteObjects || props.removalPolicy === RemovalPolicy.DESTROY, 'autoDeleteObjects',
    'deletes every object but the bucket is not destroyed with the stack', 'also set `removalPolicy: RemovalPolicy.DESTROY`, or drop `autoDeleteObjects`');
  for (const [prop, value] of [['sysrootPrefix', props.sysrootPrefix], ['datatoolsPrefix', props.datatoolsPrefix]] as const) {
    errors.check(value === undefined || KEY_PREFIX.test(value), prop, `'${value}' is not a plain S3 key prefix`,
      'use path segments without leading or trailing slashes, e.g. \'metaflow\' or \'teams/ml/metaflow\'');
  }
  errors.check((props.sysrootPrefix ?? 'metaflow') !== (props.datatoolsPrefix ?? 'data'), 'datatoolsPrefix',
    'equals `sysrootPrefix`, so metaflow.S3 data would mix with Metaflow\'s own artifacts', 'use distinct prefixes');
  errors.throwIfAny();
}
