import { aws_kms as kms } from 'aws-cdk-lib';

/**
 * Options for the AWS Secrets Manager backend of Metaflow's `@secrets` decorator.
 */
export interface MetaflowStepSecretsOptions {
  /**
   * The name prefix of the secrets steps may read, ending in '/': a step reads
   * `@secrets(sources=['<prefix>db-password'])`.
   *
   * @default - 'metaflow/<stack name>/'
   */
  readonly namePrefix?: string;

  /**
   * The customer-managed KMS key those secrets are encrypted with; readers may decrypt with it
   * through Secrets Manager only.
   *
   * @default - the secrets use the AWS managed key, which needs no grant
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Whether steps may read secrets with Metaflow's `@secrets` decorator, and from where. Reading
 * secrets costs nothing while idle, so a platform provides it unless turned off.
 */
export class StepSecrets {
  /**
   * Steps read AWS Secrets Manager secrets under a name prefix: the client configuration names the
   * backend and region (`METAFLOW_DEFAULT_SECRETS_BACKEND_TYPE`, `METAFLOW_AWS_SECRETS_MANAGER_DEFAULT_REGION`),
   * and the job role, the user policy and the notebook may read secrets under the prefix.
   *
   * @param options the name prefix and the secrets' KMS key
   */
  public static awsSecretsManager(options: MetaflowStepSecretsOptions = {}): StepSecrets {
    return new StepSecrets(true, options);
  }

  /** No secrets backend in the configuration and no secret grants. */
  public static disabled(): StepSecrets {
    return new StepSecrets(false, {});
  }

  /** @internal */
  public readonly _isEnabled: boolean;
  /** @internal */
  public readonly _options: MetaflowStepSecretsOptions;

  private constructor(isEnabled: boolean, options: MetaflowStepSecretsOptions) {
    this._isEnabled = isEnabled; this._options = options;
  }
}
