import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import * as z from 'zod';
import { DecisionInputSchema } from '#domain/approval.ts';
import { ProposalInputSchema, ProposalStatusSchema } from '#domain/proposal.ts';
import { approvalRepository } from '#adapters/approval-repository.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';
import { InvalidCursorError } from '#adapters/table-keys.ts';
import { logger } from '#adapters/logger.ts';
import { decide, viewApproval } from '#services/approval-service.ts';
import { submitProposal } from '#services/intake-service.ts';
import { formToInput, issuesByField, readForm, toFieldIssues, type FieldIssue } from './form-mapping.ts';
import { AlreadyDecidedPage, ApprovalExpiredPage, ApprovalPage, DecisionRecordedPage, InvalidLinkPage } from './pages/approval-page.tsx';
import { IntakeFormPage } from './pages/intake-form.tsx';
import { MessagePage } from './pages/layout.tsx';
import { ProposalListPage } from './pages/proposal-list-page.tsx';
import { ProposalPage } from './pages/proposal-page.tsx';
import { proposalResource, summariseApproval } from './proposal-view.ts';
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

function validationProblem(c: Context, issues: FieldIssue[]) {
  return c.json({ error: 'ValidationError', message: 'The request has invalid fields', issues }, 400);
}

function isApi(c: Context): boolean {
  return c.req.path.startsWith('/api/');
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

  app.get('/proposals/new', (c) => c.html(<IntakeFormPage values={{}} errors={{}} idempotencyKey={randomUUID()} />));

  app.post('/proposals', async (c) => {
    const values = readForm(await c.req.parseBody());
    const idempotencyKey = IdempotencyKeySchema.safeParse(values.idempotencyKey).success ? values.idempotencyKey : randomUUID();
    const parsed = ProposalInputSchema.safeParse(formToInput(values));
    if (!parsed.success) {
      const errors = issuesByField(toFieldIssues(parsed.error));
      return c.html(<IntakeFormPage values={values} errors={errors} idempotencyKey={idempotencyKey!} />, 400);
    }
    const result = await submitProposal(parsed.data, `form:${idempotencyKey}`, now());
    if (result.kind === 'key-reused') {
      // The same form was submitted again with other values: treat it as a new submission.
      const retry = await submitProposal(parsed.data, undefined, now());
      if (retry.kind === 'key-reused') throw new Error('unreachable');
      return c.redirect(`/proposals/${retry.proposal.id}?submitted=1`, 303);
    }
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
    const proposal = IdSchema.safeParse(id).success ? await proposalRepository.get(id) : undefined;
    if (!proposal) return notFoundPage(c);
    const [approvals, history] = await Promise.all([approvalRepository.listForProposal(id), auditRepository.listForSubject(id)]);
    return c.html(
      <ProposalPage proposal={proposal} approvals={approvals.map(summariseApproval)} history={history} justSubmitted={c.req.query('submitted') === '1'} />,
    );
  });

  app.get('/approvals/:id', async (c) => {
    c.header('Cache-Control', 'no-store');
    const secret = c.req.query('key');
    const intended = c.req.query('decision');
    const view = await viewApproval(c.req.param('id'), secret, now());
    switch (view.kind) {
      case 'not-found':
        return c.html(<InvalidLinkPage />, 404);
      case 'forbidden':
        return c.html(<InvalidLinkPage />, 403);
      case 'decided':
        return c.html(<AlreadyDecidedPage approval={view.approval} proposal={view.proposal} />, 409);
      case 'expired':
        return c.html(<ApprovalExpiredPage approval={view.approval} proposal={view.proposal} />, 410);
      case 'open':
        return c.html(
          <ApprovalPage
            approval={view.approval}
            proposal={view.proposal}
            secret={secret!}
            {...(intended === 'approve' || intended === 'reject' ? { intended } : {})}
          />,
        );
    }
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
      if (view.kind !== 'open') return c.html(<InvalidLinkPage />, view.kind === 'not-found' ? 404 : 403);
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
    switch (result.kind) {
      case 'not-found':
        return c.html(<InvalidLinkPage />, 404);
      case 'forbidden':
        return c.html(<InvalidLinkPage />, 403);
      case 'decided':
        return c.html(<AlreadyDecidedPage approval={result.approval} proposal={result.proposal} />, 409);
      case 'expired':
        return c.html(<ApprovalExpiredPage approval={result.approval} proposal={result.proposal} />, 410);
      case 'open':
        throw new Error('A decision left its approval open');
      case 'recorded':
        logger.info('Decision recorded', { proposalId: result.proposal.id, level: result.approval.level, decision: result.decision.decision });
        return c.html(<DecisionRecordedPage proposal={result.proposal} decision={result.decision.decision} />);
    }
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
    const parsed = ProposalInputSchema.safeParse(body);
    if (!parsed.success) return validationProblem(c, toFieldIssues(parsed.error));
    const result = await submitProposal(parsed.data, key?.data, now());
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
      return c.json({ items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    } catch (error) {
      if (error instanceof InvalidCursorError) return validationProblem(c, [{ path: 'cursor', message: error.message }]);
      throw error;
    }
  });

  app.get('/api/proposals/:id', async (c) => {
    const id = c.req.param('id');
    const proposal = IdSchema.safeParse(id).success ? await proposalRepository.get(id) : undefined;
    if (!proposal) return c.json({ error: 'NotFound', message: 'No proposal has this id' }, 404);
    return c.json(proposalResource(proposal, await approvalRepository.listForProposal(id)));
  });

  app.get('/api/proposals/:id/history', async (c) => {
    const id = c.req.param('id');
    const proposal = IdSchema.safeParse(id).success ? await proposalRepository.get(id) : undefined;
    if (!proposal) return c.json({ error: 'NotFound', message: 'No proposal has this id' }, 404);
    return c.json({ items: await auditRepository.listForSubject(id) });
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

function notFoundPage(c: Context) {
  return c.html(
    <MessagePage title="Page not found" tone="bad">
      <p>There is nothing at this address. Check the link, or start from the home page.</p>
    </MessagePage>,
    404,
  );
}
