import type { AccessRole } from '#domain/access.ts';

/**
 * Who may call a route at all, before any record is looked at:
 * - `public`: anyone (the stylesheet, the sign-in pages);
 * - `link`: anyone holding an emailed single-use link; the route checks the link's secret, which is
 *   bound to its recipient, purpose and subject;
 * - `signed-in`: anyone in the directory who signed in; the service then shows only the records
 *   the reader may read (a record they may not read answers 404, as one that does not exist);
 * - `role`: a signed-in person holding one of the roles; anyone else gets 403.
 */
export type AccessRule =
  | { readonly kind: 'public' }
  | { readonly kind: 'link' }
  | { readonly kind: 'signed-in' }
  | { readonly kind: 'role'; readonly roles: readonly AccessRole[] };

const PUBLIC: AccessRule = { kind: 'public' };
const LINK: AccessRule = { kind: 'link' };
const SIGNED_IN: AccessRule = { kind: 'signed-in' };
const PMO: AccessRule = { kind: 'role', roles: ['pmo'] };
const FINANCE_OR_PMO: AccessRule = { kind: 'role', roles: ['finance', 'pmo'] };

/**
 * The rule of every route, by `METHOD /path` as the app's route table spells it (HEAD goes with
 * GET). A route missing here is refused to everyone, and the route-table test fails: a new route is
 * born with its rule.
 */
