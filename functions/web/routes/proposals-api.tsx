import { Hono } from 'hono';
import * as z from 'zod';
import { submitProposal } from '#services/intake-service.ts';
import { listProposals, proposalApprovals, proposalWithApprovals, supportedProposalCurrencies } from '#services/proposal-queries.ts';
import { mayReadProposal } from '#services/record-access.ts';
import { withdrawProposal } from '#services/submitter-service.ts';
import type { RouteOptions } from '../app.tsx';
import { proposalResource, publicProposal } from '../proposal-view.ts';
import { acceptedProposalSchema, IdempotencyKeySchema, keySpaceOf, ListQuerySchema, ProposalIdParamSchema } from './proposal-requests.ts';
import { acceptsAll, jsonBody, jsonMediaType, LinkKeySchema, validated } from './request-validation.ts';
import { proposalNotFound, validationProblem } from './responses.tsx';
import { submitterFromViewer } from './submitter-identity.ts';
import { viewerOf } from '../viewer.ts';

/** The header that makes a retried submission safe; its issues are reported under its own name. */
const SubmissionHeadersSchema = z.object({ 'Idempotency-Key': IdempotencyKeySchema.optional() });

/**
 * The proposals JSON API: submit, list, read one with its approvals, and withdraw (its history is
 * the audit trail route every subject shares, history-api.tsx)
 * with the submitter's key. Mounted at `/api/proposals`.
 */
export function proposalsApi({ now }: RouteOptions) {
  const routes = new Hono();
  const proposalBodySchema = acceptedProposalSchema(supportedProposalCurrencies());

  routes.post(
    '/',
    jsonMediaType((c) => c.json({ error: 'UnsupportedMediaType', message: 'Send the proposal as application/json' }, 415)),
    validated('header', SubmissionHeadersSchema, validationProblem),
    jsonBody((c) => c.json({ error: 'MalformedJson', message: 'The body is not valid JSON' }, 400), { objectOnly: false }),
    submitterFromViewer('json', {
      notOnBehalf: (c) => c.json({ error: 'Forbidden', message: 'Only the PMO may submit on someone’s behalf: leave out submitter to submit as yourself' }, 403),
      invalid: validationProblem,
    }),
    validated('json', proposalBodySchema, validationProblem),
    async (c) => {
      const key = c.req.valid('header')['Idempotency-Key'];
      // The API's keys live in their own space, and each person's in theirs: a client's key can never
      // replay a form submission, nor one person's key block or reveal another's.
      const result = await submitProposal(c.req.valid('json'), key === undefined ? undefined : `api:${keySpaceOf(viewerOf(c))}${key}`, now());
      if (result.kind === 'key-reused') {
        return c.json({ error: 'IdempotencyKeyReused', message: 'This Idempotency-Key was used with a different proposal' }, 422);
      }
      c.header('Location', `/api/proposals/${result.proposal.id}`);
      if (result.kind === 'replayed') c.header('Idempotent-Replayed', 'true');
      const approvals = result.kind === 'replayed' ? await proposalApprovals(result.proposal.id) : [];
      return c.json(proposalResource(result.proposal, approvals), result.kind === 'created' ? 201 : 200);
    },
  );

  routes.get('/', validated('query', ListQuerySchema, validationProblem), async (c) => {
    const listing = await listProposals(viewerOf(c), c.req.valid('query'));
    if (listing.kind === 'invalid-cursor') return validationProblem(c, [{ path: 'cursor', message: listing.message }]);
    if (listing.kind === 'scope-forbidden') return c.json({ error: 'Forbidden', message: listing.message }, 403);
    return c.json({ scope: listing.scope, items: listing.items.map(publicProposal), ...(listing.nextCursor ? { nextCursor: listing.nextCursor } : {}) });
  });

  routes.get('/:id', validated('param', ProposalIdParamSchema, (c) => proposalNotFound(c)), async (c) => {
    const found = await proposalWithApprovals(c.req.valid('param').id);
    if (!found || !(await mayReadProposal(viewerOf(c), found.proposal, found.approvals))) return proposalNotFound(c);
    return c.json(proposalResource(found.proposal, found.approvals));
  });

  routes.post(
    '/:id/withdraw',
    jsonBody((c) => c.json({ error: 'MalformedJson', message: 'Send a JSON object with the key from your email' }, 400), { objectOnly: true }),
    validated('json', LinkKeySchema, acceptsAll),
    async (c) => {
      const result = await withdrawProposal(c.req.param('id'), c.req.valid('json').key, now());
      switch (result.kind) {
        case 'not-found':
          return proposalNotFound(c);
        case 'forbidden':
          return c.json({ error: 'Forbidden', message: 'The key does not open this proposal' }, 403);
        case 'not-withdrawable':
          return c.json(
            {
              error: 'Conflict',
              message: ['SUBMITTED', 'IN_REVIEW'].includes(result.proposal.status)
                ? 'A decision has just ended the review: the proposal can no longer be withdrawn'
                : `The proposal is ${result.proposal.status} and can no longer be withdrawn`,
            },
            409,
          );
        case 'withdrawn':
          return c.json(publicProposal(result.proposal));
      }
    },
  );

  return routes;
}
