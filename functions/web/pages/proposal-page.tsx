import type { AuditEvent } from '#domain/audit.ts';
import { formatDateTime, formatMoney } from '#domain/format.ts';
import type { Proposal } from '#domain/proposal.ts';
import { environment } from '#adapters/environment.ts';
import type { ApprovalSummary } from '../proposal-view.ts';
import { Layout } from './layout.tsx';
import { ProposalDetails, StatusBadge } from './proposal-parts.tsx';
import { HistoryTimeline } from './subject-parts.tsx';

const STATUS_EXPLANATIONS: Record<Proposal['status'], string> = {
  SUBMITTED: 'Received. It is being scored and routed to its approvers.',
  IN_REVIEW: 'Waiting for a decision.',
  APPROVED: 'Approved at every level its amount requires; the submitter has been told.',
  REJECTED: 'Not approved; the submitter has been told and may revise and resubmit it.',
  EXPIRED: 'Nobody decided before the deadline. The PMO will follow up.',
  WITHDRAWN: 'Withdrawn by the submitter.',
  FAILED: 'Processing failed. The PMO has been told and will follow up.',
};

/** A proposal as a person sees it: status, facts, score, approvals and history. */
export function ProposalPage(props: { proposal: Proposal; approvals: ApprovalSummary[]; history: AuditEvent[]; justSubmitted: boolean }) {
  const { proposal, approvals, history } = props;
  const stage = proposal.status === 'IN_REVIEW' ? proposal.review?.levels.find((level) => level.level === proposal.review?.currentLevel) : undefined;
  return (
    <Layout title={proposal.title}>
      {props.justSubmitted ? (
        <div class="notice ok" role="status">
          <p>Thank you. Your proposal was submitted: an email confirms it now, and another tells you the decision.</p>
          {/* Said in full, so that a misread amount is caught now rather than by Finance. */}
          <p>
            Estimated cost stored: <strong>{formatMoney(proposal.estimatedCost)}</strong>
          </p>
        </div>
      ) : null}
      <h1>{proposal.title}</h1>
      <p>
        <StatusBadge status={proposal.status} />{' '}
        {proposal.status === 'FAILED' && proposal.outcome?.reason
          ? `${proposal.outcome.reason}. The PMO has been told and can restart the review.`
          : STATUS_EXPLANATIONS[proposal.status]}
        {stage ? ` Level ${stage.level} of ${proposal.review!.levels.length}: ${stage.name}.` : ''}
      </p>
      {proposal.projectId ? (
        <p class="notice ok">
          Approved and now a project: <a href={`/projects/${encodeURIComponent(proposal.projectId)}`}>open the project</a>.
        </p>
      ) : null}
      {proposal.review?.belowThreshold ? (
        <p class="notice bad">Below threshold: the score is under the PMO’s floor, so the approvers were told to look closely.</p>
      ) : null}
      {proposal.outcome?.comment ? (
        <div class="notice">
          <strong>Comment from {proposal.outcome.decidedBy?.name ?? 'the approver'}:</strong>
          <p class="description">{proposal.outcome.comment}</p>
        </div>
      ) : null}
      <ProposalDetails proposal={proposal} />
      <h2>Approvals</h2>
      {approvals.length === 0 ? (
        <p class="muted">No approval requested yet.</p>
      ) : (
        // A named, focusable region, so that keyboard users can scroll it on a narrow screen.
        <section class="table-scroll" aria-labelledby="approvals-caption" tabindex={0}>
          <table>
            <caption id="approvals-caption" class="visually-hidden">
              Approvals, in the order they were asked
            </caption>
            <thead>
              <tr>
                <th scope="col">Level</th>
                <th scope="col">Approver</th>
                <th scope="col">Status</th>
                <th scope="col">When</th>
                <th scope="col">Comment</th>
              </tr>
            </thead>
            <tbody>
              {approvals.map((approval) => (
                <tr>
                  <td>
                    {approval.level}: {approval.levelName}
                  </td>
                  <td>
                    {approval.approver.name}
                    {approval.onBehalfOf ? ` (for ${approval.onBehalfOf.name})` : ''}
                    {approval.reassignedFrom.length > 0 ? (
                      <span class="muted"> — reassigned from {approval.reassignedFrom.map((former) => former.name).join(', ')}</span>
                    ) : null}
                  </td>
                  <td>
                    <StatusBadge status={approval.status} />
                  </td>
                  <td>
                    {approval.status === 'PENDING'
                      ? `due ${formatDateTime(approval.dueAt, environment.orgTimeZone)}`
                      : approval.decidedAt
                        ? `${approval.status === 'APPROVED' || approval.status === 'REJECTED' ? 'decided' : 'closed'} ${formatDateTime(approval.decidedAt, environment.orgTimeZone)}`
                        : ''}
                  </td>
                  <td class="description">{approval.comment ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <h2>History</h2>
      <HistoryTimeline history={history} />
    </Layout>
  );
}
