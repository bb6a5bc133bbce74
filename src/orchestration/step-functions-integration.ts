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

  /**
   * @param isEnabled whether the integration is created
   * @param options its options, when enabled
   */
  private constructor(public readonly isEnabled: boolean, public readonly options: MetaflowStepFunctionsOptions) {}
}
