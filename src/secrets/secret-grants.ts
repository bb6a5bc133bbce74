import { ArnFormat, aws_iam as iam, aws_kms as kms, aws_secretsmanager as secretsmanager, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { acknowledgeWildcardResources } from '../private/nag';

/**
 * Lets `grantee` read every secret whose name starts with `namePrefix` (`secretsmanager:GetSecretValue`,
 * the one call of Metaflow's `plugins/aws/secrets_manager/aws_secrets_manager_secrets_provider.py`),
 * and decrypt with `encryptionKey` through Secrets Manager only.
 */
export function grantSecretsUnderPrefix(scope: IConstruct, grantee: iam.IGrantable, namePrefix: string, encryptionKey?: kms.IKey): void {
  const stack = Stack.of(scope);
  // Secrets Manager appends a random suffix to every secret's ARN, so the prefix ends in a wildcard.
  const secrets = stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${namePrefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: [secrets] });
  acknowledgeWildcardResources(grantee, [secrets], `Steps read the secrets a team stores under the platform's prefix ${namePrefix}, and no others.`);
  if (encryptionKey) {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt'],
      resourceArns: [encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
    });
  }
}

/**
 * Lets `grantee` read the value of `secret` (`secretsmanager:GetSecretValue`, and decryption with its key if it has
 * one): what Metaflow's `@secrets`, the configure command and the notebook call. `Secret.grantRead` would add
 * `secretsmanager:DescribeSecret`, which none of them calls.
 */
export function grantSecretValueRead(secret: secretsmanager.ISecret, grantee: iam.IGrantable): void {
  iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: [secret.secretFullArn ?? `${secret.secretArn}-??????`] });
  secret.encryptionKey?.grantDecrypt(grantee);
}
