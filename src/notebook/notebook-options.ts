import { aws_kms as kms } from 'aws-cdk-lib';

/**
 * Options for a SageMaker notebook preconfigured for the platform.
 */
export interface MetaflowNotebookOptions {
  /**
   * Instance type of the notebook.
   *
   * @default 'ml.t3.medium'
   */
  readonly instanceType?: string;

  /**
   * Size of the notebook's storage volume in GiB (5 to 16384).
   *
   * @default 10
   */
  readonly volumeSizeGiB?: number;

  /**
   * Give notebook users root access.
   *
   * @default false
   */
  readonly rootAccess?: boolean;

  /**
   * What `pip install` installs for Metaflow, for example `'metaflow==2.19.7'`.
   *
   * @default 'metaflow'
   */
  readonly metaflowPackage?: string;

  /**
   * KMS key that encrypts the notebook's storage volume.
   *
   * @default - SageMaker's AWS managed key
   */
  readonly encryptionKey?: kms.IKey;
}
