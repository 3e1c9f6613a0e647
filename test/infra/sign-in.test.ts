import { beforeAll, describe, expect, it } from 'vitest';
import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FUNCTION_CATALOGUE, type FunctionKey } from '#handlers/catalogue.ts';
import { DEFAULT_SAML_EMAIL_ATTRIBUTE } from '#infra/constructs/sign-in.ts';
import { apiGatewayRouteKey } from '#infra/constructs/web-api.ts';
import { EMAILED_LINK_API_ROUTES, ROUTE_ACCESS } from '#web/access-rules.ts';
import { actionsOfRole, synthesizeStack, type SynthesizedStack } from './synth-stack.ts';

/*
 * Sign-in on AWS: the user pool and its client, the trigger that puts the e-mail address into
 * access tokens, and the HTTP API's JWT authorizer in front of the JSON API.
 */

const KEYS = Object.keys(FUNCTION_CATALOGUE) as FunctionKey[];

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

interface RouteProperties {
  RouteKey: string;
  AuthorizationType?: string;
  AuthorizerId?: unknown;
}

let defaults: SynthesizedStack;
beforeAll(() => {
  defaults = synthesizeStack();
});

const resourcesOf = (synthesized: SynthesizedStack, type: string) =>
  Object.entries(synthesized.template.findResources(type) as Record<string, Resource>).map(([id, resource]) => ({ id, ...resource }));
const onlyResource = (synthesized: SynthesizedStack, type: string) => {
  const found = resourcesOf(synthesized, type);
  expect(found, type).toHaveLength(1);
  return found[0] as Resource & { id: string };
};
const userPoolRef = (synthesized: SynthesizedStack) => ({ Ref: synthesized.logicalId(synthesized.stack.signIn.userPool) });
const clientRef = (synthesized: SynthesizedStack) => ({ Ref: synthesized.logicalId(synthesized.stack.signIn.client) });
const routes = (synthesized: SynthesizedStack) => resourcesOf(synthesized, 'AWS::ApiGatewayV2::Route').map((route) => route.Properties as unknown as RouteProperties);
/** `https://<api id>.execute-api.<region>.<suffix>/<path>`, as the template joins it. */
const apiUrl = (synthesized: SynthesizedStack, path: string) => ({
  'Fn::Join': ['', ['https://', { Ref: synthesized.logicalId(synthesized.stack.webApi.httpApi) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, `/${path}`]],
});

describe('the user pool', () => {
  it('is the only one, and nobody signs up: an administrator creates each account', () => {
    expect(onlyResource(defaults, 'AWS::Cognito::UserPool').Properties.AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: true });
  });

  it('signs people in by their e-mail address, whatever its case', () => {
    defaults.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      Schema: Match.arrayWith([{ Name: 'email', Required: true, Mutable: true }]),
    });
  });

  it('is on the Essentials plan, which access-token customisation needs', () => {
    defaults.template.hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTier: 'ESSENTIALS' });
  });

  it('applies a changed address only once it is confirmed, so nobody takes over another person by typing their address', () => {
    defaults.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AutoVerifiedAttributes: ['email'],
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
    });
  });

  it('wants long passwords with every kind of character, not reused, and recovers accounts by e-mail only', () => {
    defaults.template.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true, PasswordHistorySize: 5 },
      },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    });
  });

  it('allows authenticator-app MFA, and no SMS', () => {
    defaults.template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'OPTIONAL', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
  });

  it('requires authenticator-app MFA when context authMfa is required, which then needs no cdk-nag acknowledgment', () => {
    const synthesized = synthesizeStack({ authMfa: 'required' });
    synthesized.template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
    const acknowledged = synthesized.stack.signIn.userPool.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    expect(acknowledged.flatMap((entry) => Object.keys(entry.data as object)).some((id) => id.includes('COG2'))).toBe(false);
    expect(new AwsSolutionsChecks(synthesized.stack).validateScope(synthesized.stack).violations).toEqual([]);
  });

  it('refuses a context authMfa that is neither required nor optional', () => {
    expect(() => synthesizeStack({ authMfa: 'yes' })).toThrow(/authMfa.*"yes"/);
  });

  it('survives the stack: deletion protection on, retained on delete and on replacement', () => {
    const pool = onlyResource(defaults, 'AWS::Cognito::UserPool');
    expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.UpdateReplacePolicy).toBe('Retain');
  });

  it("invites new accounts with the app's sign-in address", () => {
    const invitation = (onlyResource(defaults, 'AWS::Cognito::UserPool').Properties.AdminCreateUserConfig as { InviteMessageTemplate: { EmailMessage: unknown } }).InviteMessageTemplate;
    const text = JSON.stringify(invitation.EmailMessage);
    expect(text).toContain('/auth/login');
    expect(text).toContain('{username}');
    expect(text).toContain('{####}');
  });
});

