import { Hono } from 'hono';
import * as z from 'zod';
import { ReportDefinitionInputSchema, REPORT_ID_PATTERN } from '#domain/report-definition.ts';
import {
  createReportDefinition,
  deleteReportDefinition,
  getReportDefinition,
  listReportDefinitions,
  listReportRuns,
  sendReportNow,
  updateReportDefinition,
} from '#services/report-definitions.ts';
import type { RouteOptions } from '../app.tsx';
import { viewerOf } from '../viewer.ts';
import { validated } from './request-validation.ts';
import { validationProblem } from './responses.tsx';

const NOT_FOUND = { error: 'NotFound', message: 'No report definition has this id' } as const;
const IdParamSchema = z.object({ id: z.string().regex(REPORT_ID_PATTERN) });
const VersionQuerySchema = z.object({ version: z.coerce.number().int().min(1).optional() }).catch({});
const RunsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20).catch(20), cursor: z.string().max(2048).optional() });

function issuesOf(error: z.ZodError) {
  return error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

async function jsonOf(request: Request): Promise<{ ok: true; body: unknown } | { ok: false }> {
  try {
    return { ok: true, body: await request.json() };
  } catch {
    return { ok: false };
  }
}

/**
 * Report definitions (the PMO's): list, create, read, change (over the version read), delete,
 * send now, and the runs of one. Mounted at `/api/reports`.
 */
export function reportsApi({ now }: RouteOptions) {
  const routes = new Hono();

  routes.get('/', async (c) => c.json({ items: await listReportDefinitions(now()) }));

  routes.post('/', async (c) => {
    const read = await jsonOf(c.req.raw);
    if (!read.ok) return c.json({ error: 'MalformedJson', message: 'The body is not valid JSON' }, 400);
    const parsed = ReportDefinitionInputSchema.safeParse(read.body);
    if (!parsed.success) return validationProblem(c, issuesOf(parsed.error));
    const definition = await createReportDefinition(parsed.data, now());
    return c.json(definition, 201, { Location: `/api/reports/${definition.id}` });
  });

  routes.get('/:id', validated('param', IdParamSchema, (c) => c.json(NOT_FOUND, 404)), async (c) => {
    const definition = await getReportDefinition(c.req.valid('param').id);
    return definition ? c.json(definition) : c.json(NOT_FOUND, 404);
  });

  routes.put('/:id', validated('param', IdParamSchema, (c) => c.json(NOT_FOUND, 404)), validated('query', VersionQuerySchema, validationProblem), async (c) => {
    const read = await jsonOf(c.req.raw);
    if (!read.ok) return c.json({ error: 'MalformedJson', message: 'The body is not valid JSON' }, 400);
    const parsed = ReportDefinitionInputSchema.safeParse(read.body);
    if (!parsed.success) return validationProblem(c, issuesOf(parsed.error));
    const change = await updateReportDefinition(c.req.valid('param').id, parsed.data, c.req.valid('query').version, now());
    switch (change.kind) {
      case 'not-found':
        return c.json(NOT_FOUND, 404);
      case 'conflict':
        return c.json({ error: 'Conflict', message: 'The definition changed since you read it: read it again', current: change.current }, 409);
      case 'updated':
        return c.json(change.definition);
    }
  });

  routes.delete('/:id', validated('param', IdParamSchema, (c) => c.json(NOT_FOUND, 404)), validated('query', VersionQuerySchema, validationProblem), async (c) => {
    const result = await deleteReportDefinition(c.req.valid('param').id, c.req.valid('query').version);
    if (result === 'not-found') return c.json(NOT_FOUND, 404);
    if (result === 'conflict') return c.json({ error: 'Conflict', message: 'The definition changed since you read it: read it again' }, 409);
    return c.body(null, 204);
  });

  routes.post('/:id/send', validated('param', IdParamSchema, (c) => c.json(NOT_FOUND, 404)), async (c) => {
    const viewer = viewerOf(c);
    const runId = await sendReportNow(c.req.valid('param').id, viewer.kind === 'person' ? viewer.email : undefined, now());
    return runId ? c.json({ runId, runs: `/api/reports/${c.req.valid('param').id}/runs` }, 202) : c.json(NOT_FOUND, 404);
  });

  routes.get('/:id/runs', validated('param', IdParamSchema, (c) => c.json(NOT_FOUND, 404)), validated('query', RunsQuerySchema, validationProblem), async (c) => {
    const { id } = c.req.valid('param');
    if (!(await getReportDefinition(id))) return c.json(NOT_FOUND, 404);
    const listing = await listReportRuns(id, c.req.valid('query'));
    if (listing.kind === 'invalid') return validationProblem(c, [{ path: 'cursor', message: 'The cursor is not valid for this listing' }]);
    return c.json(listing.page);
  });

  return routes;
}
