import { stageOf, type Approval, type EarlierDecision } from '#domain/approval.ts';
import { formatDateTime } from '#domain/format.ts';
import type { SubjectView } from '#domain/subject.ts';
import { environment } from '#adapters/environment.ts';
import { DetailTable, EmailLayout, ExternalLink, FactsTable, factsText, message, oneLine, type EmailMessage } from './layout.tsx';

/** What the approver needs in order to decide, with the personal Approve and Reject links. */
export interface ApprovalRequestEmailInput {
  readonly subject: SubjectView;
  readonly approval: Approval;
  readonly approveUrl: string;
  readonly rejectUrl: string;
  /** The subject's own page. */
  readonly subjectUrl: string;
  /** A first request, or a reminder of one nobody answered yet. */
  readonly kind: 'request' | 'reminder';
  /** Decisions already made at earlier levels, with their comments. */
  readonly earlierDecisions: readonly EarlierDecision[];
  /** Where the approver can name a delegate while away. */
  readonly delegationUrl: string;
}

function whyYouText(approval: Approval): string {
  const former = approval.formerAssignees.at(-1);
  const onBehalf = approval.onBehalfOf ? ` You decide on behalf of ${approval.onBehalfOf.name}, who is out of office.` : '';
  if (former?.reason === 'escalated') return `${former.approver.name} did not answer in time, so this approval was passed to you.${onBehalf}`;
  if (former?.reason === 'deactivated') return `${former.approver.name} no longer takes part in PMO reviews, so this approval was passed to you.${onBehalf}`;
  return onBehalf.trim();
}

