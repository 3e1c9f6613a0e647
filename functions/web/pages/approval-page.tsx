import { stageOf, type Approval, type EarlierDecision, type LinkState } from '#domain/approval.ts';
import { formatDateTime } from '#domain/format.ts';
import type { SubjectView } from '#domain/subject.ts';
import { environment } from '#adapters/environment.ts';
import { Layout, MessagePage } from './layout.tsx';
import { EarlierDecisions, SubjectDetails, SubjectFacts } from './subject-parts.tsx';

/**
 * The page an approval link opens, for any subject. Showing it changes nothing; only its buttons
 * decide, with a POST that carries the link's secret in the body. The subject's facts come first and
 * the buttons right after them, so both fit the first screen of a laptop (and of a phone, with the
 * summary); the description, the backing table and earlier decisions follow.
 */
export function ApprovalPage(props: {
  approval: Approval;
  subject: SubjectView;
  earlier: readonly EarlierDecision[];
  secret: string;
  intended?: 'approve' | 'reject';
  comment?: string;
  error?: string;
}) {
  const { approval, subject } = props;
  return (
    <Layout title={`${props.error ? 'Error: ' : ''}Decide: ${subject.title}`}>
      <h1>Decide on “{subject.title}”</h1>
      <p>
        {approval.approver.name}, your decision is requested for level {stageOf(approval)} of {approval.levelCount}: {approval.levelName}. Please decide by{' '}
        {formatDateTime(approval.dueAt, environment.orgTimeZone)}.
      </p>
      {approval.onBehalfOf ? (
        <p class="notice">You decide on behalf of {approval.onBehalfOf.name}, who is out of office. The audit trail records both names.</p>
      ) : null}
      {approval.attention ? (
        <p class="notice bad">
          <strong>{approval.attention}</strong>
        </p>
      ) : null}
      <SubjectFacts view={subject} />
      {props.earlier.length > 0 ? <p class="muted">Earlier levels decided; their comments are below.</p> : null}
      <form method="post" action={`/approvals/${encodeURIComponent(approval.id)}`} aria-label="Your decision">
        <input type="hidden" name="key" value={props.secret} />
        {approval.slotCount > 1 ? (
          <p class="muted">
            {approval.quorum === 'any'
              ? `You are one of ${approval.slotCount} approvers at this level; the first decision counts.`
              : `All ${approval.slotCount} approvers at this level must approve; one rejection rejects.`}
          </p>
        ) : null}
        <div class={`field${props.error ? ' has-error' : ''}`}>
          <label for="comment">Comment {props.intended === 'reject' ? '(required to reject)' : '(optional; required to reject)'}</label>
          {props.error ? (
            <p class="error-text" id="comment-error" role="alert">
              <span class="visually-hidden">Error: </span>
              {props.error}
            </p>
          ) : null}
          <textarea id="comment" name="comment" rows={3} maxlength={2000} aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? 'comment-error' : undefined}>
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
      <EarlierDecisions decisions={props.earlier} />
      <SubjectDetails view={subject} />
    </Layout>
  );
}

/** What a recorded decision leads to, in words: only what will happen. */
function whatHappensNext(approval: Approval, decision: 'approve' | 'reject'): string {
  if (decision === 'reject') return 'The review ends here; the submitter will be told, with your comment.';
  if (approval.quorum === 'all' && approval.slotCount > 1) {
    return `The level is settled when all ${approval.slotCount} approvers have approved; the review then goes on.`;
  }
  if (stageOf(approval) < approval.levelCount) {
    return `The review moves on to level ${stageOf(approval) + 1} of ${approval.levelCount}; its approvers will see your comment. The submitter is told the outcome when the review ends.`;
  }
  return 'This was the last level: the submitter will be told the outcome.';
}

/** Shown after a decision was recorded. */
export function DecisionRecordedPage(props: { approval: Approval; subject: SubjectView; decision: 'approve' | 'reject' }) {
  return (
    <MessagePage title="Decision recorded" tone="ok">
      <p>
        You {props.decision === 'approve' ? 'approved' : 'rejected'} “{props.subject.title}”. {whatHappensNext(props.approval, props.decision)}
      </p>
      <p>
        <a href={props.subject.pagePath}>See the {props.subject.noun}</a>
      </p>
    </MessagePage>
  );
}

/** Shown when a link's approval has been decided already. */
export function AlreadyDecidedPage(props: { approval: Approval; subject: SubjectView }) {
  const { approval } = props;
  const verb = approval.status === 'APPROVED' ? 'approved' : 'rejected';
  return (
    <MessagePage title="Already decided">
      <p>
        “{props.subject.title}” was already {verb} by {approval.decidedBy?.name ?? approval.approver.name} on{' '}
        {formatDateTime(approval.decidedAt ?? approval.requestedAt, environment.orgTimeZone)}. Nothing was changed.
      </p>
      <p>
        <a href={props.subject.pagePath}>See the {props.subject.noun}</a>
      </p>
    </MessagePage>
  );
}

/** Shown to a former approver after the approval moved on to someone else. */
export function ReassignedPage(props: { subject: SubjectView; state: Extract<LinkState, { kind: 'reassigned' }> }) {
  const why = {
    escalated: 'because it was not answered in time',
    delegated: 'to the delegate named for an out-of-office period',
    deactivated: 'because you no longer take part in PMO reviews',
  }[props.state.reason];
  return (
    <MessagePage title="This approval was reassigned">
      <p>
        The decision on “{props.subject.title}” was reassigned to {props.state.to.name} on {formatDateTime(props.state.at, environment.orgTimeZone)}, {why}. This link no
        longer decides anything.
      </p>
    </MessagePage>
  );
}

/** Shown when another approver of the same level already settled it, or the review ended otherwise. */
export function SupersededPage(props: { subject: SubjectView }) {
  return (
    <MessagePage title="No decision needed any more">
      <p>Another approver already decided this level of “{props.subject.title}”, or its review ended. Nothing was changed.</p>
      <p>
        <a href={props.subject.pagePath}>See the {props.subject.noun}</a>
      </p>
    </MessagePage>
  );
}

/** Shown when the submitter withdrew the subject. */
export function SubjectWithdrawnPage(props: { subject: SubjectView }) {
  return (
    <MessagePage title={`This ${props.subject.noun} was withdrawn`}>
      <p>The submitter withdrew “{props.subject.title}”; there is nothing to decide.</p>
    </MessagePage>
  );
}

/** Shown when the review's workflow was stopped, timed out or failed: nothing waits for a decision. */
export function ReviewStoppedPage(props: { subject: SubjectView }) {
  return (
    <MessagePage title="This review was stopped">
      <p>
        The review of “{props.subject.title}” stopped before a decision was needed from you, so nothing was recorded. The PMO has been told and can
        restart it; you will get a new email if your decision is needed again.
      </p>
      <p>
        <a href={props.subject.pagePath}>See the {props.subject.noun}</a>
      </p>
    </MessagePage>
  );
}

/** Shown when a link's deadline has passed. */
export function ApprovalExpiredPage(props: { approval: Approval; subject: SubjectView }) {
  return (
    <MessagePage title="This approval has expired">
      <p>
        The deadline for deciding on “{props.subject.title}” was {formatDateTime(props.approval.dueAt, environment.orgTimeZone)}. The PMO has been told and will follow up.
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