describe('the managed login', () => {
  it("is the newer managed login, on a Cognito domain named after the stack and the account", () => {
    defaults.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      UserPoolId: userPoolRef(defaults),
      ManagedLoginVersion: 2,
      Domain: { 'Fn::Join': ['', ['pmopipeline-', { Ref: 'AWS::AccountId' }]] },
    });
  });

  it("serves the web app's client with Cognito's default branding (without one, its pages are unavailable)", () => {
    defaults.template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      UserPoolId: userPoolRef(defaults),
      ClientId: clientRef(defaults),
      UseCognitoProvidedValues: true,
    });
  });

  it('takes its domain prefix from context authDomainPrefix', () => {
    const synthesized = synthesizeStack({ authDomainPrefix: 'acme-pmo' });
    synthesized.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-pmo' });
  });

  it.each(['Acme_PMO', 'acme-cognito', '-acme'])('refuses the domain prefix %j, naming the context key', (prefix) => {
    expect(() => synthesizeStack({ authDomainPrefix: prefix })).toThrow(/authDomainPrefix/);
  });
});

describe("the web app's client", () => {
  const client = () => onlyResource(defaults, 'AWS::Cognito::UserPoolClient').Properties;

  it('is public: it has no secret (the app proves itself with PKCE)', () => {
    expect(client().GenerateSecret).toBe(false);
  });

  it('uses the authorization code grant only, with the scopes openid, email and profile', () => {
    expect(client()).toMatchObject({ AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'] });
    expect([...(client().AllowedOAuthScopes as string[])].sort()).toEqual(['email', 'openid', 'profile']);
  });

  it('has no sign-in through the API (password, SRP, custom): only refreshes of what the managed login issued', () => {
    expect(client().ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
  });

  it("returns people to the app's auth/callback and, after sign-out, to auth/signed-out, on the API's URL", () => {
    expect(client().CallbackURLs).toEqual([apiUrl(defaults, 'auth/callback')]);
    expect(client().LogoutURLs).toEqual([apiUrl(defaults, 'auth/signed-out')]);
  });

  it('returns people to the custom domain of context publicBaseUrl when one fronts the API', () => {
    const synthesized = synthesizeStack({ publicBaseUrl: 'https://pmo.example.org/' });
    synthesized.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['https://pmo.example.org/auth/callback'],
      LogoutURLs: ['https://pmo.example.org/auth/signed-out'],
    });
  });

  it('refuses a publicBaseUrl that is not HTTPS: Cognito would not return people to it', () => {
    expect(() => synthesizeStack({ publicBaseUrl: 'http://pmo.example.org' })).toThrow(/HTTPS/);
  });

  it('issues access and ID tokens for an hour and refresh tokens for 12 hours, and can revoke them', () => {
    expect(client()).toMatchObject({
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 720,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      EnableTokenRevocation: true,
    });
  });

  it('does not tell whether an account exists', () => {
    expect(client().PreventUserExistenceErrors).toBe('ENABLED');
  });

  it("signs in with the pool's own accounts only, unless federation is configured", () => {
    expect(client().SupportedIdentityProviders).toEqual(['COGNITO']);
    defaults.template.resourceCountIs('AWS::Cognito::UserPoolIdentityProvider', 0);
  });
});

describe('the token claims trigger', () => {
  it('runs addTokenClaims before Cognito issues tokens, with the V2_0 event that can change access tokens', () => {
    defaults.template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [defaults.functionId('addTokenClaims'), 'Arn'] }, LambdaVersion: 'V2_0' },
      },
    });
  });

  it('may be invoked by this user pool, and by nothing else', () => {
    const permissions = resourcesOf(defaults, 'AWS::Lambda::Permission').filter(
      (permission) => JSON.stringify(permission.Properties.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [defaults.functionId('addTokenClaims'), 'Arn'] }),
    );
    expect(permissions.map((permission) => permission.Properties)).toEqual([
      expect.objectContaining({ Principal: 'cognito-idp.amazonaws.com', SourceArn: { 'Fn::GetAtt': [defaults.logicalId(defaults.stack.signIn.userPool), 'Arn'] } }),
    ]);
  });

  it('answers within the 5 seconds Cognito waits for a trigger', () => {
    const fn = defaults.template.toJSON().Resources[defaults.functionId('addTokenClaims')];
    expect(fn.Properties.Timeout).toBeLessThanOrEqual(5);
  });

  it('is given neither the table nor any access to it', () => {
    const fn = defaults.template.toJSON().Resources[defaults.functionId('addTokenClaims')];
    expect(fn.Properties.Environment.Variables).not.toHaveProperty('TABLE_NAME');
    expect(actionsOfRole(defaults.template, defaults.roleId('addTokenClaims')).filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
  });
});

