import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { contextStorage } from 'hono/context-storage';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { logger } from '#adapters/logger.ts';
import { MessagePage } from './pages/layout.tsx';
import { accessControl } from './routes/access-control.tsx';
import { approvalLinks } from './routes/approval-links.tsx';
import { authRoutes } from './routes/auth-routes.tsx';
import { delegationRoutes } from './routes/delegation-routes.tsx';
import { historyApi } from './routes/history-api.tsx';
import { peopleApi } from './routes/people-api.tsx';
import { peoplePages } from './routes/people-pages.tsx';
import { timesheetRoutes } from './routes/timesheet-routes.tsx';
import { workingTimeRoutes } from './routes/working-time-routes.tsx';
import { pmoLinks } from './routes/pmo-links.tsx';
import { projectRoutes } from './routes/project-routes.tsx';
import { proposalPages } from './routes/proposal-pages.tsx';
import { rateLimited } from './routes/rate-limits.tsx';
import { proposalsApi } from './routes/proposals-api.tsx';
import { notFoundPage, payloadTooLarge, unreadableRequest } from './routes/responses.tsx';
import { submitterLinks } from './routes/submitter-links.tsx';
import { environment } from '#adapters/environment.ts';
import { STYLESHEET } from './styles.ts';
import { authFromEnvironment, type WebAuth } from './viewer.ts';
import { viewerRoutes } from './routes/viewer-routes.tsx';
import { invoicesApi } from './routes/invoices-api.tsx';
import { approvalsRoutes } from './routes/approvals-routes.tsx';
import { portfolioRoutes } from './routes/portfolio-routes.tsx';
import { reportRoutes } from './routes/report-routes.tsx';
import { reportsApi } from './routes/reports-api.tsx';
import { invoiceRoutes } from './routes/invoice-routes.tsx';

/** The longest path segment any route takes (an email address is at most 254 characters). */
const MAX_PATH_SEGMENT = 320;

/** The largest request body accepted: a proposal is a few kilobytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The most a posted invoice may be (a UBL e-invoice's XML, as parseUblInvoice reads it). */
export const MAX_INVOICE_BODY_BYTES = 1024 * 1024;

/** The body limit of a route (`POST /api/invoices` takes e-invoices; every other, small bodies). */
export function maxBodyBytesFor(method: string, path: string): number {
  return method === 'POST' && path === '/api/invoices' ? MAX_INVOICE_BODY_BYTES : MAX_BODY_BYTES;
}

/** Things the app takes from outside, so tests can set the clock. */
export interface WebAppOptions {
  readonly now?: () => Date;
  /**
   * How people sign in. By default from the function's environment (AUTH_ISSUER, AUTH_CLIENT_ID);
   * `{ mode: 'off' }` only from the local stack (`PMO_AUTH=off`): the Lambda handler has no way to it.
   */
  readonly auth?: WebAuth;
}

/** What every area of the app is built with: the options, with the clock settled once. */
export type RouteOptions = Required<Pick<WebAppOptions, 'now'>>;

/**
 * Where signing out may take the browser: the provider's sign-out URL when configured (Cognito's
 * managed login), else the issuer, whose discovery names its end-session endpoint.
 */
function signOutOrigins(auth: WebAuth): string[] {
  if (auth.mode === 'off') return [];
  return [new URL(auth.provider.logoutUrl ?? auth.provider.issuer).origin];
}

function isApi(c: Context): boolean {
  return c.req.path.startsWith('/api/');
}

/**
 * The web app: the intake form, proposal and approval pages, and the JSON API. One Hono app
 * serves both runtimes: behind API Gateway through the Lambda adapter, and on Node locally. Each
 * area is a sub-app of its own (functions/web/routes); this is where they meet the security
 * headers, the body limit and the error pages they all share.
 */
