import type { Approval } from '#domain/approval.ts';
import { roleLabel } from '#domain/directory.ts';
import { formatDateTime } from '#domain/format.ts';
import type { Proposal } from '#domain/proposal.ts';
import { Layout, MessagePage } from './layout.tsx';
import { ProposalFacts, ScoreBreakdown } from './proposal-parts.tsx';

/**
 * The page an approval link opens. Showing it changes nothing; only its buttons decide, with a
 * POST that carries the link's secret in the body.
 */
export function ApprovalPage(props: {
  approval: Approval;
  proposal: Proposal;
  secret: string;
  intended?: 'approve' | 'reject';
  comment?: string;
  error?: string;
}) {
  const { approval, proposal } = props;
  return (
    <Layout title={`${props.error ? 'Error: ' : ''}Decide: ${proposal.title}`}>
      <h1>Decide on “{proposal.title}”</h1>
      <p>
        {approval.approver.name}, your decision is requested as {roleLabel(approval.role)} (level {approval.level}). Please decide by{' '}
        {formatDateTime(approval.dueAt)}.
      </p>
      <ProposalFacts proposal={proposal} />
      <h2>Description</h2>
      <p class="description">{proposal.description}</p>
      <h2>Score</h2>
      <ScoreBreakdown score={proposal.score} />
      <h2>Your decision</h2>
      <form method="post" action={`/approvals/${encodeURIComponent(approval.id)}`}>
        <input type="hidden" name="key" value={props.secret} />
        <div class={`field${props.error ? ' has-error' : ''}`}>
          <label for="comment">Comment {props.intended === 'reject' ? '(required to reject)' : '(optional; required to reject)'}</label>
          {props.error ? (
            <p class="error-text" id="comment-error" role="alert">
              <span class="visually-hidden">Error: </span>
              {props.error}
            </p>
          ) : null}
          <textarea id="comment" name="comment" maxlength={2000} aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? 'comment-error' : undefined}>
            {props.comment ?? ''}
          </textarea>
        </div>
        <div class="actions">
          <button type="submit" name="decision" value="approve" class={`approve${props.intended === 'approve' ? ' chosen' : ''}`}>
            Approve
          </button>
          <button type="submit" name="decision" value="reject" class={`reject${props.intended === 'reject' ? ' chosen' : ''}`}>
            Reject
          </button>
        </div>
      </form>
    </Layout>
  );
}

/** Shown after a decision was recorded. */
export function DecisionRecordedPage(props: { proposal: Proposal; decision: 'approve' | 'reject' }) {
  return (
    <MessagePage title="Decision recorded" tone="ok">
      <p>
        You {props.decision === 'approve' ? 'approved' : 'rejected'} “{props.proposal.title}”. The submitter will be told.
      </p>
      <p>
        <a href={`/proposals/${encodeURIComponent(props.proposal.id)}`}>See the proposal</a>
      </p>
    </MessagePage>
  );
}

/** Shown when a link's approval has been decided already. */
export function AlreadyDecidedPage(props: { approval: Approval; proposal: Proposal }) {
  const { approval } = props;
  const verb = approval.status === 'APPROVED' ? 'approved' : 'rejected';
  return (
    <MessagePage title="Already decided">
      <p>
        “{props.proposal.title}” was already {verb} by {approval.decidedBy?.name ?? approval.approver.name} on{' '}
        {formatDateTime(approval.decidedAt ?? approval.requestedAt)}. Nothing was changed.
      </p>
      <p>
        <a href={`/proposals/${encodeURIComponent(props.proposal.id)}`}>See the proposal</a>
      </p>
    </MessagePage>
  );
}

/** Shown when a link's deadline has passed. */
export function ApprovalExpiredPage(props: { approval: Approval; proposal: Proposal }) {
  return (
    <MessagePage title="This approval has expired">
      <p>
        The deadline for deciding on “{props.proposal.title}” was {formatDateTime(props.approval.dueAt)}. The PMO has been told and will follow up.
      </p>
    </MessagePage>
  );
}

/** Shown for an unknown approval or a wrong secret; says nothing about which. */
export function InvalidLinkPage() {
  return (
    <MessagePage title="This link is not valid" tone="bad">
      <p>The approval link is incomplete or was changed. Open it again from the email you received, or ask the PMO for a new one.</p>
    </MessagePage>
  );
}
