import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stripVTControlCharacters } from 'node:util';
import type { Configuration, KoaContextWithOIDC, errors as OidcErrors, default as ProviderType, ResourceServer } from 'oidc-provider';
import type { Person } from '#domain/directory.ts';
import { handleDevSignIn } from './dev-sign-in.ts';
import { messagePage, pageHeaders, signOutPage } from './dev-sign-in-pages.ts';
import { loadSigningKey, type SigningKey } from './signing-key.ts';

/** The web app's client at the local provider (AUTH_CLIENT_ID): public, authorization code with PKCE. */
export const LOCAL_CLIENT_ID = 'pmo-web';

/** How long an access token is valid, as Cognito's default. */
export const ACCESS_TOKEN_TTL_SECONDS = 60 * 60;

/** How long a sign-in at the provider lasts, as the app's own session (8 hours). */
const SESSION_TTL_SECONDS = 8 * 60 * 60;

/** How long the sign-in page may stay open, as the app's sign-in cookie (10 minutes). */
const INTERACTION_TTL_SECONDS = 10 * 60;

/** The scopes the app asks for (functions/adapters/identity-provider.ts, SIGN_IN_SCOPES). */
const SIGN_IN_SCOPES = 'openid email profile';

/**
 * The one resource server (RFC 8707): the web app's API. Its access tokens are JWTs whose audience
 * is the client id, which is what the app and API Gateway's JWT authorizer check (`aud` or
 * `client_id`). An identifier of its own, not a URL: it names the API whatever port it is on.
 */
const API_RESOURCE = 'urn:pmo-pipeline:api';
const API_RESOURCE_SERVER: ResourceServer = {
  // The app asks for OpenID scopes only; the API's tokens carry who, not what (roles come from the directory).
  scope: '',
  audience: LOCAL_CLIENT_ID,
  accessTokenFormat: 'jwt',
  accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
  jwt: { sign: { alg: 'RS256' } },
};

/** A person absent from the directory, or deactivated: they cannot sign in, nor get a token. */
export class CannotSignInError extends Error {
  constructor(readonly email: string) {
    super(`${email} cannot sign in: nobody with this email address is active in the directory`);
    this.name = 'CannotSignInError';
  }
}

/** What the local provider needs from its surroundings. */
export interface LocalOidcProviderOptions {
  /** The issuer: the provider's own URL, without a trailing slash (`http://127.0.0.1:3001`). */
  readonly issuer: string;
  /** Where the signing key persists (`<dataDir>/oidc/`). */
  readonly dataDir: string;
  /** Whether a missing signing key is made (npm start) or an error (npm run token). */
  readonly createSigningKey: boolean;
  /** The web app's base URL: its redirect URI is `<publicBaseUrl>/auth/callback`. */
  readonly publicBaseUrl: string;
  /** The directory: a person by (lower-case) email. */
  readonly findPerson: (email: string) => Promise<Person | undefined>;
  /** Emails the sign-in page offers as buttons, as far as they are active in the directory. */
  readonly suggestedPeople?: readonly string[];
  readonly log?: (message: string) => void;
}

/** The local stand-in for Cognito: an OpenID Connect provider whose accounts are the directory's people. */
export interface LocalOidcProvider {
  readonly issuer: string;
  /** Serves the provider's endpoints and its development sign-in page. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * An access token for a person, made by the provider's own AccessToken model with the API's
   * resource server: the same JWT a sign-in would give (iss, aud and client_id, email, 1 hour).
   * Throws {@link CannotSignInError} for someone absent from the directory or deactivated.
   */
  mintAccessToken(email: string): Promise<string>;
}

/** The directory's verdict on who may sign in: present, and not deactivated (`active` missing counts as active). */
export async function activePerson(findPerson: LocalOidcProviderOptions['findPerson'], email: string): Promise<Person | undefined> {
  const person = await findPerson(email.trim().toLowerCase());
  return person && person.active !== false ? person : undefined;
}

/**
 * Runs `action` without oidc-provider's notices that are true of any development setup and that a
 * person running `npm start` can do nothing about: the in-memory adapter (provider sessions,
 * interactions and codes last until a restart; access tokens are JWTs and the signing key persists,
 * so nothing a person holds is lost but the provider's own sign-in). Printed in red as a WARNING
 * on every start, it would read as a fault. Every other message passes. (oidc-provider is pinned to
 * 8.x, the last major that supports Node 20, which the README requires.)
 */
async function withoutDevelopmentNotices<T>(action: () => Promise<T> | T): Promise<T> {
  const expected = [
    'oidc-provider WARNING: a quick start development-only in-memory adapter is used',
  ];
  const { warn } = console;
  console.warn = (...args: unknown[]) => {
    // Coloured when the terminal is a TTY.
    const text = typeof args[0] === 'string' ? stripVTControlCharacters(args[0]) : '';
    if (!expected.some((start) => text.startsWith(start))) warn(...args);
  };
  try {
    return await action();
  } finally {
    console.warn = warn;
  }
}

