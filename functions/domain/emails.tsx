import type { Child } from 'hono/jsx';
import type { Approval } from './approval.ts';
import { formatDate, formatDateTime, formatMoney } from './format.ts';
import type { Proposal, ProposalOutcome, ProposalScore } from './proposal.ts';
import { CRITERION_LABELS } from './scoring.ts';

/** A rendered email: both parts, so clients without HTML read the same message. */
export interface EmailMessage {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/** Subjects are one line: line breaks in user text must not start new headers or lines. */
function oneLine(text: string, max = 180): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function EmailLayout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>{props.title}</title>
      </head>
      <body style="font-family: Arial, Helvetica, sans-serif; color: #1b1b1b; line-height: 1.5; max-width: 640px; margin: 0 auto; padding: 16px;">
        {props.children}
        <p style="color: #555; font-size: 12px; margin-top: 32px;">Sent by PMO Pipeline. Links in this message are personal to you; do not forward it.</p>
      </body>
    </html>
  );
}

function ScoreTable(props: { score: ProposalScore }) {
  return (
    <table style="border-collapse: collapse; margin: 8px 0;" cellpadding="6">
      <thead>
        <tr>
          <th style="text-align: left; border-bottom: 1px solid #ccc;">Criterion</th>
          <th style="text-align: right; border-bottom: 1px solid #ccc;">Rating</th>
          <th style="text-align: right; border-bottom: 1px solid #ccc;">Weight</th>
          <th style="text-align: right; border-bottom: 1px solid #ccc;">Points</th>
        </tr>
      </thead>
      <tbody>
        {props.score.breakdown.map((line) => (
          <tr>
            <td>{CRITERION_LABELS[line.criterion]}</td>
            <td style="text-align: right;">{line.rating} / 5</td>
            <td style="text-align: right;">{line.weight}</td>
            <td style="text-align: right;">{line.points}</td>
          </tr>
        ))}
        <tr>
          <td colspan={3} style="border-top: 1px solid #ccc;">
            <strong>Total</strong> (rubric {props.score.rubricVersion})
          </td>
          <td style="text-align: right; border-top: 1px solid #ccc;">
            <strong>{props.score.total} / 100</strong>
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function scoreText(score: ProposalScore): string {
  const lines = score.breakdown.map(
    (line) => `  ${CRITERION_LABELS[line.criterion]}: ${line.rating}/5 × weight ${line.weight} → ${line.points} points`,
  );
  return [`Score: ${score.total}/100 (rubric ${score.rubricVersion})`, ...lines].join('\n');
}

function summaryText(proposal: Proposal): string {
  return [
    `Title: ${proposal.title}`,
    `Submitted by: ${proposal.submitter.name} <${proposal.submitter.email}>, ${proposal.department}`,
    `Estimated cost: ${formatMoney(proposal.estimatedCost)}`,
    `Dates: ${formatDate(proposal.startDate)} to ${formatDate(proposal.endDate)}`,
  ].join('\n');
}

function ProposalSummary(props: { proposal: Proposal }) {
  const { proposal } = props;
  return (
    <table style="border-collapse: collapse;" cellpadding="4">
      <tbody>
        <tr>
          <th style="text-align: left;">Title</th>
          <td>{proposal.title}</td>
        </tr>
        <tr>
          <th style="text-align: left;">Submitted by</th>
          <td>
            {proposal.submitter.name} ({proposal.submitter.email}), {proposal.department}
          </td>
        </tr>
        <tr>
          <th style="text-align: left;">Estimated cost</th>
          <td>{formatMoney(proposal.estimatedCost)}</td>
        </tr>
        <tr>
          <th style="text-align: left;">Dates</th>
          <td>
            {formatDate(proposal.startDate)} to {formatDate(proposal.endDate)}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

/** What the approver needs in order to decide, with the personal Approve and Reject links. */
export interface ApprovalRequestEmailInput {
  readonly proposal: Proposal;
  readonly approval: Approval;
  readonly approveUrl: string;
  readonly rejectUrl: string;
  /** A first request, or a reminder of one nobody answered yet. */
  readonly kind: 'request' | 'reminder';
  /** How many levels the review has, to say "level 2 of 3". */
  readonly levelCount: number;
  /** Where the approver can name a delegate while away. */
  readonly delegationUrl: string;
}

function whyYouText(approval: Approval): string {
  const former = approval.formerAssignees.at(-1);
  const onBehalf = approval.onBehalfOf ? ` You decide on behalf of ${approval.onBehalfOf.name}, who is out of office.` : '';
  if (former?.reason === 'escalated') return `${former.approver.name} did not answer in time, so this approval was passed to you.${onBehalf}`;
  return onBehalf.trim();
}

/** The email asking an approver for a decision, or reminding them of it. */
export function approvalRequestEmail(input: ApprovalRequestEmailInput): EmailMessage {
  const { proposal, approval, approveUrl, rejectUrl } = input;
  const prefix = input.kind === 'reminder' ? 'Reminder: approval needed' : 'Approval needed';
  const subject = oneLine(`${prefix}: ${proposal.title} (${formatMoney(proposal.estimatedCost)})`);
  const due = formatDateTime(approval.dueAt);
  const stage = `Level ${approval.level} of ${input.levelCount}: ${approval.levelName}`;
  const quorum =
    approval.slotCount > 1
      ? approval.quorum === 'any'
        ? `You are one of ${approval.slotCount} approvers at this level; the first decision counts.`
        : `All ${approval.slotCount} approvers at this level must approve.`
      : '';
  const why = whyYouText(approval);
  const belowThreshold = approval.belowThreshold
    ? `Below threshold: the score is under the PMO's floor. It was not rejected automatically; please look at the breakdown.`
    : '';
  const opening =
    input.kind === 'reminder'
      ? `A reminder: a project proposal is still waiting for your decision. Please decide by ${due}.`
      : `A project proposal is waiting for your decision. Please decide by ${due}.`;
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {approval.approver.name},</p>
      <p>{opening}</p>
      <p>
        <strong>{stage}.</strong> {quorum}
      </p>
      {why ? <p>{why}</p> : null}
      {belowThreshold ? (
        <p style="border-left: 4px solid #9a6700; padding-left: 12px;">
          <strong>{belowThreshold}</strong>
        </p>
      ) : null}
      <ProposalSummary proposal={proposal} />
      <p style="white-space: pre-wrap;">{proposal.description}</p>
      {proposal.score ? <ScoreTable score={proposal.score} /> : null}
      <p>
        <a target="_blank" rel="noopener noreferrer" href={approveUrl} style="display: inline-block; padding: 10px 18px; background: #1a7f37; color: #fff; text-decoration: none; border-radius: 4px;">
          Approve
        </a>{' '}
        <a target="_blank" rel="noopener noreferrer" href={rejectUrl} style="display: inline-block; padding: 10px 18px; background: #b42318; color: #fff; text-decoration: none; border-radius: 4px;">
          Reject
        </a>
      </p>
      <p style="color: #555;">Each link opens a page where you confirm your decision; opening it changes nothing.</p>
      <p style="color: #555;">
        Away? <a target="_blank" rel="noopener noreferrer" href={input.delegationUrl}>Name a delegate for your out-of-office period.</a>
      </p>
    </EmailLayout>
  ).toString();
  const text = [
    `Hello ${approval.approver.name},`,
    '',
    opening,
    '',
    `${stage}. ${quorum}`.trim(),
    ...(why ? ['', why] : []),
    ...(belowThreshold ? ['', belowThreshold] : []),
    '',
    summaryText(proposal),
    '',
    proposal.description,
    '',
    ...(proposal.score ? [scoreText(proposal.score), ''] : []),
    `Approve: ${approveUrl}`,
    `Reject: ${rejectUrl}`,
    '',
    'Each link opens a page where you confirm your decision; opening it changes nothing.',
    `Away? Name a delegate for your out-of-office period: ${input.delegationUrl}`,
  ].join('\n');
  return { subject, html: `<!doctype html>${html}`, text };
}

/** Tells the submitter the proposal arrived, with the personal link to withdraw it. */
export function submissionReceivedEmail(input: { readonly proposal: Proposal; readonly proposalUrl: string; readonly withdrawUrl: string }): EmailMessage {
  const { proposal } = input;
  const subject = oneLine(`Proposal received: ${proposal.title}`);
  const revised = proposal.revision > 1 ? ` (revision ${proposal.revision})` : '';
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {proposal.submitter.name},</p>
      <p>
        We received your proposal <strong>{proposal.title}</strong>
        {revised}. It will be scored and sent to its approvers; you will get an email with the decision.
      </p>
      <ProposalSummary proposal={proposal} />
      <p>
        <a target="_blank" rel="noopener noreferrer" href={input.proposalUrl}>Follow its progress</a>
      </p>
      <p style="color: #555;">
        Changed your mind? <a target="_blank" rel="noopener noreferrer" href={input.withdrawUrl}>Withdraw the proposal</a> while it is in review.
      </p>
    </EmailLayout>
  ).toString();
  const text = [
    `Hello ${proposal.submitter.name},`,
    '',
    `We received your proposal "${proposal.title}"${revised}. It will be scored and sent to its approvers; you will get an email with the decision.`,
    '',
    summaryText(proposal),
    '',
    `Follow its progress: ${input.proposalUrl}`,
    `Withdraw: ${input.withdrawUrl}`,
  ].join('\n');
  return { subject, html: `<!doctype html>${html}`, text };
}

/** The personal link with which someone manages their out-of-office delegation. */
export function delegationAccessEmail(input: { readonly name: string; readonly url: string; readonly validHours: number }): EmailMessage {
  const subject = 'Your link to set an out-of-office delegate';
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {input.name},</p>
      <p>Use this link to name who decides on PMO approvals for you while you are away. It works for {input.validHours} hours.</p>
      <p>
        <a target="_blank" rel="noopener noreferrer" href={input.url}>Set my out-of-office delegate</a>
      </p>
      <p style="color: #555;">If you did not ask for this, ignore this email; nothing changes.</p>
    </EmailLayout>
  ).toString();
  const text = [
    `Hello ${input.name},`,
    '',
    `Use this link to name who decides on PMO approvals for you while you are away. It works for ${input.validHours} hours.`,
    '',
    `Set my out-of-office delegate: ${input.url}`,
    '',
    'If you did not ask for this, ignore this email; nothing changes.',
  ].join('\n');
  return { subject, html: `<!doctype html>${html}`, text };
}

const OUTCOME_HEADLINES: Record<ProposalOutcome['decision'], string> = {
  approve: 'was approved',
  reject: 'was not approved',
  expired: 'expired without a decision',
  withdrawn: 'was withdrawn',
  failed: 'could not be processed',
};

/** Tells the submitter (or the PMO) how a proposal's review ended. */
export function outcomeEmail(input: {
  readonly proposal: Proposal;
  readonly outcome: ProposalOutcome;
  readonly proposalUrl: string;
  readonly recipientName: string;
  /** For a rejection: the submitter's personal link to revise and resubmit. */
  readonly reviseUrl?: string;
}): EmailMessage {
  const { proposal, outcome, proposalUrl, recipientName, reviseUrl } = input;
  const headline = `Your proposal "${proposal.title}" ${OUTCOME_HEADLINES[outcome.decision]}`;
  const subject = oneLine(`Proposal ${OUTCOME_HEADLINES[outcome.decision]}: ${proposal.title}`);
  const onBehalf = outcome.onBehalfOf ? ` on behalf of ${outcome.onBehalfOf.name}` : '';
  const decidedBy = outcome.decidedBy ? `${outcome.decidedBy.name}${onBehalf} decided on ${formatDateTime(outcome.decidedAt)}.` : '';
  const next =
    outcome.decision === 'expired'
      ? 'Nobody decided before the deadline. The PMO has been told and will follow up with you.'
      : outcome.decision === 'failed'
        ? 'Something went wrong while processing it. The PMO has been told and will follow up with you.'
        : '';
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {recipientName},</p>
      <p>
        <strong>{headline}.</strong> {decidedBy}
      </p>
      {outcome.comment ? (
        <blockquote style="border-left: 4px solid #ccc; margin: 0; padding-left: 12px; white-space: pre-wrap;">{outcome.comment}</blockquote>
      ) : null}
      {next ? <p>{next}</p> : null}
      {reviseUrl ? (
        <p>
          You can <a target="_blank" rel="noopener noreferrer" href={reviseUrl}>revise the proposal and resubmit it</a>; it keeps its history and goes through review again.
        </p>
      ) : null}
      <ProposalSummary proposal={proposal} />
      {proposal.score ? <ScoreTable score={proposal.score} /> : null}
      <p>
        <a target="_blank" rel="noopener noreferrer" href={proposalUrl}>See the proposal and its history</a>
      </p>
    </EmailLayout>
  ).toString();
  const text = [
    `Hello ${recipientName},`,
    '',
    `${headline}. ${decidedBy}`.trim(),
    ...(outcome.comment ? ['', `Comment: ${outcome.comment}`] : []),
    ...(next ? ['', next] : []),
    ...(reviseUrl ? ['', `Revise and resubmit: ${reviseUrl}`] : []),
    '',
    summaryText(proposal),
    ...(proposal.score ? ['', scoreText(proposal.score)] : []),
    '',
    `See the proposal and its history: ${proposalUrl}`,
  ].join('\n');
  return { subject, html: `<!doctype html>${html}`, text };
}

