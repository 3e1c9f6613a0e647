import { Hono } from 'hono';
import type { RouteOptions } from '../app.tsx';

/** Timesheets: the week page, its emailed link, and the JSON API. Mounted at the root. */
export function timesheetRoutes(_options: RouteOptions) {
  const routes = new Hono();
  return routes;
}
