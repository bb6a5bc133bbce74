import { aws_ecr as ecr, aws_kms as kms, RemovalPolicy } from 'aws-cdk-lib';

/**
 * An ECR repository for the images Metaflow steps run in.
 */
export interface MetaflowImageRepositoryOptions {
  /**
   * Name of the repository.
   *
   * @default - a name CloudFormation generates (see the stack output)
   */
  readonly repositoryName?: string;

  /**
   * Whether an image tag, once pushed, may point at another image later.
   *
   * @default ecr.TagMutability.MUTABLE
   */
  readonly imageTagMutability?: ecr.TagMutability;

  /**
   * Make `<repository URI>:<defaultImageTag>` the image of every step that names none
   * (`METAFLOW_BATCH_CONTAINER_IMAGE`). Push that image before running flows.
   *
   * @default true
   */
  readonly useAsDefaultImage?: boolean;

  /**
   * Tag of the default image. With immutable tags, use a version (for example `'1.0'`), since a
   * moving tag such as `latest` could never be pushed twice.
   *
   * @default 'latest'
   */
  readonly defaultImageTag?: string;

  /**
   * KMS key that encrypts the images.
   *
   * @default - AES-256 encryption managed by ECR
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How many images to keep; older ones expire.
   *
   * @default 30
   */
  readonly maxImageCount?: number;

  /**
   * What happens to the repository and its images when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}
