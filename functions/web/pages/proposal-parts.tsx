import { formatDate, formatDateTime, formatMoney } from '#domain/format.ts';
import type { Proposal, ProposalScore } from '#domain/proposal.ts';
import { CRITERION_LABELS } from '#domain/scoring.ts';
import { environment } from '#adapters/environment.ts';

const STATUS_LABELS: Record<string, string> = {
  SUBMITTED: 'Submitted',
  IN_REVIEW: 'In review',
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
  EXPIRED: 'Expired',
  WITHDRAWN: 'Withdrawn',
  FAILED: 'Failed',
  PENDING: 'Pending',
  SUPERSEDED: 'Not needed',
  CANCELLED: 'Cancelled',
};

/** A proposal's or an approval's status in words: "In review", not `IN_REVIEW`. */
export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

/** A status as a labelled badge. */
export function StatusBadge(props: { status: string }) {
  return <span class={`status ${props.status}`}>{statusLabel(props.status)}</span>;
}

/** The facts of a proposal. */
export function ProposalFacts(props: { proposal: Proposal }) {
  const { proposal } = props;
  return (
    <dl class="summary">
      <dt>Submitted by</dt>
      <dd>
        {proposal.submitter.name} ({proposal.submitter.email})
      </dd>
      <dt>Department</dt>
      <dd>{proposal.department}</dd>
      <dt>Estimated cost</dt>
      <dd>{formatMoney(proposal.estimatedCost)}</dd>
      <dt>Dates</dt>
      <dd>
        {formatDate(proposal.startDate)} to {formatDate(proposal.endDate)}
      </dd>
      <dt>Submitted</dt>
      <dd>{formatDateTime(proposal.submittedAt, environment.orgTimeZone)}</dd>
    </dl>
  );
}

/** The score with its per-criterion breakdown, so anyone can check it by hand. */
export function ScoreBreakdown(props: { score: ProposalScore | undefined }) {
  if (!props.score) return <p class="muted">Not scored yet.</p>;
  const { score } = props;
  return (
    <table>
      <caption class="visually-hidden">Score breakdown</caption>
      <thead>
        <tr>
          <th scope="col">Criterion</th>
          <th scope="col" class="num">
            Rating
          </th>
          <th scope="col" class="num">
            Weight
          </th>
          <th scope="col" class="num">
            Points
          </th>
        </tr>
      </thead>
      <tbody>
        {score.breakdown.map((line) => (
          <tr>
            <td>{CRITERION_LABELS[line.criterion]}</td>
            <td class="num">{line.rating} / 5</td>
            <td class="num">{line.weight}</td>
            <td class="num">{line.points}</td>
          </tr>
        ))}
        <tr>
          <th scope="row" colspan={3}>
            Total (rubric {score.rubricVersion})
          </th>
          <td class="num">
            <strong>{score.total} / 100</strong>
          </td>
        </tr>
      </tbody>
    </table>
  );
}

/** What every page about one proposal shows: its facts, its description and its score. */
export function ProposalDetails(props: { proposal: Proposal }) {
  return (
    <>
      <ProposalFacts proposal={props.proposal} />
      <h2>Description</h2>
      <p class="description">{props.proposal.description}</p>
      <h2>Score</h2>
      <ScoreBreakdown score={props.proposal.score} />
    </>
  );
}
