import { formatDateTime } from '#domain/format.ts';
import type { Proposal, ProposalOutcome } from '#domain/proposal.ts';
import { proposalSummary } from '#domain/proposal-summary.ts';
import type { EarlierDecision } from '#domain/approval.ts';
import { environment } from '#adapters/environment.ts';
import { DecisionList, decisionListText } from './approval-emails.tsx';
import { DetailTable, EmailLayout, ExternalLink, FactsTable, factsText, message, oneLine, type EmailMessage } from './layout.tsx';

/**
 * Tells the submitter the proposal arrived (or, after the PMO restarted a review that stopped, that
 * it is in review again), with the personal link to withdraw it.
 */
export function submissionReceivedEmail(input: { readonly proposal: Proposal; readonly proposalUrl: string; readonly withdrawUrl: string }): EmailMessage {
  const { proposal } = input;
  const view = proposalSummary(proposal);
  const restarted = proposal.attempt > 1;
  const subject = oneLine(restarted ? `Proposal in review again: ${proposal.title}` : `Proposal received: ${proposal.title}`);
  const revised = proposal.revision > 1 ? ` (revision ${proposal.revision})` : '';
  const opening = restarted
    ? `The PMO restarted the review of your proposal "${proposal.title}"${revised}. It goes to its approvers again from the first level; you will get an email with the decision.`
    : `We received your proposal "${proposal.title}"${revised}. It will be scored and sent to its approvers; you will get an email with the decision.`;
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {proposal.submitter.name},</p>
      <p>{opening}</p>
      <FactsTable view={view} />
      <p>
        <ExternalLink href={input.proposalUrl}>Follow its progress</ExternalLink>
      </p>
      <p style="color: #555;">
        Changed your mind? <ExternalLink href={input.withdrawUrl}>Withdraw the proposal</ExternalLink> while it is in review.
      </p>
    </EmailLayout>
  );
  return message(subject, html, [
    `Hello ${proposal.submitter.name},`,
    '',
    opening,
    '',
    ...factsText(view),
    '',
    `Follow its progress: ${input.proposalUrl}`,
    `Withdraw: ${input.withdrawUrl}`,
  ]);
}

const OUTCOME_HEADLINES: Record<ProposalOutcome['decision'], string> = {
  approve: 'was approved',
  reject: 'was not approved',
  expired: 'expired without a decision',
  withdrawn: 'was withdrawn',
  failed: 'could not be processed',
};

