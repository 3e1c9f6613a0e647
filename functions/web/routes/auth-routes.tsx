import { Hono } from 'hono';
import { environment } from '#adapters/environment.ts';
import { logger } from '#adapters/logger.ts';
import { completeSignIn, endSession, openSession, providerSignOutUrl, SESSION_HOURS, startSignIn, csrfTokenMatches } from '#services/sign-in-service.ts';
import type { RouteOptions } from '../app.tsx';
import { MessagePage } from '../pages/layout.tsx';
import { cookies, CSRF_FIELD, type WebAuth } from '../viewer.ts';
import { OptionalTextSchema, querySchema, validated } from './request-validation.ts';

const LoginQuerySchema = querySchema({ returnTo: OptionalTextSchema });

function signInUnavailable(title: string, message: string) {
  return (
    <MessagePage title={title} tone="bad">
      <p>{message}</p>
      <p>
        <a href="/auth/login">Sign in again</a>
      </p>
    </MessagePage>
  );
}

/**
 * Sign-in and sign-out for the pages: the OpenID Connect authorization code flow with PKCE against
 * the organisation's provider (Cognito on AWS, the local provider in `npm start`). Mounted at `/auth`.
 */
export function authRoutes({ now }: RouteOptions, auth: () => WebAuth) {
  const routes = new Hono();
  const callbackUri = () => `${environment.publicBaseUrl}/auth/callback`;

  routes.get('/login', validated('query', LoginQuerySchema, (c) => c.redirect('/auth/login', 302)), async (c) => {
    const settings = auth();
    if (settings.mode === 'off') return c.redirect('/', 302);
    const { url, state } = await startSignIn(settings.provider, callbackUri(), c.req.valid('query').returnTo, now());
    cookies.setSignIn(c, state);
    c.header('Cache-Control', 'no-store');
    return c.redirect(url.href, 302);
  });

  routes.get('/callback', async (c) => {
    const settings = auth();
    if (settings.mode === 'off') return c.redirect('/', 302);
    const callbackUrl = new URL(callbackUri());
    callbackUrl.search = new URL(c.req.url).search;
    const cookieState = cookies.signIn(c);
    cookies.clearSignIn(c);
    let result: Awaited<ReturnType<typeof completeSignIn>>;
    try {
      result = await completeSignIn(settings.provider, callbackUrl, cookieState, now());
    } catch (error) {
      // A code the provider does not honour (used twice, too old), or an ID token that fails its checks.
      logger.warn('Sign-in could not be completed', { error });
      return c.html(signInUnavailable('Sign-in did not complete', 'The sign-in provider did not confirm who you are. Please sign in again.'), 400);
    }
    switch (result.kind) {
      case 'signed-in': {
        // A new sign-in gets a new session id; the browser's earlier session (someone else's,
        // perhaps, on a shared computer) ends.
        const earlier = cookies.session(c);
        if (earlier) await endSession(earlier);
        cookies.setSession(c, result.sessionId, SESSION_HOURS * 3600);
        logger.info('Signed in', { person: result.person.email });
        return c.redirect(result.returnTo, 303);
      }
      case 'expired':
        return c.html(signInUnavailable('Sign-in expired', 'This sign-in was started in another browser, used already, or took longer than 10 minutes. Please sign in again.'), 400);
      case 'refused-by-provider':
        return c.html(signInUnavailable('Sign-in was not completed', 'The sign-in provider did not sign you in. Please try again.'), 400);
      case 'not-in-directory':
      case 'inactive':
        return c.html(
          <MessagePage title="You cannot use PMO Pipeline yet" tone="bad">
            <p>
              {result.kind === 'inactive'
                ? `You signed in as ${result.email}, who is deactivated in the PMO's directory.`
                : `You signed in as ${result.email}, who is not in the PMO's directory.`}{' '}
              Ask the PMO to add or reactivate you.
            </p>
          </MessagePage>,
          403,
        );
    }
  });

  routes.post('/logout', async (c) => {
    const settings = auth();
    const sessionId = cookies.session(c);
    if (settings.mode === 'off' || !sessionId) return c.redirect('/auth/signed-out', 303);
    const session = await openSession(sessionId, now());
    // Signing someone out is harmless, but only a form of their own session may do it.
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    if (session && !csrfTokenMatches(session, body[CSRF_FIELD])) return c.redirect('/', 303);
    await endSession(sessionId);
    cookies.clearSession(c);
    const providerSignOut = await providerSignOutUrl(settings.provider, `${environment.publicBaseUrl}/auth/signed-out`).catch((error: unknown) => {
      logger.warn('The provider sign-out URL is not available', { error });
      return undefined;
    });
    return c.redirect(providerSignOut?.href ?? '/auth/signed-out', 303);
  });

  routes.get('/signed-out', (c) =>
    c.html(
      <MessagePage title="Signed out" tone="ok">
        <p>You are signed out of PMO Pipeline.</p>
        <p>
          <a href="/auth/login">Sign in again</a>
        </p>
      </MessagePage>,
    ),
  );

  return routes;
}
