import { aws_cognito as cognito, SecretValue } from 'aws-cdk-lib';
import { UiLoginKind } from './ui-login-kind';

/**
 * Options of the Cognito user pool the UI creates.
 */
export interface UiCognitoOptions {
  /**
   * Multi-factor authentication (one-time passwords from an authenticator app).
   *
   * @default cognito.Mfa.OPTIONAL
   */
  readonly mfa?: cognito.Mfa;

  /**
   * Prefix of the Cognito hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`),
   * unique in the region: lower-case letters, digits and hyphens, without `aws`, `amazon` or `cognito`.
   *
   * @default - derived from the stack name and the construct path
   */
  readonly domainPrefix?: string;
}

/**
 * A Cognito user pool, app client and domain you already have.
 */
export interface UiExistingCognitoOptions {
  /** The user pool. */
  readonly userPool: cognito.IUserPool;
  /** An app client of the pool with a secret, the authorization code grant and `https://<ui domain>/oauth2/idpresponse` as callback URL. */
  readonly userPoolClient: cognito.IUserPoolClient;
  /** The pool's domain. */
  readonly userPoolDomain: cognito.IUserPoolDomain;
}

/**
 * Your OpenID Connect identity provider (Okta, Entra ID, Google, Keycloak...). Register
 * `https://<ui domain>/oauth2/idpresponse` as a redirect URI of the client.
 */
export interface UiOidcOptions {
  /** The issuer, e.g. `https://example.okta.com`. */
  readonly issuer: string;
  /** The authorization endpoint (https). */
  readonly authorizationEndpoint: string;
  /** The token endpoint (https). */
  readonly tokenEndpoint: string;
  /** The user info endpoint (https). */
  readonly userInfoEndpoint: string;
  /** The client id. */
  readonly clientId: string;
  /** The client secret, for example `SecretValue.secretsManager('metaflow/ui/oidc')`; never a plain text value. */
  readonly clientSecret: SecretValue;

  /**
   * Scopes to request.
   *
   * @default 'openid'
   */
  readonly scope?: string;
}

/**
 * Who may open the UI: the load balancer authenticates every request before it reaches the UI.
 */
export class UiLogin {
  /** A Cognito user pool the UI creates: users are created by an administrator only. */
  public static cognito(options: UiCognitoOptions = {}): UiLogin {
    return new UiLogin(UiLoginKind.COGNITO, options, undefined, undefined);
  }

  /** A Cognito user pool, client and domain you already have. */
  public static existingCognito(options: UiExistingCognitoOptions): UiLogin {
    return new UiLogin(UiLoginKind.EXISTING_COGNITO, undefined, options, undefined);
  }

  /** Your own OpenID Connect identity provider. */
  public static oidc(options: UiOidcOptions): UiLogin {
    return new UiLogin(UiLoginKind.OIDC, undefined, undefined, options);
  }

  /** No login: only for an internal load balancer, or one restricted to `allowedCidrs`. */
  public static none(): UiLogin {
    return new UiLogin(UiLoginKind.NONE, undefined, undefined, undefined);
  }

  /** @internal */
  public readonly _kind: UiLoginKind;
  /** @internal */
  public readonly _cognitoOptions?: UiCognitoOptions;
  /** @internal */
  public readonly _existingCognitoOptions?: UiExistingCognitoOptions;
  /** @internal */
  public readonly _oidcOptions?: UiOidcOptions;

  private constructor(
    kind: UiLoginKind, cognitoOptions?: UiCognitoOptions, existingCognitoOptions?: UiExistingCognitoOptions, oidcOptions?: UiOidcOptions,
  ) {
    this._kind = kind;
    this._cognitoOptions = cognitoOptions;
    this._existingCognitoOptions = existingCognitoOptions;
    this._oidcOptions = oidcOptions;
  }
}