/** "a project proposal", "an invoice". */
function withArticle(noun: string): string {
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** "Level 1 (PMO review): approved by Priya Shah on 23 Nov 2026, 15:05 CET (UTC+1)". */
function earlierDecisionText(decision: EarlierDecision): string {
  const who = decision.onBehalfOf ? `${decision.approver.name} on behalf of ${decision.onBehalfOf.name}` : decision.approver.name;
  return `${decision.earlierReview ? 'Earlier review, l' : 'L'}evel ${decision.level} (${decision.levelName}): ${decision.decision === 'approve' ? 'approved' : 'rejected'} by ${who} on ${formatDateTime(decision.decidedAt, environment.orgTimeZone)}`;
}

/** The decisions of a review with their comments, for later approvers and the submitter. */
export function DecisionList(props: { decisions: readonly EarlierDecision[] }) {
  return (
    <ul>
      {props.decisions.map((decision) => (
        <li>
          {earlierDecisionText(decision)}
          {decision.comment ? (
            <blockquote style="border-left: 4px solid #ccc; margin: 4px 0; padding-left: 12px; white-space: pre-wrap;">{decision.comment}</blockquote>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** {@link DecisionList} as text lines. */
export function decisionListText(decisions: readonly EarlierDecision[]): string[] {
  return decisions.flatMap((decision) => [`- ${earlierDecisionText(decision)}`, ...(decision.comment ? [`  Comment: ${decision.comment}`] : [])]);
}

/** The email asking an approver for a decision on any subject, or reminding them of it. */
export function approvalRequestEmail(input: ApprovalRequestEmailInput): EmailMessage {
  const { subject: view, approval, approveUrl, rejectUrl } = input;
  const prefix = input.kind === 'reminder' ? 'Reminder: approval needed' : 'Approval needed';
  const subject = oneLine(`${prefix}: ${view.title}${view.headline ? ` (${view.headline})` : ''}`);
  const due = formatDateTime(approval.dueAt, environment.orgTimeZone);
  const stage = `Level ${stageOf(approval)} of ${approval.levelCount}: ${approval.levelName}`;
  const quorum =
    approval.slotCount > 1
      ? approval.quorum === 'any'
        ? `You are one of ${approval.slotCount} approvers at this level; the first decision counts.`
        : `All ${approval.slotCount} approvers at this level must approve.`
      : '';
  const why = whyYouText(approval);
  const what = withArticle(view.noun);
  const opening =
    input.kind === 'reminder'
      ? `A reminder: ${what} is still waiting for your decision. Please decide by ${due}.`
      : `${what.charAt(0).toUpperCase()}${what.slice(1)} is waiting for your decision. Please decide by ${due}.`;
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {approval.approver.name},</p>
      <p>{opening}</p>
      <p>
        <strong>{stage}.</strong> {quorum}
      </p>
      {why ? <p>{why}</p> : null}
      {approval.attention ? (
        <p style="border-left: 4px solid #9a6700; padding-left: 12px;">
          <strong>{approval.attention}</strong>
        </p>
      ) : null}
      <FactsTable view={view} />
      {input.earlierDecisions.length > 0 ? (
        <>
          <p>
            <strong>Decided so far</strong>
          </p>
          <DecisionList decisions={input.earlierDecisions} />
        </>
      ) : null}
      <p>
        <ExternalLink href={approveUrl} style="display: inline-block; padding: 10px 18px; background: #1a7f37; color: #fff; text-decoration: none; border-radius: 4px;">
          Approve
        </ExternalLink>{' '}
        <ExternalLink href={rejectUrl} style="display: inline-block; padding: 10px 18px; background: #b42318; color: #fff; text-decoration: none; border-radius: 4px;">
          Reject
        </ExternalLink>
      </p>
      <p style="color: #555;">Each link opens a page where you confirm your decision; opening it changes nothing.</p>
      {view.description ? <p style="white-space: pre-wrap;">{view.description}</p> : null}
      {view.table ? <DetailTable table={view.table} /> : null}
      <p style="color: #555;">
        <ExternalLink href={input.subjectUrl}>See the {view.noun} and its history</ExternalLink>. Away?{' '}
        <ExternalLink href={input.delegationUrl}>Name a delegate for your out-of-office period.</ExternalLink>
      </p>
    </EmailLayout>
  );
  return message(subject, html, [
    `Hello ${approval.approver.name},`,
    '',
    opening,
    '',
    `${stage}. ${quorum}`.trim(),
    ...(why ? ['', why] : []),
    ...(approval.attention ? ['', approval.attention] : []),
    '',
    ...factsText(view),
    ...(input.earlierDecisions.length > 0 ? ['', 'Decided so far:', ...decisionListText(input.earlierDecisions)] : []),
    '',
    `Approve: ${approveUrl}`,
    `Reject: ${rejectUrl}`,
    '',
    'Each link opens a page where you confirm your decision; opening it changes nothing.',
    ...(view.description ? ['', view.description] : []),
    ...(view.table ? ['', ...view.table.text] : []),
    '',
    `See the ${view.noun} and its history: ${input.subjectUrl}`,
    `Away? Name a delegate for your out-of-office period: ${input.delegationUrl}`,
  ]);
}

const CLOSED_REASONS = {
  withdrawn: (noun: string) => `The submitter withdrew the ${noun}.`,
  cancelled: (noun: string) => `The review of the ${noun} was stopped; the PMO has been told and may restart it.`,
} as const;

/** Tells an approver who was asked that their decision is no longer needed, and why. */
export function approvalClosedEmail(input: {
  readonly subject: SubjectView;
  readonly approval: Approval;
  readonly reason: keyof typeof CLOSED_REASONS;
  readonly subjectUrl: string;
}): EmailMessage {
  const { subject: view, approval } = input;
  const subject = oneLine(`No decision needed: ${view.title}`);
  const why = CLOSED_REASONS[input.reason](view.noun);
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {approval.approver.name},</p>
      <p>
        You no longer need to decide on <strong>{view.title}</strong> (level {stageOf(approval)}, {approval.levelName}). {why} The links in the earlier email
        now say so.
      </p>
      <p>
        <ExternalLink href={input.subjectUrl}>See the {view.noun}</ExternalLink>
      </p>
    </EmailLayout>
  );
  return message(subject, html, [
    `Hello ${approval.approver.name},`,
    '',
    `You no longer need to decide on "${view.title}" (level ${stageOf(approval)}, ${approval.levelName}). ${why} The links in the earlier email now say so.`,
    '',
    `See the ${view.noun}: ${input.subjectUrl}`,
  ]);
}
