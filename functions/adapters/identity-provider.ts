import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import * as z from 'zod';

/** Where people sign in: the OpenID Connect issuer and the app's client there. */
export interface IdentityProviderSettings {
  /** The issuer URL, without a trailing slash (a Cognito user pool's, or the local provider's). */
  readonly issuer: string;
  /** The app client: public, authorization code with PKCE. */
  readonly clientId: string;
  /** The provider's sign-out URL when its discovery document names none (Cognito's managed login). */
  readonly logoutUrl?: string | undefined;
}

/** Who an ID token or access token says signed in. */
export interface SignedInIdentity {
  readonly email: string;
  readonly name?: string | undefined;
}

/** Why a bearer token was refused, in words safe to return to its sender. */
export type TokenRefusal = 'expired' | 'invalid';

const IdentityClaimsSchema = z.object({
  email: z.email().transform((email) => email.toLowerCase()),
  name: z.string().max(200).optional(),
});

/** The scopes the app asks for: who the person is, and their email, which maps them to the directory. */
export const SIGN_IN_SCOPES = 'openid email profile';

/** Only loopback issuers may speak plain HTTP: the local stand-in for Cognito. */
function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/**
 * Whether a verified JWT is an access token, not an ID token presented as one: Cognito says so in
 * `token_use`, other providers in the `at+jwt` type of RFC 9068. An ID token names the client as its
 * audience too, so without this check it would pass for an API credential.
 */
function isAccessToken(payload: JWTPayload, type: string | undefined): boolean {
  return payload.token_use === 'access' || type?.toLowerCase() === 'at+jwt' || type?.toLowerCase() === 'application/at+jwt';
}

/**
 * The OpenID Connect provider, through `openid-client` (discovery, authorization code with PKCE,
 * RP-initiated sign-out) and `jose` (access tokens checked against the issuer's JWKS). One code
 * path for Cognito on AWS and the local provider: only the settings differ.
 */
export class IdentityProvider {
  #configuration: Promise<oidc.Configuration> | undefined;
  #keys: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(readonly settings: IdentityProviderSettings) {}

  /** The provider's discovered configuration, fetched once; a failed discovery is tried again next time. */
  configuration(): Promise<oidc.Configuration> {
    if (!this.#configuration) {
      const issuer = new URL(this.settings.issuer);
      this.#configuration = oidc
        .discovery(issuer, this.settings.clientId, undefined, oidc.None(), isLoopbackHttp(issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined)
        .catch((error: unknown) => {
          this.#configuration = undefined;
          throw error;
        });
    }
    return this.#configuration;
  }

  /** Where to send the browser to sign in, with the PKCE challenge of `codeVerifier`. */
  async authorizationUrl(request: { redirectUri: string; state: string; nonce: string; codeVerifier: string }): Promise<URL> {
    const configuration = await this.configuration();
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: request.redirectUri,
      scope: SIGN_IN_SCOPES,
      state: request.state,
      nonce: request.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  /**
   * Exchanges the authorization code the provider sent back to `callbackUrl` for tokens, checking
   * state, nonce and the PKCE verifier, and returns who the ID token says signed in.
   */
  async completeSignIn(callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }): Promise<SignedInIdentity> {
    const configuration = await this.configuration();
    const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      pkceCodeVerifier: checks.codeVerifier,
      idTokenExpected: true,
    });
    return IdentityClaimsSchema.parse(tokens.claims());
  }

  /**
   * Verifies a bearer access token as API Gateway's JWT authorizer does (signature by the issuer's
   * keys, issuer, expiry, and the client as `aud` or `client_id`), and that it is an access token.
   */
  async verifyAccessToken(token: string): Promise<{ kind: 'verified'; identity: SignedInIdentity } | { kind: 'refused'; reason: TokenRefusal }> {
    const configuration = await this.configuration();
    const jwksUri = configuration.serverMetadata().jwks_uri;
    if (!jwksUri) throw new Error(`The identity provider ${this.settings.issuer} publishes no jwks_uri`);
    this.#keys ??= createRemoteJWKSet(new URL(jwksUri));
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.#keys, {
        issuer: configuration.serverMetadata().issuer,
        algorithms: ['RS256', 'ES256', 'PS256'],
        requiredClaims: ['exp'],
        clockTolerance: 5,
      });
      const audience = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
      const forThisClient = audience.includes(this.settings.clientId) || payload.client_id === this.settings.clientId;
      if (!forThisClient || !isAccessToken(payload, protectedHeader.typ)) return { kind: 'refused', reason: 'invalid' };
      const claims = IdentityClaimsSchema.safeParse(payload);
      return claims.success ? { kind: 'verified', identity: claims.data } : { kind: 'refused', reason: 'invalid' };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return { kind: 'refused', reason: 'expired' };
      if (error instanceof joseErrors.JOSEError) return { kind: 'refused', reason: 'invalid' };
      throw error;
    }
  }

  /**
   * Where to send the browser to end its session at the provider too, returning to
   * `postLogoutRedirectUri`: the discovery document's `end_session_endpoint`, else the configured
   * sign-out URL (Cognito's, which takes `logout_uri`), else none.
   */
  async signOutUrl(postLogoutRedirectUri: string): Promise<URL | undefined> {
    const configuration = await this.configuration();
    if (configuration.serverMetadata().end_session_endpoint) {
      return oidc.buildEndSessionUrl(configuration, { client_id: this.settings.clientId, post_logout_redirect_uri: postLogoutRedirectUri });
    }
    if (!this.settings.logoutUrl) return undefined;
    const url = new URL(this.settings.logoutUrl);
    url.searchParams.set('client_id', this.settings.clientId);
    url.searchParams.set('logout_uri', postLogoutRedirectUri);
    return url;
  }
}

const providers = new Map<string, IdentityProvider>();

/** The provider for these settings, one per execution environment (its discovery and keys are cached). */
export function identityProviderFor(settings: IdentityProviderSettings): IdentityProvider {
  const key = `${settings.issuer}\n${settings.clientId}\n${settings.logoutUrl ?? ''}`;
  let provider = providers.get(key);
  if (!provider) {
    provider = new IdentityProvider(settings);
    providers.set(key, provider);
  }
  return provider;
}
