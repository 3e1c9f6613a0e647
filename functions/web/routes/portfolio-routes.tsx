import { Hono } from 'hono';
import * as z from 'zod';
import { PROJECT_SORTS } from '#domain/kpi.ts';
import { PROJECT_STATUSES } from '#domain/project.ts';
import { portfolioFor } from '#services/report-service.ts';
import type { RouteOptions } from '../app.tsx';
import { PortfolioPage } from '../pages/portfolio-page.tsx';
import { viewerOf } from '../viewer.ts';
import { acceptsAll, validated } from './request-validation.ts';

const SORTS = Object.keys(PROJECT_SORTS) as (keyof typeof PROJECT_SORTS)[];

/** The page's filters: anything unknown is simply not applied. */
const FiltersSchema = z.object({
  status: z.enum(PROJECT_STATUSES).optional().catch(undefined),
  rag: z.enum(['red', 'amber', 'green']).optional().catch(undefined),
  department: z.string().max(100).optional().catch(undefined),
  sort: z.enum(SORTS as [keyof typeof PROJECT_SORTS, ...(keyof typeof PROJECT_SORTS)[]]).default('rag').catch('rag'),
});

/** The portfolio page and its JSON, scoped to what the reader may read. Mounted at the root. */
export function portfolioRoutes({ now }: RouteOptions) {
  const routes = new Hono();

  routes.get('/portfolio', validated('query', FiltersSchema, acceptsAll), async (c) => {
    const filters = c.req.valid('query');
    const projects = await portfolioFor(viewerOf(c), now());
    const shown = projects
      .filter((project) => (!filters.status || project.status === filters.status) && (!filters.rag || project.rag === filters.rag) && (!filters.department || project.department === filters.department))
      .sort(PROJECT_SORTS[filters.sort]);
    const departments = [...new Set(projects.map((project) => project.department))].sort();
    return c.html(<PortfolioPage projects={projects} shown={shown} filters={{ ...filters, ...(filters.department ? { department: filters.department } : {}) }} departments={departments} />);
  });

  routes.get('/api/portfolio', async (c) => {
    const projects = await portfolioFor(viewerOf(c), now());
    return c.json({ items: projects.sort(PROJECT_SORTS.rag) });
  });

  return routes;
}
