import { DefaultTokenResolver, SecretValue, StringConcat, Tokenization } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * True when `secret` would be written into the template as its value (`SecretValue.unsafePlainText('...')`),
 * false for deploy-time references (Secrets Manager, SSM SecureString, parameters and imports).
 */
export function isLiteralSecret(secret: SecretValue): boolean {
  try {
    // A scope of its own: the check must not depend on the caller's tree; references that need a stack throw, and are not literals.
    const value = Tokenization.resolve(secret, { scope: new Construct(undefined as any, 'SecretCheck'), resolver: new DefaultTokenResolver(new StringConcat()) });
    return typeof value === 'string' && !value.includes('{{resolve:');
  } catch {
    return false;
  }
}