describe('the JSON API behind the JWT authorizer', () => {
  const authorizer = () => onlyResource(defaults, 'AWS::ApiGatewayV2::Authorizer');
  const authorizerRef = () => ({ Ref: authorizer().id });
  /** The route keys API Gateway answers without a token: each emailed-link endpoint of the JSON API. */
  const linkRouteKeys = () => EMAILED_LINK_API_ROUTES.map(apiGatewayRouteKey);

  it("accepts the access tokens of the user pool's issuer for the web app's client, from the Authorization header", () => {
    expect(authorizer().Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', userPoolRef(defaults)]] },
        Audience: [clientRef(defaults)],
      },
    });
  });

  it('knows the emailed-link endpoints of the app’s route table (the open routes below are derived from them)', () => {
    expect(linkRouteKeys()).toEqual(expect.arrayContaining(['POST /api/proposals/{id}/withdraw', 'POST /api/people/{email}/delegation']));
  });

  it('guards every route under /api with the authorizer, except the emailed-link endpoints', () => {
    const apiRoutes = routes(defaults).filter((route) => / \/api(\/|$)/.test(route.RouteKey) && !linkRouteKeys().includes(route.RouteKey));
    expect(apiRoutes.map((route) => route.RouteKey).sort()).toEqual(['ANY /api', 'ANY /api/{proxy+}']);
    for (const route of apiRoutes) expect(route, route.RouteKey).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: authorizerRef() });
  });

  it.each(EMAILED_LINK_API_ROUTES.map((route) => [apiGatewayRouteKey(route)]))('leaves %s open: its emailed link authorizes it', (routeKey) => {
    const route = routes(defaults).find((candidate) => candidate.RouteKey === routeKey);
    expect(route).toMatchObject({ AuthorizationType: 'NONE' });
    expect(route?.AuthorizerId).toBeUndefined();
  });

  it('leaves open only the pages ($default, which check their own session) and the emailed-link endpoints', () => {
    const open = routes(defaults).filter((route) => route.AuthorizationType !== 'JWT').map((route) => route.RouteKey);
    expect(open.sort()).toEqual(['$default', ...linkRouteKeys()].sort());
  });

  /**
   * The route API Gateway picks for a request: a route without a greedy variable over one with it,
   * then the one with more literal segments, then a method over ANY (API Gateway's "most specific
   * match"); `$default` when none matches.
   */
  function routeFor(method: string, path: string): string {
    const segments = path.split('/').filter(Boolean);
    const scored = routes(defaults)
      .filter((route) => route.RouteKey !== '$default')
      .flatMap((route) => {
        const [routeMethod, routePath] = route.RouteKey.split(' ') as [string, string];
        if (routeMethod !== 'ANY' && routeMethod !== method) return [];
        const pattern = routePath.split('/').filter(Boolean);
        const greedy = pattern.at(-1)?.endsWith('+}') ?? false;
        const fixed = greedy ? pattern.slice(0, -1) : pattern;
        if (greedy ? segments.length <= fixed.length : segments.length !== fixed.length) return [];
        if (!fixed.every((part, i) => part.startsWith('{') || part === segments[i])) return [];
        const literals = fixed.filter((part) => !part.startsWith('{')).length;
        return [{ key: route.RouteKey, score: [greedy ? 0 : 1, literals, routeMethod === 'ANY' ? 0 : 1] }];
      })
      .sort((a, b) => b.score[0]! - a.score[0]! || b.score[1]! - a.score[1]! || b.score[2]! - a.score[2]!);
    return scored[0]?.key ?? '$default';
  }

  const appApiRoutes = Object.entries(ROUTE_ACCESS)
    .map(([key, rule]) => {
      const [method, path] = key.split(' ') as [string, string];
      return { key, method, path, rule };
    })
    .filter((route) => route.path.startsWith('/api/'));

  it.each(appApiRoutes.map((route) => [route.key, route]))("reaches %s of the app's route table through the authorizer unless it is an emailed link", (_key, route) => {
    // Sample values for the path parameters, as a request would carry them.
    const requestPath = route.path.replace(/:[A-Za-z0-9_]+/g, 'sample');
    const chosen = routes(defaults).find((candidate) => candidate.RouteKey === routeFor(route.method, requestPath));
    expect(chosen?.AuthorizationType).toBe(route.rule.kind === 'link' ? 'NONE' : 'JWT');
  });
});

