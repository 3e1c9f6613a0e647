import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import * as z from 'zod';
import { supportedCurrencies } from '#domain/approval-policy.ts';
import { DecisionInputSchema } from '#domain/approval.ts';
import { DelegationInputSchema } from '#domain/delegation.ts';
import { ProposalInputSchema, ProposalStatusSchema, type Proposal, type ProposalInput } from '#domain/proposal.ts';
import { approvalPolicy } from '#adapters/approval-policy-source.ts';
import { delegationRepository } from '#adapters/delegation-repository.ts';
import { approvalRepository } from '#adapters/approval-repository.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';
import { InvalidCursorError } from '#adapters/table-keys.ts';
import { logger } from '#adapters/logger.ts';
import { decide, viewApproval, type ApprovalView } from '#services/approval-service.ts';
import { openDelegation, requestDelegationAccess, saveDelegation } from '#services/delegation-service.ts';
import { submitProposal } from '#services/intake-service.ts';
import { resubmitProposal, submitterAccess, withdrawProposal } from '#services/submitter-service.ts';
import { formToInput, issuesByField, readForm, toFieldIssues, type FieldIssue, type FormValues } from './form-mapping.ts';
import {
  AlreadyDecidedPage,
  ApprovalExpiredPage,
  ApprovalPage,
  DecisionRecordedPage,
  InvalidLinkPage,
  ProposalWithdrawnPage,
  ReassignedPage,
  SupersededPage,
} from './pages/approval-page.tsx';
import { DelegationLinkSentPage, DelegationPage, DelegationRequestPage } from './pages/delegation-pages.tsx';
import { IntakeFormPage, newProposalMode, type ProposalFormMode } from './pages/intake-form.tsx';
import { NotPossiblePage, WithdrawnPage, WithdrawPage } from './pages/submitter-pages.tsx';
import { MessagePage } from './pages/layout.tsx';
import { ProposalListPage } from './pages/proposal-list-page.tsx';
import { ProposalPage } from './pages/proposal-page.tsx';
import { inRequestOrder, proposalResource, publicProposal, summariseApproval } from './proposal-view.ts';
import { STYLESHEET } from './styles.ts';

/** The largest request body accepted: a proposal is a few kilobytes. */
export const MAX_BODY_BYTES = 64 * 1024;

const IdSchema = z.uuid();
const IdempotencyKeySchema = z.string().regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'Use 8 to 128 letters, digits or _ . : -');
const ListQuerySchema = z.object({
  status: ProposalStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(2048).optional(),
});

/** Things the app takes from outside, so tests can set the clock. */
export interface WebAppOptions {
  readonly now?: () => Date;
}

/** A proposal by an id from a URL; anything that is not a proposal id finds nothing. */
async function findProposal(id: string): Promise<Proposal | undefined> {
  return IdSchema.safeParse(id).success ? proposalRepository.get(id) : undefined;
}

function validationProblem(c: Context, issues: FieldIssue[]) {
  return c.json({ error: 'ValidationError', message: 'The request has invalid fields', issues }, 400);
}

function isApi(c: Context): boolean {
  return c.req.path.startsWith('/api/');
}

/**
 * Validates a proposal: the schema, then what only the approval policy knows (which currencies it
 * can convert to compare with its thresholds).
 */
function validateProposal(raw: unknown): { ok: true; input: ProposalInput } | { ok: false; issues: FieldIssue[] } {
  const parsed = ProposalInputSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, issues: toFieldIssues(parsed.error) };
  const currencies = supportedCurrencies(approvalPolicy);
  if (!currencies.includes(parsed.data.estimatedCost.currency)) {
    return { ok: false, issues: [{ path: 'estimatedCost.currency', message: `Use one of the currencies the PMO accepts: ${currencies.join(', ')}` }] };
  }
  return { ok: true, input: parsed.data };
}

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
  };
}

