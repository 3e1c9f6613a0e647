import { Hono, type Context } from 'hono';
import * as z from 'zod';
import { DecisionInputSchema } from '#domain/approval.ts';
import { subjectLabel } from '#domain/subject.ts';
import { logger } from '#adapters/logger.ts';
import { decide, viewApproval, type ApprovalView } from '#services/review/deciding.ts';
import type { RouteOptions } from '../app.tsx';
import {
  AlreadyDecidedPage,
  ApprovalExpiredPage,
  ApprovalPage,
  DecisionRecordedPage,
  InvalidLinkPage,
  ReassignedPage,
  ReviewStoppedPage,
  SubjectWithdrawnPage,
  SupersededPage,
} from '../pages/approval-page.tsx';
import { acceptsAll, checkedFields, formText, OptionalTextSchema, pathParam, querySchema, validated, validatedFields } from './request-validation.ts';
import { noStore } from './responses.tsx';

const IntendedDecisionSchema = z.enum(['approve', 'reject']).optional().catch(undefined);

/** An approval link's query: its key, and the button of the email it came from (a preselection only). */
const ApprovalLinkQuerySchema = querySchema({ key: OptionalTextSchema, decision: IntendedDecisionSchema });

/** The approval page's form: the link's key, and the decision checked by the domain's schema. */
const DecisionForm = checkedFields((received) => {
  const text = formText(received);
  return { key: text.key, decision: text.decision, comment: text.comment };
}, DecisionInputSchema);

/** The page for an approval link that cannot decide (any state but open), with its status code. */
function closedApprovalPage(c: Context, view: Exclude<ApprovalView, { kind: 'open' }>): Response | Promise<Response> {
  switch (view.kind) {
    case 'not-found':
      return c.html(<InvalidLinkPage />, 404);
    case 'forbidden':
      return c.html(<InvalidLinkPage />, 403);
    case 'decided':
      return c.html(<AlreadyDecidedPage approval={view.approval} subject={view.subject.view} />, 409);
    case 'reassigned':
      return c.html(<ReassignedPage subject={view.subject.view} state={view.state as Extract<typeof view.state, { kind: 'reassigned' }>} />, 409);
    case 'superseded':
      return c.html(<SupersededPage subject={view.subject.view} />, 409);
    case 'expired':
      return c.html(<ApprovalExpiredPage approval={view.approval} subject={view.subject.view} />, 410);
    case 'withdrawn':
      return c.html(<SubjectWithdrawnPage subject={view.subject.view} />, 410);
    case 'cancelled':
      return c.html(<ReviewStoppedPage subject={view.subject.view} />, 410);
  }
  throw new Error('An open approval link has no closed page');
}

/**
 * The pages an approver's emailed link opens (`/approvals/:id`), for any subject of review: GET
 * shows the subject and the buttons and changes nothing; only the POST from a button decides.
 * Mounted at `/approvals`.
 */
export function approvalLinks({ now }: RouteOptions) {
  const routes = new Hono();

  routes.get(
    '/:id',
    noStore,
    validated('query', ApprovalLinkQuerySchema, acceptsAll),
    async (c) => {
      const { key: secret, decision: intended } = c.req.valid('query');
      const view = await viewApproval(c.req.param('id'), secret, now());
      if (view.kind !== 'open') return closedApprovalPage(c, view);
      return c.html(
        <ApprovalPage approval={view.approval} subject={view.subject.view} earlier={view.earlier} secret={secret!} {...(intended ? { intended } : {})} />,
      );
    },
  );

  routes.post(
    '/:id',
    noStore,
    validatedFields('form', DecisionForm, async (c, issues, fields) => {
      const view = await viewApproval(pathParam(c, 'id'), fields.key, now());
      if (view.kind !== 'open') return closedApprovalPage(c, view);
      const intended = IntendedDecisionSchema.parse(fields.decision);
      return c.html(
        <ApprovalPage
          approval={view.approval}
          subject={view.subject.view}
          earlier={view.earlier}
          secret={fields.key!}
          {...(intended ? { intended } : {})}
          {...(fields.comment !== undefined ? { comment: fields.comment } : {})}
          error={issues[0]!.message}
        />,
        400,
      );
    }),
    async (c) => {
      const { fields, input } = c.req.valid('form');
      const result = await decide(c.req.param('id'), fields.key, input, now());
      if (result.kind === 'recorded') {
        logger.info('Decision recorded', { subject: subjectLabel(result.approval.subject), reviewLevel: result.approval.level, decision: result.decision.decision });
        return c.html(<DecisionRecordedPage approval={result.approval} subject={result.subject.view} decision={result.decision.decision} />);
      }
      if (result.kind === 'open') throw new Error('A decision left its approval open');
      return closedApprovalPage(c, result);
    },
  );

  return routes;
}