/** Tells the submitter how a proposal's review ended, with every decision and comment made in it. */
export function outcomeEmail(input: {
  readonly proposal: Proposal;
  readonly outcome: ProposalOutcome;
  readonly proposalUrl: string;
  readonly recipientName: string;
  /** Every decision of the review, level by level, with its comment. */
  readonly decisions?: readonly EarlierDecision[];
  /** For a rejection: the submitter's personal link to revise and resubmit. */
  readonly reviseUrl?: string;
  /** For an approval: the project it became. */
  readonly projectUrl?: string;
}): EmailMessage {
  const { proposal, outcome, proposalUrl, recipientName, reviseUrl, projectUrl } = input;
  const view = proposalSummary(proposal);
  const decisions = input.decisions ?? [];
  const headline = `Your proposal "${proposal.title}" ${OUTCOME_HEADLINES[outcome.decision]}`;
  const subject = oneLine(`Proposal ${OUTCOME_HEADLINES[outcome.decision]}: ${proposal.title}`);
  const onBehalf = outcome.onBehalfOf ? ` on behalf of ${outcome.onBehalfOf.name}` : '';
  const decidedBy = outcome.decidedBy ? `${outcome.decidedBy.name}${onBehalf} decided on ${formatDateTime(outcome.decidedAt, environment.orgTimeZone)}.` : '';
  // The deciding comment is shown once: in the list of decisions when there is one, else on its own.
  const commentApart = decisions.length === 0 ? outcome.comment : undefined;
  const next =
    outcome.decision === 'expired'
      ? 'Nobody decided before the deadline. The PMO has been told and will follow up with you.'
      : outcome.decision === 'failed'
        ? `${outcome.reason ? `${outcome.reason}.` : 'Something went wrong while processing it.'} The PMO has been told and will follow up with you.`
        : '';
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {recipientName},</p>
      <p>
        <strong>{headline}.</strong> {decidedBy}
      </p>
      {commentApart ? <blockquote style="border-left: 4px solid #ccc; margin: 0; padding-left: 12px; white-space: pre-wrap;">{commentApart}</blockquote> : null}
      {decisions.length > 0 ? <DecisionList decisions={decisions} /> : null}
      {next ? <p>{next}</p> : null}
      {projectUrl ? (
        <p>
          It is now a project: <ExternalLink href={projectUrl}>open the project</ExternalLink>.
        </p>
      ) : null}
      {reviseUrl ? (
        <p>
          You can <ExternalLink href={reviseUrl}>revise the proposal and resubmit it</ExternalLink>; it keeps its history and goes through review again.
        </p>
      ) : null}
      <FactsTable view={view} />
      {view.table ? <DetailTable table={view.table} /> : null}
      <p>
        <ExternalLink href={proposalUrl}>See the proposal and its history</ExternalLink>
      </p>
    </EmailLayout>
  );
  return message(subject, html, [
    `Hello ${recipientName},`,
    '',
    `${headline}. ${decidedBy}`.trim(),
    ...(commentApart ? ['', `Comment: ${commentApart}`] : []),
    ...(decisions.length > 0 ? ['', ...decisionListText(decisions)] : []),
    ...(next ? ['', next] : []),
    ...(projectUrl ? ['', `It is now a project: ${projectUrl}`] : []),
    ...(reviseUrl ? ['', `Revise and resubmit: ${reviseUrl}`] : []),
    '',
    ...factsText(view),
    ...(view.table ? ['', ...view.table.text] : []),
    '',
    `See the proposal and its history: ${proposalUrl}`,
  ]);
}

/** Tells the PMO lead that a proposal needs attention (expired or failed), with a link to restart its review. */
export function pmoAttentionEmail(input: {
  readonly proposal: Proposal;
  readonly outcome: ProposalOutcome;
  readonly proposalUrl: string;
  readonly recipientName: string;
  /** The recipient's personal link to restart the review. */
  readonly restartUrl?: string;
}): EmailMessage {
  const { proposal, outcome, proposalUrl, recipientName, restartUrl } = input;
  const view = proposalSummary(proposal);
  const what = outcome.decision === 'expired' ? 'expired without a decision' : outcome.reason ? 'stopped before a decision' : 'failed to process';
  const reason = outcome.decision === 'failed' && (outcome.reason ?? outcome.error) ? `Reason: ${outcome.reason ?? outcome.error}.` : '';
  const subject = oneLine(`Needs attention: proposal ${what}: ${proposal.title}`);
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {recipientName},</p>
      <p>
        The proposal <strong>{proposal.title}</strong> {what}. Its submitter, {proposal.submitter.name}, has been told that the PMO will follow up.
      </p>
      {reason ? <p>{reason}</p> : null}
      <FactsTable view={view} />
      <p>
        <ExternalLink href={proposalUrl}>Open the proposal</ExternalLink>
      </p>
      {restartUrl ? (
        <p>
          When the cause is dealt with, <ExternalLink href={restartUrl}>restart its review</ExternalLink>: it goes through the approval policy again, and the
          submitter is told. The link is personal to you.
        </p>
      ) : null}
    </EmailLayout>
  );
  return message(subject, html, [
    `Hello ${recipientName},`,
    '',
    `The proposal "${proposal.title}" ${what}. Its submitter, ${proposal.submitter.name}, has been told that the PMO will follow up.`,
    ...(reason ? ['', reason] : []),
    '',
    ...factsText(view),
    '',
    `Open the proposal: ${proposalUrl}`,
    ...(restartUrl ? [`Restart its review: ${restartUrl}`] : []),
  ]);
}