/** Tells the PMO lead that a proposal needs attention (expired or failed). */
export function pmoAttentionEmail(input: {
  readonly proposal: Proposal;
  readonly outcome: ProposalOutcome;
  readonly proposalUrl: string;
  readonly recipientName: string;
}): EmailMessage {
  const { proposal, outcome, proposalUrl, recipientName } = input;
  const what = outcome.decision === 'expired' ? 'expired without a decision' : 'failed to process';
  const subject = oneLine(`Needs attention: proposal ${what}: ${proposal.title}`);
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {recipientName},</p>
      <p>
        The proposal <strong>{proposal.title}</strong> {what}. Its submitter, {proposal.submitter.name}, has been told that the PMO will follow up.
      </p>
      <ProposalSummary proposal={proposal} />
      <p>
        <a target="_blank" rel="noopener noreferrer" href={proposalUrl}>Open the proposal</a>
      </p>
    </EmailLayout>
  ).toString();
  const text = [
    `Hello ${recipientName},`,
    '',
    `The proposal "${proposal.title}" ${what}. Its submitter, ${proposal.submitter.name}, has been told that the PMO will follow up.`,
    '',
    summaryText(proposal),
    '',
    `Open the proposal: ${proposalUrl}`,
  ].join('\n');
  return { subject, html: `<!doctype html>${html}`, text };
}
