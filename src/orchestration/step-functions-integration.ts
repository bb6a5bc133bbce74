import { MetaflowStepFunctionsOptions } from './step-functions';

/**
 * Whether a platform provides what `metaflow step-functions create` needs (state table, roles,
 * execution log group), and with which options.
 */
export class StepFunctionsIntegration {
  /**
   * Provide the Step Functions integration.
   *
   * @param options state machine prefix, table key, retention, removal policy
   */
  public static enabled(options: MetaflowStepFunctionsOptions = {}): StepFunctionsIntegration {
    return new StepFunctionsIntegration(true, options);
  }

  /** Create nothing for Step Functions: flows run with `--with batch` only. */
  public static disabled(): StepFunctionsIntegration {
    return new StepFunctionsIntegration(false, {});
  }

  /** @internal */
  public readonly _isEnabled: boolean;
  /** @internal */
  public readonly _options: MetaflowStepFunctionsOptions;

  private constructor(isEnabled: boolean, options: MetaflowStepFunctionsOptions) {
    this._isEnabled = isEnabled; this._options = options;
  }
}
