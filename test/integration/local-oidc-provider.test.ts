import { createHash, randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyPath } from '#local/oidc/signing-key.ts';
import { startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

let env: TestStack;
let issuer: string;

beforeAll(async () => {
  env = await startTestStack({ auth: 'on' });
  issuer = env.oidcUrl!;
  // Someone in the directory who may no longer sign in.
  const { directoryRepository } = await import('#adapters/directory-repository.ts');
  await directoryRepository.importPeople([{ email: 'gone@example.org', name: 'Gone Away', roles: [], active: false }]);
});

afterAll(async () => {
  await env?.stop();
});

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint: string;
  response_types_supported: string[];
  code_challenge_methods_supported: string[];
}

async function discovery(): Promise<Discovery> {
  return (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Discovery;
}

/** A browser's cookies, as far as these tests need them: by name, sent back to the provider. */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  take(response: Response): Response {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair!.indexOf('=');
      this.#cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return response;
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** The app's side of a sign-in: its redirect URI, and the PKCE verifier, state and nonce it keeps. */
function appSignIn() {
  const codeVerifier = randomBytes(32).toString('base64url');
  return {
    redirectUri: `${env.stack.urls.web}/auth/callback`,
    codeVerifier,
    codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
  };
}

/** Follows one redirect by hand, as a browser would, keeping cookies. */
async function follow(jar: CookieJar, location: string, init: RequestInit = {}): Promise<Response> {
  return jar.take(await fetch(new URL(location, issuer), { ...init, redirect: 'manual', headers: { ...init.headers, cookie: jar.header() } }));
}

/** Starts a sign-in at the authorization endpoint and follows the provider to its sign-in page. */
async function openSignInPage(jar: CookieJar, app: ReturnType<typeof appSignIn>, extra: Record<string, string> = {}): Promise<{ page: Response; url: URL }> {
  const authorize = new URL((await discovery()).authorization_endpoint);
  const params = {
    client_id: 'pmo-web',
    response_type: 'code',
    scope: 'openid email profile',
    redirect_uri: app.redirectUri,
    state: app.state,
    nonce: app.nonce,
    code_challenge: app.codeChallenge,
    code_challenge_method: 'S256',
    ...extra,
  };
  for (const [name, value] of Object.entries(params)) authorize.searchParams.set(name, value);
  const toInteraction = await follow(jar, authorize.href);
  expect(toInteraction.status).toBe(303);
  const url = new URL(toInteraction.headers.get('location')!, issuer);
  return { page: await follow(jar, url.href), url };
}

function postForm(jar: CookieJar, url: string, form: Record<string, string>): Promise<Response> {
  return follow(jar, url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
}

/** Exchanges an authorization code at the token endpoint, as the app's server does. */
async function exchange(code: string, app: ReturnType<typeof appSignIn>): Promise<Response> {
  return fetch((await discovery()).token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'pmo-web', code, redirect_uri: app.redirectUri, code_verifier: app.codeVerifier }).toString(),
  });
}

