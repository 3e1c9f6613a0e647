import { Hono } from 'hono';
import { isPmo } from '#domain/access.ts';
import { waitingApprovals } from '#services/approval-queries.ts';
import type { RouteOptions } from '../app.tsx';
import { ApprovalsPage } from '../pages/approvals-page.tsx';
import { viewerOf } from '../viewer.ts';

/** The approvals waiting for a decision: the page and its JSON. Mounted at the root. */
export function approvalsRoutes({ now }: RouteOptions) {
  const routes = new Hono();

  routes.get('/approvals', async (c) => {
    const viewer = viewerOf(c);
    return c.html(<ApprovalsPage approvals={await waitingApprovals(viewer, now())} all={viewer.kind === 'open' || isPmo(viewer)} />);
  });

  routes.get('/api/approvals', async (c) => c.json({ items: await waitingApprovals(viewerOf(c), now()) }));

  return routes;
}
