import { CfnOutput, Lazy, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

const KEY = /^METAFLOW_[A-Z0-9_]+$/;

/**
 * The Metaflow client configuration a platform provides: a map of `METAFLOW_*` keys to values,
 * one stack output per key, and one output holding the whole map as JSON, ready for
 * `metaflow configure import`.
 */
export class MetaflowConfig extends Construct {
  /** The output holding the whole configuration as JSON. */
  public readonly jsonOutput: CfnOutput;

  private readonly entries = new Map<string, string>();
  private readonly outputs = new Map<string, CfnOutput>();

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.jsonOutput = new CfnOutput(this, 'ConfigJson', {
      description: 'Metaflow client configuration: save as ~/.metaflowconfig/config.json or use `metaflow configure import`',
      value: Lazy.string({ produce: () => this.toJson() }),
    });
  }

  /**
   * Sets a configuration key and adds a stack output for it.
   *
   * @param key the `METAFLOW_*` key
   * @param value its value (tokens allowed)
   * @param description what the value is; the output's description names the key too
   */
  public add(key: string, value: string, description: string): void {
    if (!KEY.test(key)) {
      throw new Error(`MetaflowConfig: '${key}' is not a Metaflow configuration key. Fix: use an upper-case key starting with METAFLOW_.`);
    }
    if (this.entries.has(key)) {
      throw new Error(`MetaflowConfig: ${key} is already set. Fix: set each key once.`);
    }
    this.entries.set(key, value);
    this.outputs.set(key, new CfnOutput(this, key, { value, description: `${key}: ${description}` }));
  }

  /** The value of `key`, or undefined when the platform does not set it. */
  public valueOf(key: string): string | undefined {
    return this.entries.get(key);
  }

  /** The stack output of `key`, or undefined when the platform does not set it. */
  public outputOf(key: string): CfnOutput | undefined {
    return this.outputs.get(key);
  }

  /** Every key and value, as a plain object. */
  public get values(): { [key: string]: string } {
    return Object.fromEntries(this.entries);
  }

  /** The whole configuration as a JSON string (a token that resolves at deploy time). */
  public toJson(): string {
    return Stack.of(this).toJsonString(this.values);
  }
}
