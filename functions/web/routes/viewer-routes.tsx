import { Hono } from 'hono';
import { viewerOf } from '../viewer.ts';

/** `GET /api/me`: who the bearer token signs in, and what they may do. Mounted at `/api`. */
export function viewerRoutes() {
  const routes = new Hono();

  routes.get('/me', (c) => {
    const viewer = viewerOf(c);
    if (viewer.kind === 'open') return c.json({ signIn: 'off', access: ['pmo', 'finance'] });
    const { person } = viewer;
    return c.json({
      email: person.email,
      name: person.name,
      ...(person.department ? { department: person.department } : {}),
      ...(person.managerEmail ? { managerEmail: person.managerEmail } : {}),
      roles: person.roles,
      access: [...viewer.access].sort(),
    });
  });

  return routes;
}
