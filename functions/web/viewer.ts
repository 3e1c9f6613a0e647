import type { Context } from 'hono';
import { tryGetContext } from 'hono/context-storage';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { OPEN_VIEWER, type Viewer } from '#domain/access.ts';
import { environment } from '#adapters/environment.ts';
import type { ActiveSession, IdentityProviderSettings } from '#services/sign-in-service.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** Who is asking: set on every route that needs sign-in (and `open` with sign-in off). */
    viewer: Viewer | undefined;
    /** The page session, when the request came with one. */
    session: ActiveSession | undefined;
  }
}

/** How the app knows who is asking. */
export type WebAuth =
  /** Sign-in through an OpenID Connect provider: sessions for pages, bearer tokens for the API. */
  | { readonly mode: 'oidc'; readonly provider: IdentityProviderSettings }
  /** No sign-in (the local stack's `PMO_AUTH=off` only): every route open, as before sign-in existed. */
  | { readonly mode: 'off' };

/** Sign-in as the function's environment configures it (AUTH_ISSUER, AUTH_CLIENT_ID, AUTH_LOGOUT_URL). */
export function authFromEnvironment(): WebAuth {
  return { mode: 'oidc', provider: { issuer: environment.authIssuer, clientId: environment.authClientId, logoutUrl: environment.authLogoutUrl } };
}

/** The viewer of a route that requires one; a route reaching here without one is wired wrongly. */
export function viewerOf(c: Context): Viewer {
  const viewer = c.get('viewer');
  if (!viewer) throw new Error(`No viewer on ${c.req.method} ${c.req.path}: its access rule lets it in without sign-in`);
  return viewer;
}

/** The viewer of the page being rendered, if anyone signed in (the page header shows who). */
export function currentSession(): ActiveSession | undefined {
  return tryGetContext()?.get('session');
}

/** Whether the page being rendered is served with sign-in off. */
export function signInIsOff(): boolean {
  return tryGetContext()?.get('viewer') === OPEN_VIEWER;
}

/** The name of a form's hidden field that carries the session's CSRF token. */
export const CSRF_FIELD = '_csrf';

// Behind HTTPS, cookies are `Secure` and `__Host-` prefixed (bound to this host and path `/`);
// plain HTTP is only the local stack on loopback.
function secure(): boolean {
  return environment.publicBaseUrl.startsWith('https:');
}

const SESSION_COOKIE = 'pmo_session';
const SIGN_IN_COOKIE = 'pmo_sign_in';

function cookieOptions(maxAgeSeconds: number) {
  return { httpOnly: true, sameSite: 'Lax' as const, path: '/', maxAge: maxAgeSeconds, secure: secure(), ...(secure() ? { prefix: 'host' as const } : {}) };
}

export const cookies = {
  session: (c: Context): string | undefined => (secure() ? getCookie(c, SESSION_COOKIE, 'host') : getCookie(c, SESSION_COOKIE)),
  setSession: (c: Context, id: string, maxAgeSeconds: number) => setCookie(c, SESSION_COOKIE, id, cookieOptions(maxAgeSeconds)),
  clearSession: (c: Context) => deleteCookie(c, SESSION_COOKIE, cookieOptions(0)),
  signIn: (c: Context): string | undefined => (secure() ? getCookie(c, SIGN_IN_COOKIE, 'host') : getCookie(c, SIGN_IN_COOKIE)),
  setSignIn: (c: Context, state: string) => setCookie(c, SIGN_IN_COOKIE, state, cookieOptions(600)),
  clearSignIn: (c: Context) => deleteCookie(c, SIGN_IN_COOKIE, cookieOptions(0)),
};
