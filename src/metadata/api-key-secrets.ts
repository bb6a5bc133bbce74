import { aws_secretsmanager as secretsmanager, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acknowledgeRule, skipManagedKeySecretCheck } from '../private/nag';

/**
 * The secrets of a public API's key, created under the API construct with the same ids for the REST and the HTTP API,
 * so that moving from one to the other keeps the key value and the clients' configuration keeps working.
 *
 * @internal
 */
export class ApiKeySecrets {
  /** The secret holding this generation's key value. */
  public readonly secret: secretsmanager.Secret;
  /** '' for generation 1, whose ids never change, `Generation<N>` after it: new ids give a new key on rotation. */
  public readonly idSuffix: string;
  private sharedSecret?: secretsmanager.Secret;

  /**
   * @param scope the API construct
   * @param generation the key's generation (`apiKeyGeneration`)
   * @param removalPolicy what happens to the secrets when they leave the stack
   */
  constructor(private readonly scope: Construct, public readonly generation: number, private readonly removalPolicy: RemovalPolicy) {
    this.idSuffix = generation === 1 ? '' : `Generation${generation}`;
    this.secret = new secretsmanager.Secret(scope, `ApiKeySecret${this.idSuffix}`, {
      description: `Value of the Metaflow metadata service API key, generation ${generation} (METAFLOW_SERVICE_AUTH_KEY)`,
      generateSecretString: { passwordLength: 40, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    skipManagedKeySecretCheck(this.secret);
    acknowledgeRule(this.secret, 'SMG4', 'The key is rotated by raising apiKeyGeneration, which replaces the secret, the key the API checks and the stored '
      + 'client configuration in one deploy; a rotation Lambda would change the value behind the stored configuration\'s back.');
  }

  /**
   * The key for platforms in other stacks. Each generation's key has a secret of its own, so a reference to it would
   * be an export that a rotation removes, which CloudFormation refuses while another stack imports it. Other stacks
   * therefore read the key from one secret whose ARN never changes (created on first use, `SharedApiKey`), under a
   * field named after the generation (`apiKeyGeneration<N>`): the reference changes with each rotation, so a team
   * stack deployed after it rewrites its stored configuration with the new key (CloudFormation resolves a dynamic
   * reference again only when the reference itself changes).
   */
  public keyForOtherStacks(): SecretValue {
    const field = `apiKeyGeneration${this.generation}`;
    if (!this.sharedSecret) {
      this.sharedSecret = new secretsmanager.Secret(this.scope, 'SharedApiKey', {
        description: 'The current Metaflow metadata service API key for platforms in other stacks, under apiKeyGeneration<N>',
        secretObjectValue: { [field]: this.secret.secretValue },
        removalPolicy: this.removalPolicy,
      });
      skipManagedKeySecretCheck(this.sharedSecret);
      acknowledgeRule(this.sharedSecret, 'SMG4', 'A copy of the API key that follows apiKeyGeneration on every deploy; a rotation Lambda would leave the copy behind.');
    }
    return SecretValue.secretsManager(this.sharedSecret.secretArn, { jsonField: field });
  }
}
