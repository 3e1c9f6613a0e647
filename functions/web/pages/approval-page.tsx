import type { Approval, LinkState } from '#domain/approval.ts';
import { formatDateTime } from '#domain/format.ts';
import type { Proposal } from '#domain/proposal.ts';
import { Layout, MessagePage } from './layout.tsx';
import { ProposalDetails } from './proposal-parts.tsx';

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
  const levelCount = proposal.review?.levels.length ?? approval.level;
  return (
    <Layout title={`${props.error ? 'Error: ' : ''}Decide: ${proposal.title}`}>
      <h1>Decide on “{proposal.title}”</h1>
      <p>
        {approval.approver.name}, your decision is requested for level {approval.level} of {levelCount}: {approval.levelName}. Please decide by{' '}
        {formatDateTime(approval.dueAt)}.
      </p>
      {approval.onBehalfOf ? (
        <p class="notice">You decide on behalf of {approval.onBehalfOf.name}, who is out of office. The audit trail records both names.</p>
      ) : null}
      {approval.slotCount > 1 ? (
        <p class="muted">
          {approval.quorum === 'any'
            ? `You are one of ${approval.slotCount} approvers at this level; the first decision counts.`
            : `All ${approval.slotCount} approvers at this level must approve; one rejection rejects.`}
        </p>
      ) : null}
      {approval.belowThreshold ? (
        <p class="notice bad">
          <strong>Below threshold:</strong> the score is under the PMO’s floor. It was not rejected automatically; please look at the breakdown.
        </p>
      ) : null}
      <ProposalDetails proposal={proposal} />
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

/** Shown to a former approver after the approval moved on to someone else. */
export function ReassignedPage(props: { proposal: Proposal; state: Extract<LinkState, { kind: 'reassigned' }> }) {
  const why = props.state.reason === 'escalated' ? 'because it was not answered in time' : 'to the delegate named for an out-of-office period';
  return (
    <MessagePage title="This approval was reassigned">
      <p>
        The decision on “{props.proposal.title}” was reassigned to {props.state.to.name} on {formatDateTime(props.state.at)}, {why}. This link no
        longer decides anything.
      </p>
    </MessagePage>
  );
}

/** Shown when another approver of the same level already settled it. */
export function SupersededPage(props: { proposal: Proposal }) {
  return (
    <MessagePage title="No decision needed any more">
      <p>Another approver already decided this level of “{props.proposal.title}”. Nothing was changed.</p>
      <p>
        <a href={`/proposals/${encodeURIComponent(props.proposal.id)}`}>See the proposal</a>
      </p>
    </MessagePage>
  );
}

/** Shown when the submitter withdrew the proposal. */
export function ProposalWithdrawnPage(props: { proposal: Proposal }) {
  return (
    <MessagePage title="This proposal was withdrawn">
      <p>The submitter withdrew “{props.proposal.title}”; there is nothing to decide.</p>
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
