import { Hono } from 'hono';
import * as z from 'zod';
import { auditTrail } from '#services/review/audit-trail.ts';
import { viewerOf } from '../viewer.ts';
import { validated } from './request-validation.ts';

/** A collection and an id from the path, bounded before any read: ids are at most 128 plain characters. */
const HistoryParamSchema = z.object({
  collection: z.string().regex(/^[a-z][a-z-]{1,40}$/),
  id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/),
});

/**
 * `GET /api/<collection>/:id/history`: the audit trail of any subject a process registered with
 * the review engine (proposals now; each later process's collection without a new route).
 */
export function historyApi(): Hono {
  const routes = new Hono();
  const notFound = (c: { json: (body: unknown, status: 404) => Response }) => c.json({ error: 'NotFound', message: 'No such resource' }, 404);
  routes.get('/:collection/:id/history', validated('param', HistoryParamSchema, notFound), async (c) => {
    const { collection, id } = c.req.valid('param');
    const trail = await auditTrail(viewerOf(c), collection, id);
    switch (trail.kind) {
      case 'unknown-collection':
        return notFound(c);
      case 'not-found':
        return c.json({ error: 'NotFound', message: `No ${trail.noun} has this id` }, 404);
      case 'found':
        return c.json({ items: trail.items });
    }
  });
  return routes;
}
