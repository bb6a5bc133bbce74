import { aws_kms as kms, aws_logs as logs } from 'aws-cdk-lib';

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
   * @default 'metaflow>=2.18.3' (the oldest client the platform's configuration works with; older pins are refused)
   */
  readonly metaflowPackage?: string;

  /**
   * Set the retention of `/aws/sagemaker/NotebookInstances`, where SageMaker writes notebook logs
   * (the start script's included). Every notebook instance of the account and region writes there,
   * so this changes it for all of them (and creates it if missing); it is kept when the stack is deleted.
   *
   * @default - the log group is left as it is (SageMaker creates it without retention: logs never expire)
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * KMS key that encrypts the notebook's storage volume.
   *
   * @default - SageMaker's AWS managed key
   */
  readonly encryptionKey?: kms.IKey;
}