/** The provider's configuration: the local side of the sign-in contract the app and the AWS stack share. */
function configuration(options: LocalOidcProviderOptions, signingKey: SigningKey, errors: typeof OidcErrors): Configuration {
  const appOrigin = new URL(options.publicBaseUrl).origin;
  const back = { href: `${options.publicBaseUrl}/`, label: 'Back to PMO Pipeline' };
  const renderHtml = (ctx: KoaContextWithOIDC, html: string) => {
    ctx.set(pageHeaders(appOrigin));
    ctx.type = 'html';
    ctx.body = html;
  };
  return {
    clients: [
      {
        client_id: LOCAL_CLIENT_ID,
        client_name: 'PMO Pipeline',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`${options.publicBaseUrl}/auth/callback`],
        post_logout_redirect_uris: [`${options.publicBaseUrl}/auth/signed-out`],
      },
    ],
    jwks: { keys: [signingKey] },
    responseTypes: ['code'],
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    async findAccount(_ctx, sub) {
      const person = await activePerson(options.findPerson, sub);
      if (!person) return undefined;
      return {
        accountId: person.email,
        claims: () => ({ sub: person.email, email: person.email, email_verified: true, name: person.name }),
      };
    },
    // The person of an access token, for the app (and API Gateway's authorizer on AWS, where a
    // pre-token-generation trigger adds the same claim to Cognito's tokens). The account id is the email.
    extraTokenClaims: (_ctx, token) => (token.kind === 'AccessToken' && token.accountId ? { email: token.accountId } : undefined),
    // The app is first-party: its consent is given, for what it asks (its sign-in scopes and its API).
    async loadExistingGrant(ctx) {
      const { client, session } = ctx.oidc;
      if (client?.clientId !== LOCAL_CLIENT_ID || !session?.accountId) return undefined;
      const grantId = (ctx.oidc.result?.consent as { grantId?: string } | undefined)?.grantId ?? session.grantIdFor(client.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      const grant =
        existing?.accountId === session.accountId ? existing : new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      // offline_access too: the client may refresh (grant type refresh_token), should the app ask for it.
      grant.addOIDCScope(`${SIGN_IN_SCOPES} offline_access`);
      grant.addResourceScope(API_RESOURCE, API_RESOURCE_SERVER.scope);
      await grant.save();
      return grant;
    },
    features: {
      // The development sign-in page below replaces oidc-provider's own (which takes any login).
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // The app names no resource: its access tokens are for its API.
        defaultResource: (_ctx, _client, oneOf) => (oneOf && !oneOf.includes(API_RESOURCE) ? oneOf : API_RESOURCE),
        // …also at the token endpoint, where it asks for openid (else the token would be for userinfo only).
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator, client) => {
          if (resourceIndicator !== API_RESOURCE || client.clientId !== LOCAL_CLIENT_ID) throw new errors.InvalidTarget();
          return API_RESOURCE_SERVER;
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => renderHtml(ctx, signOutPage(form)),
        postLogoutSuccessSource: (ctx) => renderHtml(ctx, messagePage('Signed out', 'You are signed out of the development sign-in.', back)),
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Only the web app's server calls the provider (discovery, token exchange, JWKS): no browser origin needs CORS.
    clientBasedCORS: () => false,
    cookies: {
      // Distinct from the app's cookies: browsers do not scope cookies by port, so 127.0.0.1:3000
      // (the app) receives these too, and must not read them as its own.
      names: { session: 'pmo_oidc_session', interaction: 'pmo_oidc_interaction', resume: 'pmo_oidc_resume' },
      // Signed with keys of this process: the provider's sessions live in memory and end with it anyway.
      keys: [randomBytes(32).toString('base64url')],
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: 60,
      IdToken: ACCESS_TOKEN_TTL_SECONDS,
      RefreshToken: SESSION_TTL_SECONDS,
      Grant: SESSION_TTL_SECONDS,
      Session: SESSION_TTL_SECONDS,
      Interaction: INTERACTION_TTL_SECONDS,
    },
    renderError: (ctx, out) => {
      const what = [out.error, out.error_description].filter(Boolean).join(': ');
      renderHtml(ctx, messagePage('Sign-in error', `The development sign-in could not go on (${what}). Sign in again from the app.`, back));
    },
  };
}

/**
 * Makes the local provider (it does not listen: see {@link handle}). Its signing key is read from
 * the data dir, or made there once when `createSigningKey`.
 *
 * `proxy` stays off: the provider serves browsers and the app directly on loopback, and trusting
 * X-Forwarded-* headers there would let any request choose the protocol and client address the
 * provider believes.
 */
export async function createLocalOidcProvider(options: LocalOidcProviderOptions): Promise<LocalOidcProvider> {
  const signingKey = await loadSigningKey(options.dataDir, { create: options.createSigningKey });
  // Imported here rather than at the top: a notice printed when the module loads is filtered too.
  const module = await withoutDevelopmentNotices(() => import('oidc-provider'));
  const provider: ProviderType = await withoutDevelopmentNotices(() => new module.Provider(options.issuer, configuration(options, signingKey, module.errors)));
  provider.on('server_error', (_ctx, error) => options.log?.(`error: the local sign-in provider failed a request: ${error.message}`));

  const callback = provider.callback();
  const appOrigin = new URL(options.publicBaseUrl).origin;
  const failedPage = messagePage('Sign-in error', 'The development sign-in failed. Sign in again from the app.', { href: `${options.publicBaseUrl}/`, label: 'Back to PMO Pipeline' });
  const signIn = {
    provider,
    appOrigin,
    publicBaseUrl: options.publicBaseUrl,
    findActivePerson: (email: string) => activePerson(options.findPerson, email),
    suggestedPeople: options.suggestedPeople ?? [],
    log: options.log ?? (() => {}),
  };

  return {
    issuer: options.issuer,
    handle: (req, res) => {
      if ((req.url ?? '').startsWith('/interaction/')) {
        handleDevSignIn(signIn, req, res).catch((error: unknown) => {
          signIn.log(`error: the development sign-in page failed: ${error instanceof Error ? error.message : String(error)}`);
          if (res.headersSent) res.destroy();
          else res.writeHead(500, pageHeaders(appOrigin)).end(failedPage);
        });
        return;
      }
      void callback(req, res);
    },
    async mintAccessToken(email) {
      const person = await activePerson(options.findPerson, email);
      if (!person) throw new CannotSignInError(email.trim().toLowerCase());
      const client = await provider.Client.find(LOCAL_CLIENT_ID);
      if (!client) throw new Error(`The local provider has no client ${LOCAL_CLIENT_ID}`);
      // As a sign-in would: a grant for the app and its API, then an access token under it for the API.
      const grant = new provider.Grant({ clientId: LOCAL_CLIENT_ID, accountId: person.email });
      grant.addOIDCScope(SIGN_IN_SCOPES);
      grant.addResourceScope(API_RESOURCE, API_RESOURCE_SERVER.scope);
      const grantId = await grant.save();
      // The provider's ResourceServer class, which @types/oidc-provider 8 does not list (it is there at run time).
      const { ResourceServer } = provider as unknown as { ResourceServer: new (identifier: string, info: typeof API_RESOURCE_SERVER) => NonNullable<ConstructorParameters<typeof provider.AccessToken>[0]['resourceServer']> };
      const token = new provider.AccessToken({
        accountId: person.email,
        client,
        grantId,
        gty: 'authorization_code',
        scope: API_RESOURCE_SERVER.scope,
        resourceServer: new ResourceServer(API_RESOURCE, API_RESOURCE_SERVER),
      });
      return token.save();
    },
  };
}

/** The local provider listening on its port. */
export interface RunningLocalOidcProvider extends Omit<LocalOidcProvider, 'handle'> {
  readonly port: number;
  /** Whether it answers its discovery document (the local stack's /healthz). */
  healthy(): Promise<boolean>;
  /** Stops taking connections, lets requests under way finish until `deadline` (epoch ms), then cuts the rest. */
  close(deadline?: number): Promise<void>;
}

/**
 * Starts the local provider on `host:port` (port 0: a free one). It listens first, because the
 * issuer is its own URL, port included; requests before it is made get 503.
 */
export async function startLocalOidcProvider(
  options: Omit<LocalOidcProviderOptions, 'issuer'> & { readonly host: string; readonly port: number },
): Promise<RunningLocalOidcProvider> {
  let handle: LocalOidcProvider['handle'] | undefined;
  const server = createServer((req, res) => {
    if (handle) return handle(req, res);
    res.writeHead(503, { 'Retry-After': '1', 'Content-Type': 'text/plain' }).end('The sign-in provider is starting');
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
  let closed: Promise<void> | undefined;
  const close = (deadline = Date.now()) => {
    closed ??= new Promise<void>((resolve) => {
      const cut = setTimeout(() => server.closeAllConnections(), Math.max(0, deadline - Date.now()));
      server.close(() => {
        clearTimeout(cut);
        resolve();
      });
      server.closeIdleConnections();
    });
    return closed;
  };
  try {
    const issuer = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
    const provider = await createLocalOidcProvider({ ...options, issuer });
    handle = provider.handle;
    return {
      issuer,
      port,
      mintAccessToken: (email) => provider.mintAccessToken(email),
      healthy: async () => {
        const response = await fetch(`${issuer}/.well-known/openid-configuration`).catch(() => undefined);
        await response?.body?.cancel();
        return response?.ok === true;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
