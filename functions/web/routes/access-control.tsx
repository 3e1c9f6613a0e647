import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { holdsAny, OPEN_VIEWER } from '#domain/access.ts';
import { logger } from '#adapters/logger.ts';
import { bearerViewer, csrfTokenMatches, openSession, type Refusal } from '#services/sign-in-service.ts';
import { type AccessRule, ROUTE_ACCESS, routeKey } from '../access-rules.ts';
import { MessagePage } from '../pages/layout.tsx';
import { cookies, CSRF_FIELD, type WebAuth } from '../viewer.ts';

/** The pattern of the route that answers this request (not a middleware's), as the route table spells it. */
export function answeringRoute(c: Context): string | undefined {
  const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
  // Hono runs matching handlers in the order they were added, and the first that answers wins:
  // the first route's rule is the one that applies.
  const routes = matchedRoutes(c).filter((route) => route.method === method && !route.path.endsWith('*'));
  return routes[0]?.path;
}

function isApi(c: Context): boolean {
  return c.req.path.startsWith('/api/');
}

function unauthorized(c: Context, error?: 'invalid_token', description?: string) {
  c.header('WWW-Authenticate', error ? `Bearer error="${error}", error_description="${description}"` : 'Bearer');
  c.header('Cache-Control', 'no-store');
  return c.json({ error: 'Unauthorized', message: description ?? 'Sign in: send an access token as Authorization: Bearer <token>' }, 401);
}

function forbiddenJson(c: Context, message: string) {
  return c.json({ error: 'Forbidden', message }, 403);
}

function forbiddenPage(c: Context, title: string, message: string) {
  return c.html(
    <MessagePage title={title} tone="bad">
      <p>{message}</p>
    </MessagePage>,
    403,
  );
}

function refusalMessage(refusal: Refusal): string {
  return refusal.kind === 'inactive'
    ? `${refusal.email} is deactivated in the PMO's directory. Ask the PMO if this is a mistake.`
    : `${refusal.email} is not in the PMO's directory. Ask the PMO to add you.`;
}

/** Where a page asks its reader to sign in, returning here afterwards (a GET only: a form's values cannot be replayed). */
function signInRedirect(c: Context) {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    return c.html(
      <MessagePage title="Please sign in again" tone="bad">
        <p>Your session has ended, so this was not saved. Sign in, then send it again.</p>
        <p>
          <a href="/auth/login">Sign in</a>
        </p>
      </MessagePage>,
      401,
    );
  }
  const url = new URL(c.req.url);
  return c.redirect(`/auth/login?returnTo=${encodeURIComponent(url.pathname + url.search)}`, 302);
}

/** Lets in what the rule allows and sets the viewer; answers 401, a sign-in redirect or 403 otherwise. */
async function enforce(c: Context, rule: AccessRule, auth: Extract<WebAuth, { mode: 'oidc' }>, now: () => Date): Promise<Response | undefined> {
  if (isApi(c)) {
    const header = c.req.header('Authorization');
    const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header ?? '')?.[1];
    if (!token) return header ? unauthorized(c, 'invalid_token', 'The Authorization header is not a bearer token') : unauthorized(c);
    const result = await bearerViewer(auth.provider, token);
    if (result.kind === 'refused') {
      return unauthorized(c, 'invalid_token', result.reason === 'expired' ? 'The access token has expired' : 'The access token is not valid for this API');
    }
    if (result.kind !== 'viewer') return forbiddenJson(c, refusalMessage(result));
    c.set('viewer', result.viewer);
  } else {
    const sessionId = cookies.session(c);
    const session = sessionId ? await openSession(sessionId, now()) : undefined;
    if (!session) return signInRedirect(c);
    c.set('session', session);
    c.set('viewer', session.viewer);
    // Forms of a session carry its token: a form posted from another site cannot know it.
    if (c.req.method === 'POST') {
      const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      if (!csrfTokenMatches(session, body[CSRF_FIELD])) {
        return forbiddenPage(c, 'This form has expired', 'The form was not sent from a page of this session. Go back, reload the page and send it again.');
      }
    }
  }
  if (rule.kind === 'role' && !holdsAny(c.get('viewer')!, rule.roles)) {
    const message = `This needs the ${rule.roles.join(' or ')} role in the PMO's directory.`;
    return isApi(c) ? forbiddenJson(c, message) : forbiddenPage(c, 'Not for your role', message);
  }
  return undefined;
}

/**
 * Access control for every route, from {@link ROUTE_ACCESS}: public and emailed-link routes pass
 * (the link's secret is checked by its route); the rest need a page session or a bearer token, and
 * some a role. A route without a rule is refused, so none is ever open by omission.
 */
export function accessControl(auth: () => WebAuth, now: () => Date): MiddlewareHandler {
  return async (c, next) => {
    const route = answeringRoute(c);
    // No route answers: the 404 or 405 that follows reveals nothing.
    if (!route) return next();
    const rule = ROUTE_ACCESS[routeKey(c.req.method, route)];
    if (!rule) {
      logger.error('A route has no access rule: refused', { method: c.req.method, route });
      return isApi(c) ? forbiddenJson(c, 'This resource is not open to anyone yet') : forbiddenPage(c, 'Not available', 'This page is not open to anyone yet.');
    }
    const settings = auth();
    if (settings.mode === 'off') {
      c.set('viewer', OPEN_VIEWER);
      return next();
    }
    if (rule.kind === 'public' || rule.kind === 'link') return next();
    const refused = await enforce(c, rule, settings, now);
    if (refused) return refused;
    await next();
    // What a signed-in person reads stays out of caches: after sign-out on a shared computer, Back
    // must not show it again.
    c.header('Cache-Control', 'no-store');
    c.header('Vary', 'Cookie, Authorization');
  };
}
