import { Hono } from 'hono';
import * as z from 'zod';
import { REPORT_ID_PATTERN } from '#domain/report-definition.ts';
import { getReportDefinition, listReportDefinitions, listReportRuns, sendReportNow } from '#services/report-definitions.ts';
import type { RouteOptions } from '../app.tsx';
import { ReportListPage, ReportNotFoundPage, ReportPage } from '../pages/report-pages.tsx';
import { viewerOf } from '../viewer.ts';
import { validated } from './request-validation.ts';

const IdParamSchema = z.object({ id: z.string().regex(REPORT_ID_PATTERN) });

/** The PMO's report pages: the list, one report with its runs, and "Send now". Mounted at the root. */
export function reportRoutes({ now }: RouteOptions) {
  const routes = new Hono();
  const notFound = validated('param', IdParamSchema, (c) => c.html(<ReportNotFoundPage />, 404));

  routes.get('/reports', async (c) => c.html(<ReportListPage definitions={await listReportDefinitions(now())} />));

  routes.get('/reports/:id', notFound, async (c) => {
    const { id } = c.req.valid('param');
    const definition = await getReportDefinition(id);
    if (!definition) return c.html(<ReportNotFoundPage />, 404);
    const runs = await listReportRuns(id, { limit: 20 });
    return c.html(<ReportPage definition={definition} runs={runs.kind === 'ok' ? runs.page.items : []} {...(c.req.query('sent') === '1' ? { notice: 'Sent: each recipient gets their copy in a moment; the run appears below.' } : {})} />);
  });

  routes.post('/reports/:id/send', notFound, async (c) => {
    const { id } = c.req.valid('param');
    const viewer = viewerOf(c);
    const runId = await sendReportNow(id, viewer.kind === 'person' ? viewer.email : undefined, now());
    return runId ? c.redirect(`/reports/${id}?sent=1`, 303) : c.html(<ReportNotFoundPage />, 404);
  });

  return routes;
}
