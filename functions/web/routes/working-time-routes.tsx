import { Hono } from 'hono';
import type { RouteOptions } from '../app.tsx';
import { holidayCalendarRoutes } from './holiday-calendar-routes.tsx';
import { leaveRoutes } from './leave-routes.tsx';

/** Working time: leave, holiday calendars and work patterns (pages and JSON API). Mounted at the root. */
export function workingTimeRoutes(options: RouteOptions) {
  const routes = new Hono();
  routes.route('/', leaveRoutes(options));
  routes.route('/', holidayCalendarRoutes(options));
  return routes;
}
