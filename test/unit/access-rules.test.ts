import { describe, expect, it } from 'vitest';
import { EMAILED_LINK_API_ROUTES, ROUTE_ACCESS, routeKey } from '#web/access-rules.ts';
import { createWebApp } from '#web/app.tsx';

/** Every `METHOD /path` the app answers, from its route table (middleware excluded). */
function answeredRoutes(): string[] {
  const app = createWebApp({ auth: { mode: 'off' } });
  return [...new Set(app.routes.filter((route) => route.method !== 'ALL' && !route.path.endsWith('*')).map((route) => routeKey(route.method, route.path)))].sort();
}

describe('route access rules', () => {
  it('give every route of the app a rule, so that a new route cannot be open by omission', () => {
    const missing = answeredRoutes().filter((key) => ROUTE_ACCESS[key] === undefined);

    expect(missing).toEqual([]);
  });

  it('name no route the app does not have', () => {
    const answered = new Set(answeredRoutes());

    const stale = Object.keys(ROUTE_ACCESS).filter((key) => !answered.has(key));

    expect(stale).toEqual([]);
  });

  it('leave open without sign-in only the stylesheet, the sign-in pages and the emailed links', () => {
    const open = Object.entries(ROUTE_ACCESS)
      .filter(([, rule]) => rule.kind === 'public')
      .map(([key]) => key)
      .sort();

    expect(open).toEqual(['GET /assets/styles.css', 'GET /auth/callback', 'GET /auth/login', 'GET /auth/signed-out', 'POST /auth/logout']);
  });

  it('list the JSON API routes an emailed link opens, for the AWS stack to leave without its JWT authorizer', () => {
    expect(EMAILED_LINK_API_ROUTES).toEqual([
      { method: 'POST', path: '/api/proposals/:id/withdraw' },
      { method: 'POST', path: '/api/people/:email/delegation' },
    ]);
  });
});
