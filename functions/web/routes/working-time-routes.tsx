import { Hono } from 'hono';
import type { RouteOptions } from '../app.tsx';

/** Working time: leave, holiday calendars and work patterns (pages and JSON API). Mounted at the root. */
export function workingTimeRoutes(_options: RouteOptions) {
  const routes = new Hono();
  return routes;
}