/** The page for an approval link that cannot decide (any state but open), with its status code. */
function closedApprovalPage(c: Context, view: Exclude<ApprovalView, { kind: 'open' }>) {
  switch (view.kind) {
    case 'not-found':
      return c.html(<InvalidLinkPage />, 404);
    case 'forbidden':
      return c.html(<InvalidLinkPage />, 403);
    case 'decided':
      return c.html(<AlreadyDecidedPage approval={view.approval} proposal={view.proposal} />, 409);
    case 'reassigned':
      return c.html(<ReassignedPage proposal={view.proposal} state={view.state as Extract<typeof view.state, { kind: 'reassigned' }>} />, 409);
    case 'superseded':
      return c.html(<SupersededPage proposal={view.proposal} />, 409);
    case 'expired':
      return c.html(<ApprovalExpiredPage approval={view.approval} proposal={view.proposal} />, 410);
    case 'withdrawn':
      return c.html(<ProposalWithdrawnPage proposal={view.proposal} />, 410);
  }
}

/**
 * The web app: the intake form, proposal and approval pages, and the JSON API. One Hono app
 * serves both runtimes: behind API Gateway through the Lambda adapter, and on Node locally.
 */
export function createWebApp(options: WebAppOptions = {}) {
  const now = options.now ?? (() => new Date());
  const app = new Hono();

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      // Approval links carry their secret in the query string: never pass the URL on.
      referrerPolicy: 'no-referrer',
    }),
  );
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        isApi(c)
          ? c.json({ error: 'PayloadTooLarge', message: `The body exceeds ${MAX_BODY_BYTES} bytes` }, 413)
          : c.html(
              <MessagePage title="Too much text" tone="bad">
                <p>The form was larger than {MAX_BODY_BYTES / 1024} KB. Please shorten the description and try again.</p>
              </MessagePage>,
              413,
            ),
    }),
  );

  app.get('/assets/styles.css', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(STYLESHEET, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });

  // ---- Pages ---------------------------------------------------------------------------------

  app.get('/', async (c) => {
    const page = await proposalRepository.list({ limit: 10 });
    return c.html(<ProposalListPage proposals={page.items} {...(page.nextCursor ? { nextCursor: page.nextCursor } : {})} />);
  });

  const currencies = supportedCurrencies(approvalPolicy);

  app.get('/proposals/new', (c) => c.html(<IntakeFormPage values={{}} errors={{}} mode={newProposalMode(randomUUID())} currencies={currencies} />));

  app.post('/proposals', async (c) => {
    const values = readForm(await c.req.parseBody());
    const idempotencyKey = IdempotencyKeySchema.safeParse(values.idempotencyKey).success ? values.idempotencyKey! : randomUUID();
    const validated = validateProposal(formToInput(values));
    if (!validated.ok) {
      return c.html(<IntakeFormPage values={values} errors={issuesByField(validated.issues)} mode={newProposalMode(idempotencyKey)} currencies={currencies} />, 400);
    }
    let result = await submitProposal(validated.input, `form:${idempotencyKey}`, now());
    // The same form sent again with other values (edited after going back) is a new submission.
    if (result.kind === 'key-reused') result = await submitProposal(validated.input, undefined, now());
    if (result.kind === 'key-reused') throw new Error('A submission without a key cannot reuse one');
    return c.redirect(`/proposals/${result.proposal.id}?submitted=1`, 303);
  });

  app.get('/proposals', async (c) => {
    const query = ListQuerySchema.safeParse(c.req.query());
    if (!query.success) return c.redirect('/proposals', 303);
    try {
      const page = await proposalRepository.list({ limit: query.data.limit, ...(query.data.status ? { status: query.data.status } : {}), ...(query.data.cursor ? { cursor: query.data.cursor } : {}) });
      return c.html(<ProposalListPage proposals={page.items} {...(query.data.status ? { status: query.data.status } : {})} {...(page.nextCursor ? { nextCursor: page.nextCursor } : {})} />);
    } catch (error) {
      if (error instanceof InvalidCursorError) return c.redirect('/proposals', 303);
      throw error;
    }
  });

  app.get('/proposals/:id', async (c) => {
    const id = c.req.param('id');
    const proposal = await findProposal(id);
    if (!proposal) return notFoundPage(c);
    const [approvals, history] = await Promise.all([approvalRepository.listForProposal(id), auditRepository.listForSubject(id)]);
    return c.html(
      <ProposalPage proposal={proposal} approvals={inRequestOrder(approvals).map(summariseApproval)} history={history} justSubmitted={c.req.query('submitted') === '1'} />,
    );
  });

  app.get('/approvals/:id', async (c) => {
    c.header('Cache-Control', 'no-store');
    const secret = c.req.query('key');
    const intended = c.req.query('decision');
    const view = await viewApproval(c.req.param('id'), secret, now());
    if (view.kind !== 'open') return closedApprovalPage(c, view);
    return c.html(
      <ApprovalPage approval={view.approval} proposal={view.proposal} secret={secret!} {...(intended === 'approve' || intended === 'reject' ? { intended } : {})} />,
    );
  });

  app.post('/approvals/:id', async (c) => {
    c.header('Cache-Control', 'no-store');
    const body = await c.req.parseBody();
    const secret = typeof body.key === 'string' ? body.key : undefined;
    const parsed = DecisionInputSchema.safeParse({
      decision: typeof body.decision === 'string' ? body.decision : undefined,
      comment: typeof body.comment === 'string' ? body.comment : undefined,
    });
    if (!parsed.success) {
      const view = await viewApproval(c.req.param('id'), secret, now());
      if (view.kind !== 'open') return closedApprovalPage(c, view);
      const issue = parsed.error.issues[0]!;
      const decision = typeof body.decision === 'string' && (body.decision === 'approve' || body.decision === 'reject') ? body.decision : undefined;
      return c.html(
        <ApprovalPage
          approval={view.approval}
          proposal={view.proposal}
          secret={secret!}
          {...(decision ? { intended: decision } : {})}
          {...(typeof body.comment === 'string' ? { comment: body.comment } : {})}
          error={issue.message}
        />,
        400,
      );
    }
    const result = await decide(c.req.param('id'), secret, parsed.data, now());
    if (result.kind === 'recorded') {
      logger.info('Decision recorded', { proposalId: result.proposal.id, level: result.approval.level, decision: result.decision.decision });
      return c.html(<DecisionRecordedPage proposal={result.proposal} decision={result.decision.decision} />);
    }
    if (result.kind === 'open') throw new Error('A decision left its approval open');
    return closedApprovalPage(c, result);
  });

  // ---- The submitter's links: withdraw, revise and resubmit ---------------------------------

  app.get('/proposals/:id/withdraw', async (c) => {
    c.header('Cache-Control', 'no-store');
    const secret = c.req.query('key');
    const access = await submitterAccess(c.req.param('id'), secret);
    if (access.kind !== 'ok') return c.html(<InvalidLinkPage />, access.kind === 'not-found' ? 404 : 403);
    if (access.proposal.status === 'WITHDRAWN') return c.html(<WithdrawnPage proposal={access.proposal} />);
    if (!['SUBMITTED', 'IN_REVIEW'].includes(access.proposal.status)) return c.html(<NotPossiblePage proposal={access.proposal} what="withdrawn" />, 409);
    return c.html(<WithdrawPage proposal={access.proposal} secret={secret!} />);
  });

  app.post('/proposals/:id/withdraw', async (c) => {
    c.header('Cache-Control', 'no-store');
    const body = await c.req.parseBody();
    const result = await withdrawProposal(c.req.param('id'), typeof body.key === 'string' ? body.key : undefined, now());
    switch (result.kind) {
      case 'not-found':
        return c.html(<InvalidLinkPage />, 404);
      case 'forbidden':
        return c.html(<InvalidLinkPage />, 403);
      case 'not-withdrawable':
        return c.html(<NotPossiblePage proposal={result.proposal} what="withdrawn" />, 409);
      case 'withdrawn':
        return c.html(<WithdrawnPage proposal={result.proposal} />);
    }
  });

  app.get('/proposals/:id/revise', async (c) => {
    c.header('Cache-Control', 'no-store');
    const secret = c.req.query('key');
    const access = await submitterAccess(c.req.param('id'), secret);
    if (access.kind !== 'ok') return c.html(<InvalidLinkPage />, access.kind === 'not-found' ? 404 : 403);
    if (access.proposal.status !== 'REJECTED') return c.html(<NotPossiblePage proposal={access.proposal} what="revised" />, 409);
    return c.html(<IntakeFormPage values={formValuesOf(access.proposal)} errors={{}} mode={reviseMode(access.proposal, secret!)} currencies={currencies} />);
  });

  app.post('/proposals/:id/revise', async (c) => {
    c.header('Cache-Control', 'no-store');
    const body = await c.req.parseBody();
    const secret = typeof body.key === 'string' ? body.key : undefined;
    const access = await submitterAccess(c.req.param('id'), secret);
    if (access.kind !== 'ok') return c.html(<InvalidLinkPage />, access.kind === 'not-found' ? 404 : 403);
    const values = readForm(body);
    const validated = validateProposal(formToInput(values));
    if (!validated.ok) {
      return c.html(<IntakeFormPage values={values} errors={issuesByField(validated.issues)} mode={reviseMode(access.proposal, secret!)} currencies={currencies} />, 400);
    }
    const result = await resubmitProposal(access.proposal, validated.input, now());
    switch (result.kind) {
      case 'not-rejected':
        return c.html(<NotPossiblePage proposal={result.proposal} what="revised" />, 409);
      case 'resubmitted':
        return c.redirect(`/proposals/${result.proposal.id}?submitted=1`, 303);
    }
  });

  // ---- Out of office: a person names a delegate --------------------------------------------

  app.get('/delegation', (c) => c.html(<DelegationRequestPage />));

  app.post('/delegation', async (c) => {
    const body = await c.req.parseBody();
    const email = z.email().safeParse(typeof body.email === 'string' ? body.email.trim().toLowerCase() : undefined);
    if (!email.success) {
      return c.html(<DelegationRequestPage email={typeof body.email === 'string' ? body.email.slice(0, 254) : ''} error="Enter an email address such as name@example.org" />, 400);
    }
    await requestDelegationAccess(email.data, now());
    return c.html(<DelegationLinkSentPage />);
  });

  app.get('/people/:email/delegation', async (c) => {
    c.header('Cache-Control', 'no-store');
    const secret = c.req.query('key');
    const person = await openDelegation(c.req.param('email'), secret, now());
    if (!person) return c.html(<InvalidLinkPage />, 403);
    const current = await delegationRepository.get(person.email);
    return c.html(<DelegationPage email={person.email} name={person.name} secret={secret!} {...(current ? { current } : {})} />);
  });

  app.post('/people/:email/delegation', async (c) => {
    c.header('Cache-Control', 'no-store');
    const body = await c.req.parseBody();
    const secret = typeof body.key === 'string' ? body.key : undefined;
    const person = await openDelegation(c.req.param('email'), secret, now());
    if (!person) return c.html(<InvalidLinkPage />, 403);
    const values = {
      delegateEmail: typeof body.delegateEmail === 'string' ? body.delegateEmail.slice(0, 254) : '',
      from: typeof body.from === 'string' ? body.from.slice(0, 20) : '',
      until: typeof body.until === 'string' ? body.until.slice(0, 20) : '',
    };
    const parsed = DelegationInputSchema.safeParse(values);
    const result = parsed.success
      ? await saveDelegation(person, parsed.data, now())
      : ({ kind: 'invalid', path: String(parsed.error.issues[0]!.path[0]), message: parsed.error.issues[0]!.message } as const);
    if (result.kind === 'invalid') {
      return c.html(
        <DelegationPage email={person.email} name={person.name} secret={secret!} values={values} errors={{ [result.path]: result.message }} />,
        400,
      );
    }
    return c.html(<DelegationPage email={person.email} name={person.name} secret={secret!} current={result.delegation} saved={{ redirected: result.redirected }} />);
  });

  // ---- JSON API ------------------------------------------------------------------------------

  app.post('/api/proposals', async (c) => {
    const contentType = c.req.header('content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(contentType)) {
      return c.json({ error: 'UnsupportedMediaType', message: 'Send the proposal as application/json' }, 415);
    }
    const keyHeader = c.req.header('idempotency-key');
    const key = keyHeader === undefined ? undefined : IdempotencyKeySchema.safeParse(keyHeader);
    if (key && !key.success) return validationProblem(c, [{ path: 'Idempotency-Key', message: key.error.issues[0]!.message }]);
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: 'MalformedJson', message: 'The body is not valid JSON' }, 400);
    }
    const validated = validateProposal(body);
    if (!validated.ok) return validationProblem(c, validated.issues);
    const result = await submitProposal(validated.input, key?.data, now());
    if (result.kind === 'key-reused') {
      return c.json({ error: 'IdempotencyKeyReused', message: 'This Idempotency-Key was used with a different proposal' }, 422);
    }
    c.header('Location', `/api/proposals/${result.proposal.id}`);
    if (result.kind === 'replayed') c.header('Idempotent-Replayed', 'true');
    const approvals = result.kind === 'replayed' ? await approvalRepository.listForProposal(result.proposal.id) : [];
    return c.json(proposalResource(result.proposal, approvals), result.kind === 'created' ? 201 : 200);
  });

  app.get('/api/proposals', async (c) => {
    const query = ListQuerySchema.safeParse(c.req.query());
    if (!query.success) return validationProblem(c, toFieldIssues(query.error));
    try {
      const page = await proposalRepository.list({ limit: query.data.limit, ...(query.data.status ? { status: query.data.status } : {}), ...(query.data.cursor ? { cursor: query.data.cursor } : {}) });
      return c.json({ items: page.items.map(publicProposal), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    } catch (error) {
      if (error instanceof InvalidCursorError) return validationProblem(c, [{ path: 'cursor', message: error.message }]);
      throw error;
    }
  });

  app.get('/api/proposals/:id', async (c) => {
    const id = c.req.param('id');
    const proposal = await findProposal(id);
    if (!proposal) return c.json({ error: 'NotFound', message: 'No proposal has this id' }, 404);
    return c.json(proposalResource(proposal, await approvalRepository.listForProposal(id)));
  });

  app.get('/api/proposals/:id/history', async (c) => {
    const id = c.req.param('id');
    const proposal = await findProposal(id);
    if (!proposal) return c.json({ error: 'NotFound', message: 'No proposal has this id' }, 404);
    return c.json({ items: await auditRepository.listForSubject(id) });
  });

  app.post('/api/proposals/:id/withdraw', async (c) => {
    const body = await readJsonObject(c);
    if (!body) return c.json({ error: 'MalformedJson', message: 'Send a JSON object with the key from your email' }, 400);
    const result = await withdrawProposal(c.req.param('id'), typeof body.key === 'string' ? body.key : undefined, now());
    switch (result.kind) {
      case 'not-found':
        return c.json({ error: 'NotFound', message: 'No proposal has this id' }, 404);
      case 'forbidden':
        return c.json({ error: 'Forbidden', message: 'The key does not open this proposal' }, 403);
      case 'not-withdrawable':
        return c.json({ error: 'Conflict', message: `The proposal is ${result.proposal.status} and can no longer be withdrawn` }, 409);
      case 'withdrawn':
        return c.json(publicProposal(result.proposal));
    }
  });

  app.post('/api/people/:email/delegation', async (c) => {
    const body = await readJsonObject(c);
    if (!body) return c.json({ error: 'MalformedJson', message: 'Send a JSON object: delegateEmail, from, until and key' }, 400);
    const person = await openDelegation(c.req.param('email'), typeof body.key === 'string' ? body.key : undefined, now());
    if (!person) return c.json({ error: 'Forbidden', message: 'The key does not open this person’s delegation (ask for a link at /delegation)' }, 403);
    const parsed = DelegationInputSchema.safeParse({ delegateEmail: body.delegateEmail, from: body.from, until: body.until });
    if (!parsed.success) return validationProblem(c, toFieldIssues(parsed.error));
    const result = await saveDelegation(person, parsed.data, now());
    switch (result.kind) {
      case 'invalid':
        return validationProblem(c, [{ path: result.path, message: result.message }]);
      case 'saved':
        return c.json({ ...result.delegation, redirectedApprovals: result.redirected }, 201);
    }
  });

  app.notFound((c) => (isApi(c) ? c.json({ error: 'NotFound', message: 'No such resource' }, 404) : notFoundPage(c)));

  app.onError((error, c) => {
    // The page says nothing of the error: exception text can reveal internals.
    logger.error('Request failed', { method: c.req.method, path: c.req.path, error });
    if (isApi(c)) return c.json({ error: 'InternalError', message: 'Something went wrong; please try again' }, 500);
    return c.html(
      <MessagePage title="Something went wrong" tone="bad">
        <p>We could not complete your request. Nothing you entered was lost; please try again in a moment.</p>
      </MessagePage>,
      500,
    );
  });

  return app;
}

/** A JSON object body, or undefined when the body is missing, not JSON or not an object. */
async function readJsonObject(c: Context): Promise<Record<string, unknown> | undefined> {
  if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) return undefined;
  try {
    const body: unknown = await c.req.json();
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function notFoundPage(c: Context) {
  return c.html(
    <MessagePage title="Page not found" tone="bad">
      <p>There is nothing at this address. Check the link, or start from the home page.</p>
    </MessagePage>,
    404,
  );
}
