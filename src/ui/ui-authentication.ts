import {
  aws_cognito as cognito, aws_elasticloadbalancingv2 as elbv2, aws_elasticloadbalancingv2_actions as actions, Duration, Names, RemovalPolicy,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { UiCognitoOptions, UiLogin } from './ui-login';
import { UiLoginKind } from './ui-login-kind';
import { acknowledgeRule } from '../private/nag';

/** What a login adds to the load balancer: the user pool it created, if any, and the action in front of the UI. */
export interface UiAuthentication {
  readonly userPool?: cognito.UserPool;
  readonly userPoolClient?: cognito.IUserPoolClient;
  readonly userPoolDomain?: cognito.IUserPoolDomain;
  /** Wraps the forward action in the login's authenticate action (or returns it as it is). */
  readonly actionBefore: (next: elbv2.ListenerAction) => elbv2.ListenerAction;
}

/** Builds what `login` needs; `domainName` is where the load balancer receives the identity provider's redirect. */
export function uiAuthentication(scope: Construct, login: UiLogin, domainName: string | undefined, removalPolicy: RemovalPolicy): UiAuthentication {
  switch (login._kind) {
    case UiLoginKind.COGNITO:
      return createdCognito(scope, login._cognitoOptions ?? {}, domainName!, removalPolicy);
    case UiLoginKind.EXISTING_COGNITO: {
      const existing = login._existingCognitoOptions!;
      return {
        userPoolClient: existing.userPoolClient,
        userPoolDomain: existing.userPoolDomain,
        actionBefore: (next) => new actions.AuthenticateCognitoAction({ ...existing, next }),
      };
    }
    case UiLoginKind.OIDC: {
      const oidc = login._oidcOptions!;
      return { actionBefore: (next) => elbv2.ListenerAction.authenticateOidc({ ...oidc, next }) };
    }
    default:
      return { actionBefore: (next) => next };
  }
}

function createdCognito(scope: Construct, options: UiCognitoOptions, domainName: string, removalPolicy: RemovalPolicy): UiAuthentication {
  const mfa = options.mfa ?? cognito.Mfa.OPTIONAL;
  const userPool = new cognito.UserPool(scope, 'UserPool', {
    selfSignUpEnabled: false,
    signInAliases: { email: true },
    autoVerify: { email: true },
    passwordPolicy: {
      minLength: 14,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(3),
    },
    mfa,
    mfaSecondFactor: { otp: true, sms: false },
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    // CloudFormation never deletes a retained pool, so protection cannot make `cdk destroy` fail.
    deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
    removalPolicy,
  });
  if (mfa !== cognito.Mfa.REQUIRED) {
    acknowledgeRule(userPool, 'COG2',
      'MFA is optional by default so that first sign-in needs no authenticator app; set login UiLogin.cognito({ mfa: Mfa.REQUIRED }) to require it.');
  }
  acknowledgeRule(userPool, 'COG8', 'The Plus feature plan (threat protection) bills per monthly active user; users are created by administrators only and sign in with a strong password.');
  const userPoolDomain = userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: options.domainPrefix ?? defaultDomainPrefix(scope) } });
  const userPoolClient = userPool.addClient('Client', {
    generateSecret: true,
    oAuth: {
      flows: { authorizationCodeGrant: true },
      scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
      callbackUrls: [`https://${domainName}/oauth2/idpresponse`],
    },
    supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
    preventUserExistenceErrors: true,
  });
  return {
    userPool,
    userPoolClient,
    userPoolDomain,
    actionBefore: (next) => new actions.AuthenticateCognitoAction({ userPool, userPoolClient, userPoolDomain, next }),
  };
}

/** A Cognito domain prefix unique to this construct: lower case, without the words Cognito reserves. */
function defaultDomainPrefix(scope: Construct): string {
  const name = Names.uniqueResourceName(scope, { maxLength: 60, separator: '-' }).toLowerCase();
  return name.replace(/aws|amazon|cognito/g, 'x').replace(/[^a-z0-9-]/g, '').replace(/^-+|-+$/g, '');
}
