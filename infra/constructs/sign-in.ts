import { Aws, Duration, RemovalPolicy, SecretValue, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The SAML attribute most identity providers (Entra ID, AD FS, Okta's defaults) put the e-mail address in. */
export const DEFAULT_SAML_EMAIL_ATTRIBUTE = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';

/** The name the managed login's button shows for the organisation's identity provider. */
export const DEFAULT_IDENTITY_PROVIDER_NAME = 'Organisation';

/**
 * Sign-in through the organisation's own identity provider, next to the pool's own accounts. The
 * provider must release the user's e-mail address: it is how a user maps to a directory person.
 */
export type Federation =
  | {
      readonly kind: 'saml';
      /** Where the provider publishes its SAML metadata (HTTPS). */
      readonly metadataUrl: string;
      /** @default {@link DEFAULT_SAML_EMAIL_ATTRIBUTE} */
      readonly emailAttribute?: string;
      /** @default {@link DEFAULT_IDENTITY_PROVIDER_NAME} */
      readonly name?: string;
    }
  | {
      readonly kind: 'oidc';
      /** The provider's issuer URL; Cognito discovers its endpoints from it. */
      readonly issuerUrl: string;
      /** The client registered for this user pool at the provider. */
      readonly clientId: string;
      /**
       * The name or ARN of the Secrets Manager secret (a plain string) that holds the client's
       * secret. The template carries only a dynamic reference, which CloudFormation resolves.
       */
      readonly clientSecretName: string;
      /** @default {@link DEFAULT_IDENTITY_PROVIDER_NAME} */
      readonly name?: string;
    };

/** Properties of a {@link SignIn}. */
export interface SignInProps {
  /**
   * The app's public base URL, ending in `/` (the API's URL, or the custom domain's): the client
   * returns people to `auth/callback` after sign-in and to `auth/signed-out` after sign-out there.
   */
  readonly appBaseUrl: string;
  /** The pre token generation trigger that adds the e-mail claim to access tokens (event version V2_0). */
  readonly tokenClaimsFunction: lambda.IFunction;
  /**
   * The managed login's domain prefix, `https://<prefix>.auth.<region>.amazoncognito.com`: lower-case
   * letters, digits and hyphens, unique in the region across AWS, without "aws", "amazon" or "cognito".
   * @default `<stack name in lower case>-<account id>`
   */
  readonly domainPrefix?: string;
  /** @default none: people sign in with the pool's own accounts only */
  readonly federation?: Federation;
  /**
   * Multi-factor authentication for the pool's own accounts, with an authenticator app (TOTP).
   * `required`: the managed login has each account enrol an app at its next sign-in, and asks for
   * a code at every sign-in after. `optional`: allowed, but nothing in the product enrols anyone.
   * Accounts of the organisation's identity provider get that provider's MFA either way.
   * @default 'optional'
   */
  readonly mfa?: 'optional' | 'required';
}

/** What the app's HTTPS URLs are checked against: Cognito refuses other callback URLs (localhost aside). */
const HTTPS = /^https:\/\//;
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED_IN_PREFIX = /aws|amazon|cognito/;

/**
 * Sign-in on AWS: a Cognito user pool (Essentials plan, which access-token customisation needs)
 * with the managed login on a Cognito domain, and one public app client for the web app:
 * authorization code grant only (the app adds PKCE), scopes `openid email profile`, hour-long
 * access and ID tokens, revocable refresh tokens. A pre token generation trigger puts the user's
 * e-mail address into the access token, which is how the app and the HTTP API's JWT authorizer
 * know who calls. Optionally, the organisation's SAML or OIDC identity provider.
 *
 * Nobody signs up: an administrator creates each account (or the identity provider vouches for
 * it), and the app admits only people its directory knows.
 */
export class SignIn extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  /** The organisation's identity provider, if federation was asked for. */
  readonly identityProvider?: cognito.UserPoolIdentityProviderSaml | cognito.UserPoolIdentityProviderOidc;
  /** The OpenID Connect issuer: `https://cognito-idp.<region>.amazonaws.com/<user pool id>`. */
  readonly issuerUrl: string;
  /** The app client's id: the audience of the tokens the app and the API accept. */
  readonly clientId: string;
  /** The managed login's sign-out endpoint (Cognito's discovery document names none). */
  readonly logoutUrl: string;
  /** Where people start signing in: the app's own sign-in route, which goes on to the managed login. */
  readonly signInUrl: string;

  constructor(scope: Construct, id: string, props: SignInProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.appBaseUrl) && !(HTTPS.test(props.appBaseUrl) && props.appBaseUrl.endsWith('/'))) {
      throw new Error(`The app's base URL must be an HTTPS URL ending in "/" (Cognito accepts only HTTPS callback URLs), not ${JSON.stringify(props.appBaseUrl)}`);
    }
    this.signInUrl = `${props.appBaseUrl}auth/login`;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      autoVerify: { email: true },
      // A changed address takes effect only once its owner confirms it: until then tokens carry the
      // old one, so nobody can take over another directory person by typing their address.
      keepOriginal: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        passwordHistorySize: 5,
        tempPasswordValidity: Duration.days(7),
      },
      mfa: props.mfa === 'required' ? cognito.Mfa.REQUIRED : cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      userInvitation: {
        emailSubject: 'Your PMO Pipeline account',
        emailBody: `An account was created for you on PMO Pipeline. Sign in at ${this.signInUrl} with your e-mail address {username} and the temporary password {####}, then choose your own password.`,
      },
      deletionProtection: true,
      // The accounts outlive the stack: deleting it must not sign everyone out for good.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, props.tokenClaimsFunction, cognito.LambdaVersion.V2_0);

    if (props.domainPrefix !== undefined) assertDomainPrefix(props.domainPrefix);
    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? defaultDomainPrefix(Stack.of(this).stackName) },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });

    this.identityProvider = props.federation && this.addIdentityProvider(props.federation);

    this.client = this.userPool.addClient('WebClient', {
      userPoolClientName: 'pmo-web',
      generateSecret: false,
      // Only the managed login's code grant and refreshes: no password or SRP sign-in through the
      // API, whose tokens would carry the aws.cognito.signin.user.admin scope (self-service
      // attribute changes).
      authFlows: { userPassword: false, adminUserPassword: false, userSrp: false, custom: false, user: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${props.appBaseUrl}auth/callback`],
        logoutUrls: [`${props.appBaseUrl}auth/signed-out`],
      },
      supportedIdentityProviders: [
        cognito.UserPoolClientIdentityProvider.COGNITO,
        ...(this.identityProvider ? [cognito.UserPoolClientIdentityProvider.custom(this.identityProvider.providerName)] : []),
      ],
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    // The newer managed login serves a client only once a branding style is assigned to it: Cognito's default one.
    new cognito.CfnManagedLoginBranding(this, 'ManagedLoginBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });

    // Spelt out as the tokens' `iss` spells it, as CDK's own user pool authorizer does: the
    // ProviderURL attribute is not documented to carry the scheme.
    const stack = Stack.of(this);
    this.issuerUrl = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`;
    this.clientId = this.client.userPoolClientId;
    this.logoutUrl = `${this.domain.baseUrl()}/logout`;

    if (props.mfa !== 'required') {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is an operator choice (context authMfa=required makes every account enrol an authenticator app): where the organisation federates, its identity provider does MFA, which Cognito neither sees nor repeats.',
      });
    }
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Essentials plan, not Plus: it has what sign-in needs (managed login, access-token customisation); threat protection (risk-based sign-in, compromised credentials) costs several times more per user and is a switch of featurePlan for an organisation that wants it.',
    });
  }

  /** What the web function reads to sign people in (functions/adapters/environment.ts). */
  get webEnvironment(): Record<'AUTH_ISSUER' | 'AUTH_CLIENT_ID' | 'AUTH_LOGOUT_URL', string> {
    return { AUTH_ISSUER: this.issuerUrl, AUTH_CLIENT_ID: this.clientId, AUTH_LOGOUT_URL: this.logoutUrl };
  }

  private addIdentityProvider(federation: Federation): cognito.UserPoolIdentityProviderSaml | cognito.UserPoolIdentityProviderOidc {
    const name = federation.name ?? DEFAULT_IDENTITY_PROVIDER_NAME;
    if (federation.kind === 'saml') {
      if (!HTTPS.test(federation.metadataUrl)) throw new Error(`The SAML metadata URL must be an HTTPS URL, not ${JSON.stringify(federation.metadataUrl)}`);
      return new cognito.UserPoolIdentityProviderSaml(this, 'IdentityProvider', {
        userPool: this.userPool,
        name,
        metadata: cognito.UserPoolIdentityProviderSamlMetadata.url(federation.metadataUrl),
        attributeMapping: { email: cognito.ProviderAttribute.other(federation.emailAttribute ?? DEFAULT_SAML_EMAIL_ATTRIBUTE) },
      });
    }
    if (!HTTPS.test(federation.issuerUrl)) throw new Error(`The OIDC issuer must be an HTTPS URL, not ${JSON.stringify(federation.issuerUrl)}`);
    return new cognito.UserPoolIdentityProviderOidc(this, 'IdentityProvider', {
      userPool: this.userPool,
      name,
      issuerUrl: federation.issuerUrl,
      clientId: federation.clientId,
      // A dynamic reference ({{resolve:secretsmanager:…}}), not the secret itself.
      clientSecret: SecretValue.secretsManager(federation.clientSecretName).unsafeUnwrap(),
      scopes: ['openid', 'email', 'profile'],
      attributeMapping: {
        email: cognito.ProviderAttribute.other('email'),
        fullname: cognito.ProviderAttribute.other('name'),
      },
    });
  }
}

/**
 * `PmoPipeline` in account 123456789012 → `pmopipeline-123456789012`: unique, since an account
 * has one stack of a name per region. The account id is resolved at deploy time.
 */
function defaultDomainPrefix(stackName: string): string {
  const fromName = stackName
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(new RegExp(RESERVED_IN_PREFIX.source, 'g'), '')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 50)
    .replace(/-$/, '');
  return `${fromName || 'pmo'}-${Aws.ACCOUNT_ID}`;
}

function assertDomainPrefix(prefix: string): void {
  if (Token.isUnresolved(prefix)) return;
  if (!DOMAIN_PREFIX.test(prefix) || RESERVED_IN_PREFIX.test(prefix)) {
    throw new Error(
      `The domain prefix (context authDomainPrefix) is ${JSON.stringify(prefix)}: a Cognito domain prefix is 1 to 63 lower-case letters, digits and inner hyphens, without "aws", "amazon" or "cognito"`,
    );
  }
}