describe('the web function', () => {
  const variables = (synthesized: SynthesizedStack, key: FunctionKey) =>
    synthesized.template.toJSON().Resources[synthesized.functionId(key)].Properties.Environment.Variables as Record<string, unknown>;

  it("knows the issuer, the client and the managed login's sign-out endpoint", () => {
    expect(variables(defaults, 'web')).toMatchObject({
      AUTH_ISSUER: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', userPoolRef(defaults)]] },
      AUTH_CLIENT_ID: clientRef(defaults),
      AUTH_LOGOUT_URL: {
        'Fn::Join': ['', ['https://', { Ref: defaults.logicalId(defaults.stack.signIn.domain) }, '.auth.', { Ref: 'AWS::Region' }, '.amazoncognito.com/logout']],
      },
    });
  });

  it('is the only function that knows them', () => {
    for (const key of KEYS.filter((other) => other !== 'web')) expect(variables(defaults, key)).not.toHaveProperty('AUTH_CLIENT_ID');
  });

  it('has no switch to turn sign-in off: no function anywhere has PMO_AUTH, whatever the context', () => {
    const federated = synthesizeStack({ samlMetadataUrl: 'https://idp.example.org/metadata.xml', publicBaseUrl: 'https://pmo.example.org' });
    for (const synthesized of [defaults, federated]) {
      const functions = Object.values(synthesized.template.findResources('AWS::Lambda::Function')) as { Properties: { Environment?: { Variables?: Record<string, unknown> } } }[];
      expect(functions.length).toBeGreaterThan(0);
      for (const fn of functions) expect(fn.Properties.Environment?.Variables ?? {}).not.toHaveProperty('PMO_AUTH');
    }
  });
});

