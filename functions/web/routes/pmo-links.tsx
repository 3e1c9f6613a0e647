import { Hono, type Context } from 'hono';
import { RESTARTABLE_STATUSES } from '#domain/proposal.ts';
import { restartAccess, restartReview, type RestartAccess } from '#services/restart-service.ts';
import type { RouteOptions } from '../app.tsx';
import { InvalidLinkPage } from '../pages/approval-page.tsx';
import { NotRestartablePage, RestartPage } from '../pages/pmo-pages.tsx';
import { acceptsAll, formSchema, LinkKeySchema, OptionalTextSchema, querySchema, validated } from './request-validation.ts';
import { noStore } from './responses.tsx';

const LinkQuerySchema = querySchema({ key: OptionalTextSchema });
const RestartFormSchema = formSchema(LinkKeySchema);

function invalidLink(c: Context, access: Exclude<RestartAccess, { kind: 'ok' }>) {
  return c.html(<InvalidLinkPage />, access.kind === 'not-found' ? 404 : 403);
}

/**
 * The pages the PMO's emailed restart link opens (`/proposals/:id/restart`): GET shows the
 * proposal and a button and changes nothing; the POST restarts its review. Mounted at `/proposals`.
 */
export function pmoLinks({ now }: RouteOptions) {
  const routes = new Hono();

  routes.get('/:id/restart', noStore, validated('query', LinkQuerySchema, acceptsAll), async (c) => {
    const secret = c.req.valid('query').key;
    const access = await restartAccess(c.req.param('id'), secret);
    if (access.kind !== 'ok') return invalidLink(c, access);
    if (!RESTARTABLE_STATUSES.includes(access.proposal.status)) return c.html(<NotRestartablePage proposal={access.proposal} />, 409);
    return c.html(<RestartPage proposal={access.proposal} secret={secret!} />);
  });

  routes.post('/:id/restart', noStore, validated('form', RestartFormSchema, acceptsAll), async (c) => {
    const result = await restartReview(c.req.param('id'), c.req.valid('form').key, now());
    switch (result.kind) {
      case 'not-found':
      case 'forbidden':
        return invalidLink(c, result);
      case 'not-restartable':
        return c.html(<NotRestartablePage proposal={result.proposal} />, 409);
      case 'restarted':
        return c.redirect(`/proposals/${encodeURIComponent(result.proposal.id)}`, 303);
    }
  });

  return routes;
}