export const ROUTE_ACCESS: Readonly<Record<string, AccessRule>> = {
  'GET /assets/styles.css': PUBLIC,
  'GET /auth/login': PUBLIC,
  'GET /auth/callback': PUBLIC,
  'POST /auth/logout': PUBLIC,
  'GET /auth/signed-out': PUBLIC,

  'GET /': SIGNED_IN,
  'GET /proposals/new': SIGNED_IN,
  'POST /proposals': SIGNED_IN,
  'GET /proposals': SIGNED_IN,
  'GET /proposals/:id': SIGNED_IN,
  'GET /projects': SIGNED_IN,
  'GET /projects/:id': SIGNED_IN,
  'POST /projects/:id': SIGNED_IN,
  'GET /delegation': SIGNED_IN,
  'POST /delegation': SIGNED_IN,

  'GET /portfolio': SIGNED_IN,
  'GET /api/portfolio': SIGNED_IN,
  'GET /approvals': SIGNED_IN,
  'GET /api/approvals': SIGNED_IN,
  'GET /approvals/:id': LINK,
  'POST /approvals/:id': LINK,
  'GET /proposals/:id/withdraw': LINK,
  'POST /proposals/:id/withdraw': LINK,
  'GET /proposals/:id/revise': LINK,
  'POST /proposals/:id/revise': LINK,
  'GET /proposals/:id/restart': LINK,
  'POST /proposals/:id/restart': LINK,
  'GET /people/:email/delegation': LINK,
  'POST /people/:email/delegation': LINK,

  'GET /api/me': SIGNED_IN,
  'POST /api/proposals': SIGNED_IN,
  'GET /api/proposals': SIGNED_IN,
  'GET /api/proposals/:id': SIGNED_IN,
  'GET /api/projects': SIGNED_IN,
  'GET /api/projects/:id': SIGNED_IN,
  'PATCH /api/projects/:id': SIGNED_IN,
  'GET /api/projects/:id/history': SIGNED_IN,
  'GET /api/:collection/:id/history': SIGNED_IN,
  'POST /api/proposals/:id/withdraw': LINK,
  'POST /api/people/:email/delegation': LINK,

  'GET /people': PMO,
  'GET /people/new': PMO,
  'POST /people': PMO,
  'GET /people/:email': PMO,
  'POST /people/:email': PMO,
  'GET /api/people': PMO,
  'POST /api/people': PMO,
  'GET /api/people/:email': SIGNED_IN,
  'PATCH /api/people/:email': PMO,

  // Reports (issue 12): the PMO's definitions.
  'GET /reports': PMO,
  'GET /reports/:id': PMO,
  'POST /reports/:id/send': PMO,
  'GET /api/reports': PMO,
  'POST /api/reports': PMO,
  'GET /api/reports/:id': PMO,
  'PUT /api/reports/:id': PMO,
  'DELETE /api/reports/:id': PMO,
  'POST /api/reports/:id/send': PMO,
  'GET /api/reports/:id/runs': PMO,

  // Invoices (issue 11): finance and the PMO enter and list them; a project's manager reads its own.
  'GET /invoices': SIGNED_IN,
  'GET /invoices/new': FINANCE_OR_PMO,
  'POST /invoices': FINANCE_OR_PMO,
  'GET /invoices/:id': SIGNED_IN,
  'POST /api/invoices': FINANCE_OR_PMO,
  'GET /api/invoices': SIGNED_IN,
  'GET /api/invoices/:id': SIGNED_IN,
  'POST /api/invoices/:id/attachment-upload': FINANCE_OR_PMO,
  'PUT /api/invoices/:id/attachment': FINANCE_OR_PMO,
  'GET /api/invoices/:id/attachment': SIGNED_IN,
  'GET /invoices/:id/attachment': SIGNED_IN,
  'GET /invoices/:id/attachment-uploaded': FINANCE_OR_PMO,
  'PUT /api/purchase-orders/:number': FINANCE_OR_PMO,
  'GET /api/purchase-orders/:number': FINANCE_OR_PMO,

  // Working time (issue 10): leave, holiday calendars, work patterns.
  'GET /leave': SIGNED_IN,
  'POST /leave': SIGNED_IN,
  'POST /leave/:id/delete': SIGNED_IN,
  'GET /api/people/:email/leave': SIGNED_IN,
  'POST /api/people/:email/leave': SIGNED_IN,
  'DELETE /api/people/:email/leave/:id': SIGNED_IN,
  'GET /holiday-calendars': SIGNED_IN,
  'POST /holiday-calendars': PMO,
  'GET /holiday-calendars/:id': SIGNED_IN,
  'POST /holiday-calendars/:id': PMO,
  'GET /api/holiday-calendars': SIGNED_IN,
  'GET /api/holiday-calendars/:id': SIGNED_IN,
  'PUT /api/holiday-calendars/:id': PMO,

  // Timesheets (issue 10).
  'GET /timesheets': SIGNED_IN,
  'GET /timesheets/:weekStart': SIGNED_IN,
  'POST /timesheets/:weekStart': SIGNED_IN,
  'GET /timesheets/:email/:weekStart/link': LINK,
  'POST /timesheets/:email/:weekStart/link': LINK,
  'GET /api/timesheets/:email/:weekStart': SIGNED_IN,
  'PUT /api/timesheets/:email/:weekStart': SIGNED_IN,
  'POST /api/timesheets/:email/:weekStart/submit': SIGNED_IN,
  'POST /api/timesheets/:email/:weekStart/reopen': PMO,
  'POST /api/timesheets/:email/:weekStart/late-edits': SIGNED_IN,
  'GET /api/timesheet-edits/:id': SIGNED_IN,
};

/** The key of a route in {@link ROUTE_ACCESS}: `GET /proposals/:id`. */
export function routeKey(method: string, path: string): string {
  return `${method === 'HEAD' ? 'GET' : method} ${path}`;
}

/** A route as API Gateway and the app's route table both know it. */
export interface RouteRef {
  readonly method: string;
  readonly path: string;
}

/**
 * The JSON API routes reached by an emailed link's key rather than a bearer token: on AWS they are
 * the `/api/*` routes without the JWT authorizer.
 */
export const EMAILED_LINK_API_ROUTES: readonly RouteRef[] = Object.entries(ROUTE_ACCESS)
  .filter(([key, rule]) => rule.kind === 'link' && key.split(' ')[1]!.startsWith('/api/'))
  .map(([key]) => {
    const [method, path] = key.split(' ') as [string, string];
    return { method, path };
  });
