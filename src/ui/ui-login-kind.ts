/**
 * Which kind of login a `UiLogin` is (not exported: users choose with `UiLogin`'s factories).
 *
 * @internal
 */
export enum UiLoginKind {
  /** A Cognito user pool the UI creates. */
  COGNITO = 'COGNITO',
  /** A Cognito user pool, client and domain you have. */
  EXISTING_COGNITO = 'EXISTING_COGNITO',
  /** Your own OpenID Connect identity provider. */
  OIDC = 'OIDC',
  /** No login: network access alone decides. */
  NONE = 'NONE',
}
