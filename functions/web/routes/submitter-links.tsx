import { Hono, type Context } from 'hono';
import { WITHDRAWABLE_STATUSES, type Proposal } from '#domain/proposal.ts';
import { supportedProposalCurrencies } from '#services/proposal-queries.ts';
import { resubmitProposal, submitterAccess, withdrawProposal, type SubmitterAccess } from '#services/submitter-service.ts';
import type { RouteOptions } from '../app.tsx';
import { issuesByField, type FormValues } from '../form-mapping.ts';
import { InvalidLinkPage } from '../pages/approval-page.tsx';
import { IntakeFormPage, type ProposalFormMode } from '../pages/intake-form.tsx';
import { NotPossiblePage, WithdrawnPage, WithdrawPage } from '../pages/submitter-pages.tsx';
import { proposalForm } from './proposal-requests.ts';
import { acceptsAll, formSchema, LinkKeySchema, OptionalTextSchema, pathParam, querySchema, validated, validatedFields } from './request-validation.ts';
import { noStore } from './responses.tsx';

const LinkQuerySchema = querySchema({ key: OptionalTextSchema });

/** The withdraw button's form: only the link's key. */
const WithdrawFormSchema = formSchema(LinkKeySchema);

/** The values of the proposal form for a stored proposal (the revise form starts from them). */
function formValuesOf(proposal: Proposal): FormValues {
  return {
    title: proposal.title,
    description: proposal.description,
    submitterName: proposal.submitter.name,
    submitterEmail: proposal.submitter.email,
    department: proposal.department,
    amount: String(proposal.estimatedCost.amount),
    currency: proposal.estimatedCost.currency,
    startDate: proposal.startDate,
    endDate: proposal.endDate,
    strategicAlignment: String(proposal.criteria.strategicAlignment),
    businessValue: String(proposal.criteria.businessValue),
    risk: String(proposal.criteria.risk),
    urgency: String(proposal.criteria.urgency),
  };
}

function reviseMode(proposal: Proposal, secret: string): ProposalFormMode {
  return {
    heading: `Revise “${proposal.title}”`,
    introduction: 'Change what the approvers asked about and resubmit. The proposal keeps its history and goes through review again.',
    action: `/proposals/${encodeURIComponent(proposal.id)}/revise`,
    submitLabel: 'Resubmit proposal',
    hidden: { key: secret },
    fixedSubmitter: proposal.submitter,
  };
}

/** The page for a submitter link whose key does not open the proposal. */
function invalidLink(c: Context, access: Exclude<SubmitterAccess, { kind: 'ok' }>) {
  return c.html(<InvalidLinkPage />, access.kind === 'not-found' ? 404 : 403);
}

/**
 * The pages the submitter's emailed links open: withdraw a proposal in review, and revise and
 * resubmit a rejected one. Mounted at `/proposals`.
 */
export function submitterLinks({ now }: RouteOptions) {
  const routes = new Hono();
  const currencies = supportedProposalCurrencies();
  const reviseForm = proposalForm(currencies);

  routes.get(
    '/:id/withdraw',
    noStore,
    validated('query', LinkQuerySchema, acceptsAll),
    async (c) => {
      const secret = c.req.valid('query').key;
      const access = await submitterAccess(c.req.param('id'), secret, 'withdraw');
      if (access.kind !== 'ok') return invalidLink(c, access);
      if (access.proposal.status === 'WITHDRAWN') return c.html(<WithdrawnPage proposal={access.proposal} />);
      if (!WITHDRAWABLE_STATUSES.includes(access.proposal.status)) return c.html(<NotPossiblePage proposal={access.proposal} what="withdrawn" />, 409);
      return c.html(<WithdrawPage proposal={access.proposal} secret={secret!} />);
    },
  );

  routes.post(
    '/:id/withdraw',
    noStore,
    validated('form', WithdrawFormSchema, acceptsAll),
    async (c) => {
      const result = await withdrawProposal(c.req.param('id'), c.req.valid('form').key, now());
      switch (result.kind) {
        case 'not-found':
          return c.html(<InvalidLinkPage />, 404);
        case 'forbidden':
          return c.html(<InvalidLinkPage />, 403);
        case 'not-withdrawable':
          return c.html(<NotPossiblePage proposal={result.proposal} what="withdrawn" />, 409);
        case 'withdrawn':
          return c.html(<WithdrawnPage proposal={result.proposal} approversTold={result.approversTold ?? 0} />);
      }
    },
  );

  routes.get(
    '/:id/revise',
    noStore,
    validated('query', LinkQuerySchema, acceptsAll),
    async (c) => {
      const secret = c.req.valid('query').key;
      const access = await submitterAccess(c.req.param('id'), secret, 'revise');
      if (access.kind !== 'ok') return invalidLink(c, access);
      if (access.proposal.status !== 'REJECTED') return c.html(<NotPossiblePage proposal={access.proposal} what="revised" />, 409);
      return c.html(<IntakeFormPage values={formValuesOf(access.proposal)} errors={{}} mode={reviseMode(access.proposal, secret!)} currencies={currencies} />);
    },
  );

  // The form shown again names the proposal: the key is checked first, whether or not the fields are valid.
  routes.post(
    '/:id/revise',
    noStore,
    validatedFields('form', reviseForm, async (c, issues, { values, key }) => {
      const access = await submitterAccess(pathParam(c, 'id'), key, 'revise');
      if (access.kind !== 'ok') return invalidLink(c, access);
      return c.html(<IntakeFormPage values={values} errors={issuesByField(issues, values)} mode={reviseMode(access.proposal, key!)} currencies={currencies} />, 400);
    }),
    async (c) => {
      const { fields, input } = c.req.valid('form');
      const access = await submitterAccess(c.req.param('id'), fields.key, 'revise');
      if (access.kind !== 'ok') return invalidLink(c, access);
      const result = await resubmitProposal(access.proposal, input, now());
      switch (result.kind) {
        case 'not-rejected':
          return c.html(<NotPossiblePage proposal={result.proposal} what="revised" />, 409);
        case 'resubmitted':
          return c.redirect(`/proposals/${result.proposal.id}?submitted=1`, 303);
      }
    },
  );

  return routes;
}
