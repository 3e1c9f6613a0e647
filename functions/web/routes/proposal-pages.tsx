import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { submitProposal } from '#services/intake-service.ts';
import { isPmo, type Viewer } from '#domain/access.ts';
import { type ProposalScope, portfolioPage, proposalWithReview, supportedProposalCurrencies } from '#services/proposal-queries.ts';
import { mayReadProposal } from '#services/record-access.ts';
import type { RouteOptions } from '../app.tsx';
import { issuesByField, readForm } from '../form-mapping.ts';
import { MessagePage } from '../pages/layout.tsx';
import { IntakeFormPage, newProposalMode } from '../pages/intake-form.tsx';
import { ProposalListPage } from '../pages/proposal-list-page.tsx';
import { ProposalPage } from '../pages/proposal-page.tsx';
import { inRequestOrder, summariseApproval } from '../proposal-view.ts';
import { formIdempotencyKey, keySpaceOf, ListQuerySchema, ProposalIdParamSchema, proposalForm } from './proposal-requests.ts';
import { acceptsAll, formText, OptionalTextSchema, querySchema, validated, validatedFields } from './request-validation.ts';
import { notFoundPage } from './responses.tsx';
import { submitterFromViewer } from './submitter-identity.ts';
import { viewerOf } from '../viewer.ts';

/** The lists a reader can switch between: the PMO's whole portfolio first. */
function scopesFor(viewer: Viewer): ProposalScope[] {
  return isPmo(viewer) ? ['all', 'mine', 'to-decide', 'team'] : ['mine', 'to-decide', 'team'];
}

const ProposalPageQuerySchema = querySchema({ submitted: OptionalTextSchema });

/**
 * The proposal pages: the home page, the intake form and its submission, the list and a
 * proposal's own page. Mounted at the root.
 */
export function proposalPages({ now }: RouteOptions) {
  const routes = new Hono();
  const currencies = supportedProposalCurrencies();
  const intakeForm = proposalForm(currencies);

  routes.get('/', async (c) => {
    const viewer = viewerOf(c);
    const page = await portfolioPage(viewer, { limit: 10 });
    if (page.kind !== 'page') throw new Error(`The home page's own list was refused: ${page.kind}`);
    return c.html(<ProposalListPage entries={page.items} now={now()} scope={page.scope} scopes={scopesFor(viewer)} {...(page.nextCursor ? { nextCursor: page.nextCursor } : {})} />);
  });

  routes.get('/proposals/new', (c) => c.html(<IntakeFormPage values={{}} errors={{}} mode={newProposalMode(randomUUID())} currencies={currencies} />));

  routes.post(
    '/proposals',
    submitterFromViewer('form', {
      notOnBehalf: (c) => c.html(<MessagePage title="Not possible" tone="bad"><p>Only the PMO may submit a proposal on someone else’s behalf.</p></MessagePage>, 403),
      invalid: async (c, issues) => {
        const values = readForm(formText(await c.req.parseBody()));
        return c.html(<IntakeFormPage values={values} errors={issuesByField(issues, values)} mode={newProposalMode(formIdempotencyKey(values))} currencies={currencies} />, 400);
      },
    }),
    validatedFields('form', intakeForm, (c, issues, { values }) =>
      c.html(<IntakeFormPage values={values} errors={issuesByField(issues, values)} mode={newProposalMode(formIdempotencyKey(values))} currencies={currencies} />, 400),
    ),
    async (c) => {
      const { fields, input } = c.req.valid('form');
      let result = await submitProposal(input, `form:${keySpaceOf(viewerOf(c))}${formIdempotencyKey(fields.values)}`, now());
      // The same form sent again with other values (edited after going back) is a new submission.
      if (result.kind === 'key-reused') result = await submitProposal(input, undefined, now());
      if (result.kind === 'key-reused') throw new Error('A submission without a key cannot reuse one');
      return c.redirect(`/proposals/${result.proposal.id}?submitted=1`, 303);
    },
  );

  routes.get(
    '/proposals',
    validated('query', ListQuerySchema, (c) => c.redirect('/proposals', 303)),
    async (c) => {
      const query = c.req.valid('query');
      const viewer = viewerOf(c);
      const listing = await portfolioPage(viewer, query);
      if (listing.kind !== 'page') return c.redirect('/proposals', 303);
      return c.html(
        <ProposalListPage
          entries={listing.items}
          now={now()}
          scope={listing.scope}
          scopes={scopesFor(viewer)}
          {...(query.status ? { status: query.status } : {})}
          {...(listing.nextCursor ? { nextCursor: listing.nextCursor } : {})}
        />,
      );
    },
  );

  routes.get(
    '/proposals/:id',
    validated('param', ProposalIdParamSchema, (c) => notFoundPage(c)),
    validated('query', ProposalPageQuerySchema, acceptsAll),
    async (c) => {
      const found = await proposalWithReview(c.req.valid('param').id);
      if (!found || !(await mayReadProposal(viewerOf(c), found.proposal, found.approvals))) return notFoundPage(c);
      return c.html(
        <ProposalPage
          proposal={found.proposal}
          approvals={inRequestOrder(found.approvals).map(summariseApproval)}
          history={found.history}
          justSubmitted={c.req.valid('query').submitted === '1'}
        />,
      );
    },
  );

  return routes;
}
