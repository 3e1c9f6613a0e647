import { formatDateTime, formatMoney } from '#domain/format.ts';
import { PROPOSAL_STATUSES, type Proposal, type ProposalStatus } from '#domain/proposal.ts';
import { Layout } from './layout.tsx';
import { StatusBadge } from './proposal-parts.tsx';

/** The portfolio list: proposals newest first, filterable by status, paginated. */
export function ProposalListPage(props: { proposals: Proposal[]; status?: ProposalStatus; nextCursor?: string }) {
  const nextQuery = new URLSearchParams({ ...(props.status ? { status: props.status } : {}), ...(props.nextCursor ? { cursor: props.nextCursor } : {}) });
  return (
    <Layout title="Proposals">
      <h1>Proposals</h1>
      <p>
        <a class="button" href="/proposals/new">
          Submit a proposal
        </a>
      </p>
      <form method="get" action="/proposals" class="actions">
        <label for="status">Status</label>
        <select id="status" name="status">
          <option value="">All</option>
          {PROPOSAL_STATUSES.map((status) => (
            <option value={status} selected={props.status === status}>
              {status}
            </option>
          ))}
        </select>
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      {props.proposals.length === 0 ? (
        <p class="muted">No proposals yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Department</th>
              <th scope="col" class="num">
                Cost
              </th>
              <th scope="col" class="num">
                Score
              </th>
              <th scope="col">Status</th>
              <th scope="col">Submitted</th>
            </tr>
          </thead>
          <tbody>
            {props.proposals.map((proposal) => (
              <tr>
                <td>
                  <a href={`/proposals/${encodeURIComponent(proposal.id)}`}>{proposal.title}</a>
                </td>
                <td>{proposal.department}</td>
                <td class="num">{formatMoney(proposal.estimatedCost)}</td>
                <td class="num">{proposal.score ? proposal.score.total : '—'}</td>
                <td>
                  <StatusBadge status={proposal.status} />
                </td>
                <td>{formatDateTime(proposal.submittedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.nextCursor ? (
        <p>
          <a href={`/proposals?${nextQuery.toString()}`}>Older proposals</a>
        </p>
      ) : null}
    </Layout>
  );
}