describe('outputs', () => {
  it("name the user pool, the client and the app's sign-in URL", () => {
    const outputs = defaults.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.UserPoolId?.Value).toEqual(userPoolRef(defaults));
    expect(outputs.UserPoolClientId?.Value).toEqual(clientRef(defaults));
    expect(outputs.SignInUrl?.Value).toEqual(apiUrl(defaults, 'auth/login'));
  });
});

describe('federation with the organisation’s identity provider', () => {
  describe('SAML (context samlMetadataUrl)', () => {
    let saml: SynthesizedStack;
    beforeAll(() => {
      saml = synthesizeStack({ samlMetadataUrl: 'https://idp.example.org/federationmetadata.xml', identityProviderName: 'AcmeEntra' });
    });

    it("adds the provider from its metadata URL, mapping its e-mail attribute to the user's address", () => {
      saml.template.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
        UserPoolId: userPoolRef(saml),
        ProviderName: 'AcmeEntra',
        ProviderType: 'SAML',
        ProviderDetails: { MetadataURL: 'https://idp.example.org/federationmetadata.xml' },
        AttributeMapping: { email: DEFAULT_SAML_EMAIL_ATTRIBUTE },
      });
    });

    it('lets the client sign in through it, next to the pool’s own accounts', () => {
      const providerId = onlyResource(saml, 'AWS::Cognito::UserPoolIdentityProvider').id;
      expect(onlyResource(saml, 'AWS::Cognito::UserPoolClient').Properties.SupportedIdentityProviders).toEqual(['COGNITO', { Ref: providerId }]);
    });

    it('maps the attribute context samlEmailAttribute names instead, for a provider that sends the address elsewhere', () => {
      const synthesized = synthesizeStack({ samlMetadataUrl: 'https://idp.example.org/metadata.xml', samlEmailAttribute: 'mail' });
      synthesized.template.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', { ProviderName: 'Organisation', AttributeMapping: { email: 'mail' } });
    });

    it('refuses metadata that is not served over HTTPS', () => {
      expect(() => synthesizeStack({ samlMetadataUrl: 'http://idp.example.org/metadata.xml' })).toThrow(/HTTPS/);
    });
  });

  describe('OIDC (context oidcIssuer)', () => {
    const context = { oidcIssuer: 'https://login.example.org/tenant/v2.0', oidcClientId: 'pmo-pipeline', oidcClientSecretName: 'pmo/oidc-client-secret' };

    it('adds the provider by its issuer, with the client secret as a Secrets Manager reference rather than in the template', () => {
      const oidc = synthesizeStack(context);
      const provider = onlyResource(oidc, 'AWS::Cognito::UserPoolIdentityProvider').Properties as { ProviderType: string; ProviderDetails: Record<string, string>; AttributeMapping: Record<string, string> };
      expect(provider.ProviderType).toBe('OIDC');
      expect(provider.ProviderDetails).toMatchObject({ oidc_issuer: context.oidcIssuer, client_id: 'pmo-pipeline', authorize_scopes: 'openid email profile' });
      expect(provider.ProviderDetails.client_secret).toMatch(/^\{\{resolve:secretsmanager:pmo\/oidc-client-secret:SecretString:::\}\}$/);
      expect(provider.AttributeMapping).toEqual({ email: 'email', name: 'name' });
      const providerId = onlyResource(oidc, 'AWS::Cognito::UserPoolIdentityProvider').id;
      expect(onlyResource(oidc, 'AWS::Cognito::UserPoolClient').Properties.SupportedIdentityProviders).toEqual(['COGNITO', { Ref: providerId }]);
    });

    it('refuses an issuer without its client id and secret, naming what is missing', () => {
      expect(() => synthesizeStack({ oidcIssuer: context.oidcIssuer })).toThrow(/oidcClientId and oidcClientSecretName/);
    });

    it('refuses SAML and OIDC at once', () => {
      expect(() => synthesizeStack({ ...context, samlMetadataUrl: 'https://idp.example.org/metadata.xml' })).toThrow(/both set/);
    });
  });
});
