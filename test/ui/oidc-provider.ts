import { SecretValue } from 'aws-cdk-lib';
import { UiOidcOptions } from '../../src';

/** An OIDC provider's settings as a user would pass them (an Okta-shaped issuer). */
export const oidcProvider: UiOidcOptions = {
  issuer: 'https://example.okta.com',
  authorizationEndpoint: 'https://example.okta.com/oauth2/v1/authorize',
  tokenEndpoint: 'https://example.okta.com/oauth2/v1/token',
  userInfoEndpoint: 'https://example.okta.com/oauth2/v1/userinfo',
  clientId: 'metaflow-ui',
  clientSecret: SecretValue.secretsManager('metaflow/ui/oidc'),
};