describe('the local sign-in provider: discovery and keys', () => {
  it('publishes a discovery document for its own URL, with the authorization code flow and PKCE (S256) only', async () => {
    const document = await discovery();

    expect(document.issuer).toBe(issuer);
    expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const endpoint of [document.authorization_endpoint, document.token_endpoint, document.jwks_uri, document.end_session_endpoint]) {
      expect(endpoint.startsWith(`${issuer}/`)).toBe(true);
    }
    expect(document.response_types_supported).toEqual(['code']);
    expect(document.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('publishes its RS256 signing key, without its private part', async () => {
    const { keys } = (await (await fetch((await discovery()).jwks_uri)).json()) as { keys: Record<string, unknown>[] };

    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('keeps its signing key in the data dir, readable by its owner only', async () => {
    const { mode } = await stat(signingKeyPath(env.dataDir));

    expect(mode & 0o777).toBe(0o600);
  });
});

describe('the local sign-in provider: access tokens', () => {
  it('mints an access token that verifies against its JWKS, with the claims the app and API Gateway check', async () => {
    const keys = createRemoteJWKSet(new URL((await discovery()).jwks_uri));
    const before = Math.floor(Date.now() / 1000);

    const token = await env.tokenFor('Femi.Adeyemi@example.org');

    const { payload, protectedHeader } = await jwtVerify(token, keys, { issuer, audience: 'pmo-web', algorithms: ['RS256'] });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ iss: issuer, aud: 'pmo-web', client_id: 'pmo-web', email: 'femi.adeyemi@example.org' });
    expect(payload.exp! - before).toBeGreaterThanOrEqual(3600);
    expect(payload.exp! - before).toBeLessThanOrEqual(3602);
  });

  it('gives no token to someone not in the directory', async () => {
    await expect(env.tokenFor('stranger@example.org')).rejects.toThrow('stranger@example.org cannot sign in');
  });

  it('gives no token to someone deactivated in the directory', async () => {
    await expect(env.tokenFor('gone@example.org')).rejects.toThrow('gone@example.org cannot sign in');
  });
});

describe('the local sign-in provider: signing in through the development sign-in page', () => {
  it('signs a person in with the authorization code flow and PKCE, and gives tokens for them', async () => {
    const jar = new CookieJar();
    const app = appSignIn();
    const { page, url } = await openSignInPage(jar, app);
    expect(page.status).toBe(200);

    const submitted = await postForm(jar, `${url.href}/login`, { email: 'sam.carter@example.org' });
    expect(submitted.status).toBe(303);
    const back = await follow(jar, submitted.headers.get('location')!);
    expect(back.status).toBe(303);
    const callback = new URL(back.headers.get('location')!);
    const tokens = await exchange(callback.searchParams.get('code')!, app);

    expect(`${callback.origin}${callback.pathname}`).toBe(app.redirectUri);
    expect(callback.searchParams.get('state')).toBe(app.state);
    expect(tokens.status).toBe(200);
    const { access_token: accessToken, id_token: idToken } = (await tokens.json()) as { access_token: string; id_token: string };
    expect(decodeJwt(accessToken)).toMatchObject({ email: 'sam.carter@example.org', aud: 'pmo-web', client_id: 'pmo-web', iss: issuer });
    expect(decodeJwt(idToken)).toMatchObject({ email: 'sam.carter@example.org', name: 'Sam Carter', nonce: app.nonce, aud: 'pmo-web' });
  });

  it('marks its sign-in page as development only, lists the demo people, and loads nothing from elsewhere', async () => {
    const { page } = await openSignInPage(new CookieJar(), appSignIn());

    const html = await page.text();

    expect(html).toContain('Development sign-in — not for production');
    expect(html).toContain('value="priya.shah@example.org"');
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`form-action 'self' ${env.stack.urls.web}`);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('refuses, on its page, someone not in the directory', async () => {
    const jar = new CookieJar();
    const { url } = await openSignInPage(jar, appSignIn());

    const refused = await postForm(jar, `${url.href}/login`, { email: 'stranger@example.org' });

    expect(refused.status).toBe(403);
    expect(refused.headers.get('location')).toBeNull();
    expect(await refused.text()).toContain('Nobody with the email address stranger@example.org is active in the directory');
  });

  it('refuses, on its page, someone deactivated', async () => {
    const jar = new CookieJar();
    const { url } = await openSignInPage(jar, appSignIn());

    const refused = await postForm(jar, `${url.href}/login`, { email: 'gone@example.org' });

    expect(refused.status).toBe(403);
    expect(refused.headers.get('location')).toBeNull();
  });

  it('escapes what it shows back: a login hint or a typed address cannot add markup', async () => {
    const jar = new CookieJar();
    const hostile = '"><script>alert(1)</script>';
    const { page, url } = await openSignInPage(jar, appSignIn(), { login_hint: hostile });

    const retyped = await postForm(jar, `${url.href}/login`, { email: hostile });

    for (const html of [await page.text(), await retyped.text()]) {
      expect(html).not.toContain('<script>');
      expect(html).toContain('&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;');
    }
  });

  it('returns access_denied to the app when the person cancels', async () => {
    const jar = new CookieJar();
    const app = appSignIn();
    const { url } = await openSignInPage(jar, app);

    const cancelled = await postForm(jar, `${url.href}/cancel`, {});
    const back = await follow(jar, cancelled.headers.get('location')!);

    const callback = new URL(back.headers.get('location')!);
    expect(`${callback.origin}${callback.pathname}`).toBe(app.redirectUri);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(app.state);
  });

  it('refuses an authorization request without PKCE', async () => {
    const app = appSignIn();
    const authorize = new URL((await discovery()).authorization_endpoint);
    for (const [name, value] of Object.entries({ client_id: 'pmo-web', response_type: 'code', scope: 'openid email profile', redirect_uri: app.redirectUri, state: app.state })) {
      authorize.searchParams.set(name, value);
    }

    const response = await fetch(authorize, { redirect: 'manual' });

    const callback = new URL(response.headers.get('location')!);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toContain('requires PKCE');
  });

  it('refuses a code exchanged without the PKCE verifier it was issued for', async () => {
    const jar = new CookieJar();
    const app = appSignIn();
    const { url } = await openSignInPage(jar, app);
    const submitted = await postForm(jar, `${url.href}/login`, { email: 'sam.carter@example.org' });
    const back = await follow(jar, submitted.headers.get('location')!);
    const code = new URL(back.headers.get('location')!).searchParams.get('code')!;

    const tokens = await exchange(code, { ...app, codeVerifier: randomBytes(32).toString('base64url') });

    expect(tokens.status).toBe(400);
    expect(((await tokens.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('refuses a redirect URI other than the app callback', async () => {
    const app = { ...appSignIn(), redirectUri: 'https://elsewhere.example/auth/callback' };

    const authorize = new URL((await discovery()).authorization_endpoint);
    for (const [name, value] of Object.entries({ client_id: 'pmo-web', response_type: 'code', scope: 'openid', redirect_uri: app.redirectUri, code_challenge: app.codeChallenge, code_challenge_method: 'S256' })) {
      authorize.searchParams.set(name, value);
    }
    const response = await fetch(authorize, { redirect: 'manual' });

    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });
});

describe('the local sign-in provider across a restart', () => {
  it('keeps its signing key, so that a token issued before the restart still verifies', async () => {
    const token = await env.tokenFor('priya.shah@example.org');

    env = await env.restart();

    const keys = createRemoteJWKSet(new URL((await discovery()).jwks_uri));
    await expect(jwtVerify(token, keys, { issuer, audience: 'pmo-web' })).resolves.toBeDefined();
    expect(env.oidcUrl).toBe(issuer);
  });
});
