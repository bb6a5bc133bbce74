import { Aws, aws_secretsmanager as secretsmanager, CfnOutput, Lazy, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acknowledgeRule, skipManagedKeySecretCheck } from '../private/nag';
import { outputNameOf } from '../private/output-names';
import { validateOrThrow } from '../private/prop-errors';

const KEY = /^METAFLOW_[A-Z0-9_]+$/;

/**
 * Props of `MetaflowConfig`.
 */
export interface MetaflowConfigProps {
  /**
   * What happens to the stored configuration secret when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Prefix of the fixed logical ids of the outputs `<prefix>ConfigureCommand`, `<prefix>ConfigSecretArn`
   * and `<prefix>ConfigJson`, and of one output per key named after it (`METAFLOW_SERVICE_URL` gives
   * `<prefix>ServiceUrl`), so scripts find them by name (`cdk deploy` prints `<stack>.<prefix>ConfigureCommand`).
   * Two configurations in one stack need different prefixes.
   *
   * @default 'Metaflow'
   */
  readonly outputIdPrefix?: string;
}

const CONFIG_FILE = '~/.metaflowconfig/config.json';

/**
 * The one command that writes the stored configuration, for bash, sh and zsh. It writes to a temporary file and moves it
 * into place only when `aws` succeeded and the result is JSON, so expired credentials leave the old configuration as it
 * was (a half-written config.json would make `import metaflow` fail). Everything it creates is readable by the owner only
 * (umask 077 in a subshell, so the caller's umask stays): the file holds the API key.
 */
function configureCommand(secretArn: string): string {
  return '( umask 077 && d="$HOME/.metaflowconfig" && f="$d/config.json" && t="$f.$$.tmp" && mkdir -p "$d" && '
    + `{ aws secretsmanager get-secret-value --region ${Aws.REGION} --secret-id ${secretArn} --query SecretString --output text > "$t" `
    + '&& python3 -c "import json, sys; json.load(open(sys.argv[1]))" "$t" '
    + '&& { [ ! -e "$f" ] || { b="$f.$(date +%Y%m%d%H%M%S).bak" && cp "$f" "$b" && chmod 600 "$b"; }; } '
    + '&& mv -f "$t" "$f" && chmod 600 "$f" && echo "Wrote $f"; } '
    + '|| { rm -f "$t"; echo "Metaflow configuration not written: $f is unchanged" >&2; exit 1; } )';
}

/**
 * The Metaflow client configuration a platform provides: a map of `METAFLOW_*` keys to values,
 * one stack output per key, one output holding the public keys as JSON, and a Secrets Manager
 * secret holding the complete configuration, secret keys included, with an output giving the one
 * command that writes it to `~/.metaflowconfig/config.json`.
 */
export class MetaflowConfig extends Construct {
  /** The output holding the public keys as JSON (secret keys such as the API key are left out). */
  public readonly jsonOutput: CfnOutput;
  /** The secret holding the complete configuration JSON, ready for the Metaflow client. */
  public readonly secret: secretsmanager.Secret;
  /**
   * The output `<prefix>ConfigureCommand`: the command that writes the stored configuration to
   * `~/.metaflowconfig/config.json`, first copying an existing file to `config.json.<time>.bak`.
   */
  public readonly configureCommandOutput: CfnOutput;
  /** The output `<prefix>ConfigSecretArn`: the ARN of the stored configuration secret. */
  public readonly secretArnOutput: CfnOutput;

  private readonly entries = new Map<string, string>();
  private readonly secretEntries = new Map<string, string>();
  private readonly outputs = new Map<string, CfnOutput>();
  private readonly outputIdPrefix: string;

  constructor(scope: Construct, id: string, props: MetaflowConfigProps = {}) {
    super(scope, id);
    validateOrThrow('MetaflowConfig', props, (config, errors) => {
      const prefix = config.outputIdPrefix;
      errors.check(prefix === undefined || /^[A-Za-z][A-Za-z0-9]*$/.test(prefix), 'outputIdPrefix', `'${prefix}' is not a CloudFormation logical id prefix`,
        'use letters and digits only, starting with a letter');
    });
    this.jsonOutput = new CfnOutput(this, 'ConfigJson', {
      description: 'Metaflow client configuration without secret keys: save as ~/.metaflowconfig/config.json or use `metaflow configure import`',
      value: Lazy.string({ produce: () => this.toJson() }),
    });
    this.secret = new secretsmanager.Secret(this, 'StoredConfig', {
      description: 'Complete Metaflow client configuration (~/.metaflowconfig/config.json), including the API key',
      secretStringValue: SecretValue.unsafePlainText(Lazy.string({ produce: () => this.toJson(true) })),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    skipManagedKeySecretCheck(this.secret);
    acknowledgeRule(this.secret, 'SMG4', 'The stored configuration is rewritten from its sources on every deploy, so it follows a key rotated through apiKeyGeneration.');
    this.configureCommandOutput = new CfnOutput(this, 'ConfigureCommand', {
      description: `Writes the complete Metaflow client configuration to ${CONFIG_FILE} (an existing file is kept as config.json.<time>.bak)`,
      value: configureCommand(this.secret.secretArn),
    });
    this.secretArnOutput = new CfnOutput(this, 'SecretArn', {
      description: 'Secrets Manager secret holding the complete Metaflow client configuration, API key included',
      value: this.secret.secretArn,
    });
    const prefix = props.outputIdPrefix ?? 'Metaflow';
    this.outputIdPrefix = prefix;
    this.configureCommandOutput.overrideLogicalId(`${prefix}ConfigureCommand`);
    this.secretArnOutput.overrideLogicalId(`${prefix}ConfigSecretArn`);
    this.jsonOutput.overrideLogicalId(`${prefix}ConfigJson`);
  }

  /**
   * Sets a configuration key and adds a stack output for it.
   *
   * @param key the `METAFLOW_*` key
   * @param value its value (tokens allowed)
   * @param description what the value is; the output's description names the key too
   */
  public add(key: string, value: string, description: string): void {
    this.checkNewKey(key);
    this.entries.set(key, value);
    const output = new CfnOutput(this, key, { value, description: `${key}: ${description}` });
    output.overrideLogicalId(this.outputIdPrefix + outputNameOf(key));
    this.outputs.set(key, output);
  }

  /**
   * Sets a secret configuration key: it goes into the stored configuration secret only, never into
   * a stack output or the template in plain text.
   *
   * @param key the `METAFLOW_*` key
   * @param value a reference to the secret value, resolved at deploy time
   */
  public addSecret(key: string, value: SecretValue): void {
    this.checkNewKey(key);
    this.secretEntries.set(key, value.unsafeUnwrap());
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

  /** Names of the secret keys, which only the stored configuration holds. */
  public get secretKeys(): string[] {
    return [...this.secretEntries.keys()];
  }

  /**
   * The configuration as a JSON string (a token that resolves at deploy time).
   *
   * @param includeSecrets also include the secret keys, as deploy-time references
   */
  public toJson(includeSecrets: boolean = false): string {
    const values = includeSecrets ? { ...this.values, ...Object.fromEntries(this.secretEntries) } : this.values;
    return Stack.of(this).toJsonString(values);
  }

  private checkNewKey(key: string): void {
    if (!KEY.test(key)) {
      throw new Error(`MetaflowConfig: '${key}' is not a Metaflow configuration key. Fix: use an upper-case key starting with METAFLOW_.`);
    }
    if (this.entries.has(key) || this.secretEntries.has(key)) {
      throw new Error(`MetaflowConfig: ${key} is already set. Fix: set each key once.`);
    }
  }
}