export function createWebApp(options: WebAppOptions = {}) {
  const shared: RouteOptions = { now: options.now ?? (() => new Date()) };
  // Read at the first request, so that a missing setting fails there with its name, not at import.
  let auth = options.auth;
  const resolveAuth = () => {
    auth ??= authFromEnvironment();
    return auth;
  };
  const app = new Hono();
  // Pages read who is signed in (their header, their forms' CSRF token) from the request's context.
  app.use(contextStorage());

  // The sign-out form's answer redirects to the provider to end its session too: browsers hold a
  // form's redirects to the page's form-action, so the provider's sign-out origin is allowed there.
  let securityHeaders: MiddlewareHandler | undefined;
  app.use((c, next) => {
    securityHeaders ??= secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        // And the files bucket's: the invoice page uploads its PDF straight there (S3's form POST).
        formAction: ["'self'", ...signOutOrigins(resolveAuth()), ...(environment.filesUploadOrigin ? [environment.filesUploadOrigin] : [])],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      // Approval links carry their secret in the query string: never pass the URL on.
      referrerPolicy: 'no-referrer',
    });
    return securityHeaders(c, next);
  });
  // Invoices may arrive as UBL e-invoices, which run to a few hundred kilobytes: their one route
  // has its own, larger limit; everything else keeps the small one.
  const invoiceBodies = bodyLimit({ maxSize: MAX_INVOICE_BODY_BYTES, onError: (c) => payloadTooLarge(c, MAX_INVOICE_BODY_BYTES, true) });
  const otherBodies = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => payloadTooLarge(c, MAX_BODY_BYTES, isApi(c)) });
  app.use((c, next) => (maxBodyBytesFor(c.req.method, c.req.path) === MAX_INVOICE_BODY_BYTES ? invoiceBodies(c, next) : otherBodies(c, next)));

  // No id, email or key of this product is longer than this: a longer path segment names nothing,
  // and must not reach a key lookup (DynamoDB refuses keys over 2 KB with a server error).
  app.use(async (c, next) => {
    if (c.req.path.split('/').some((segment) => segment.length > MAX_PATH_SEGMENT)) {
      return isApi(c) ? c.json({ error: 'NotFound', message: 'No such resource' }, 404) : notFoundPage(c);
    }
    await next();
  });

  app.get('/assets/styles.css', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(STYLESHEET, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });

  app.use(accessControl(resolveAuth, shared.now));

  // Routes that check a link's secret, limited per client and per what the secret opens; the
  // out-of-office request, which emails someone, per client.
  const byParam = (name: string, prefix: string) => (c: Context) => `${prefix}:${c.req.param(name) ?? ''}`;
  app.use('/approvals/:id', rateLimited('link-per-client', { kind: 'link-per-target', target: byParam('id', 'approval') }));
  for (const path of ['/proposals/:id/withdraw', '/proposals/:id/revise', '/proposals/:id/restart', '/api/proposals/:id/withdraw']) {
    app.use(path, rateLimited('link-per-client', { kind: 'link-per-target', target: byParam('id', 'proposal') }));
  }
  for (const path of ['/people/:email/delegation', '/api/people/:email/delegation']) {
    app.use(path, rateLimited('link-per-client', { kind: 'link-per-target', target: byParam('email', 'person') }));
  }
  app.on('GET', '/auth/login', rateLimited('sign-in-per-client'));
  app.on('POST', '/delegation', rateLimited('email-request-per-client', undefined, 'email-request-per-person'));
  // Submissions, per client and per signed-in person: each one starts a workflow and emails people.
  for (const path of ['/proposals', '/api/proposals']) app.on('POST', path, rateLimited('submission-per-client', undefined, 'submission-per-person'));

  app.route('/auth', authRoutes(shared, resolveAuth));
  app.route('/', proposalPages(shared));
  app.route('/', approvalsRoutes(shared));
  app.route('/', portfolioRoutes(shared));
  app.route('/', reportRoutes(shared));
  app.route('/approvals', approvalLinks(shared));
  app.route('/proposals', submitterLinks(shared));
  app.route('/proposals', pmoLinks(shared));
  app.route('/', delegationRoutes(shared));
  app.route('/', projectRoutes(shared));
  app.route('/', peoplePages(shared));
  app.route('/', workingTimeRoutes(shared));
  app.route('/', timesheetRoutes(shared));
  app.route('/', invoiceRoutes(shared));
  app.route('/api/proposals', proposalsApi(shared));
  app.route('/api/people', peopleApi(shared));
  app.route('/api', invoicesApi(shared));
  app.route('/api/reports', reportsApi(shared));
  app.route('/api', historyApi());
  app.route('/api', viewerRoutes());

  // A path that exists answers another method with 405 and the methods it allows, not 404.
  const allowedMethods = methodsByPath(app);
  const notFound = (c: Context) => (isApi(c) ? c.json({ error: 'NotFound', message: 'No such resource' }, 404) : notFoundPage(c));
  app.notFound((c) => {
    const allowed = allowedMethods(c.req.path);
    if (allowed.length > 0) {
      c.header('Allow', allowed.join(', '));
      return isApi(c)
        ? c.json({ error: 'MethodNotAllowed', message: `Use ${allowed.join(' or ')} on this resource` }, 405)
        : c.html(
            <MessagePage title="Not possible here" tone="bad">
              <p>This page cannot be used that way. Go back and use its links and buttons.</p>
            </MessagePage>,
            405,
          );
    }
    return notFound(c);
  });

  app.onError((error, c) => {
    // A request Hono itself could not read (a malformed multipart form) is the client's error;
    // its text names the parser's internals, so the answer keeps to its own words.
    if (error instanceof HTTPException && error.status < 500) return unreadableRequest(c, error.status, isApi(c));
    // The page says nothing of the error: exception text can reveal internals.
    logger.error('Request failed', { method: c.req.method, path: c.req.path, error });
    if (isApi(c)) return c.json({ error: 'InternalError', message: 'Something went wrong; please try again' }, 500);
    return c.html(
      <MessagePage title="Something went wrong" tone="bad">
        <p>We could not complete your request. Nothing you entered was lost; please try again in a moment.</p>
      </MessagePage>,
      500,
    );
  });

  return app;
}

/**
 * The methods the app's routes answer on a path, from its route table (middleware excluded), so
 * that a route added later is covered too. HEAD goes with GET, as Hono answers it.
 */
function methodsByPath(app: Hono): (path: string) => string[] {
  const routes = app.routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => ({ method: route.method, pattern: new RegExp(`^${route.path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\/:[^/]+/g, '/[^/]+').replace(/\*/g, '.*')}/?$`) }));
  return (path) => {
    const methods = new Set(routes.filter((route) => route.pattern.test(path)).map((route) => route.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}
