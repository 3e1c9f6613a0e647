import { formatAge, formatDateTime, formatMoney } from '#domain/format.ts';
import { PROPOSAL_STATUSES, type Proposal, type ProposalStatus } from '#domain/proposal.ts';
import { environment } from '#adapters/environment.ts';
import type { ProposalListEntry, ProposalScope, WaitingOn } from '#services/proposal-queries.ts';
import { Layout } from './layout.tsx';
import { StatusBadge, statusLabel } from './proposal-parts.tsx';

/** The lists of proposals, in words. */
const SCOPE_LABELS: Readonly<Record<ProposalScope, string>> = {
  all: 'All proposals',
  mine: 'Submitted by me',
  'to-decide': 'Asked of me',
  team: 'My team’s',
};

/** "Level 2 of 3: Finance" while a proposal is in review at a level. */
function stageOf(proposal: Proposal): string | undefined {
  const review = proposal.review;
  if (proposal.status !== 'IN_REVIEW' || !review) return undefined;
  const level = review.levels.find((candidate) => candidate.level === review.currentLevel);
  return level ? `Level ${level.level} of ${review.levels.length}: ${level.name}` : undefined;
}

function WaitingOnCell(props: { waitingOn: readonly WaitingOn[] }) {
  if (props.waitingOn.length === 0) return <td class="muted">—</td>;
  return (
    <td>
      {props.waitingOn
        .map((waiting) => (waiting.onBehalfOf ? `${waiting.approver.name} (for ${waiting.onBehalfOf.name})` : waiting.approver.name))
        .join(', ')}
    </td>
  );
}

/**
 * The portfolio list: proposals newest first, filterable by status, paginated; for each, where its
 * review stands and whom it waits on, its age, score and cost, and who submitted it. Times are the
 * organisation's, with their offset. On a phone the table scrolls inside its own box, what a PMO
 * chases (status, waiting on, age) in its first columns.
 */
export function ProposalListPage(props: {
  entries: readonly ProposalListEntry[];
  now: Date;
  /** Whose proposals these are, and the other lists the reader may switch to. */
  scope: ProposalScope;
  scopes: readonly ProposalScope[];
  status?: ProposalStatus;
  nextCursor?: string;
}) {
  const nextQuery = new URLSearchParams({ scope: props.scope, ...(props.status ? { status: props.status } : {}), ...(props.nextCursor ? { cursor: props.nextCursor } : {}) });
  const timeZone = environment.orgTimeZone;
  return (
    <Layout title="Proposals" wide>
      <h1>Proposals</h1>
      <p>
        <a class="button" href="/proposals/new">
          Submit a proposal
        </a>
      </p>
      <nav class="scopes" aria-label="Which proposals">
        {props.scopes.map((scope) =>
          scope === props.scope ? (
            <strong aria-current="page">{SCOPE_LABELS[scope]}</strong>
          ) : (
            <a href={`/proposals?scope=${scope}`}>{SCOPE_LABELS[scope]}</a>
          ),
        )}
      </nav>
      <form method="get" action="/proposals" class="actions filters">
        <input type="hidden" name="scope" value={props.scope} />
        <div class="field">
          <label for="status">Status</label>
          <select id="status" name="status">
            <option value="">All</option>
            {PROPOSAL_STATUSES.map((status) => (
              <option value={status} selected={props.status === status}>
                {statusLabel(status)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <button type="submit" class="secondary">
            Filter
          </button>
        </div>
      </form>
      {props.entries.length === 0 ? (
        <p class="muted">No proposals{props.status ? ` are ${statusLabel(props.status).toLowerCase()}` : ' yet'}.</p>
      ) : (
        <>
          <p class="muted">Newest first. Times are in the organisation’s time zone, {timeZone}.</p>
          {/* A named, focusable region, so that keyboard users can scroll it on a narrow screen. */}
          <section class="table-scroll" aria-labelledby="proposals-caption" tabindex={0}>
            <table class="portfolio">
              <caption id="proposals-caption" class="visually-hidden">
                Proposals, newest first
              </caption>
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Status</th>
                  <th scope="col">Waiting on</th>
                  <th scope="col">Age</th>
                  <th scope="col" class="num">
                    Score
                  </th>
                  <th scope="col" class="num">
                    Cost
                  </th>
                  <th scope="col">Submitted by</th>
                  <th scope="col">Department</th>
                  <th scope="col">Submitted</th>
                </tr>
              </thead>
              <tbody>
                {props.entries.map(({ proposal, waitingOn }) => {
                  const stage = stageOf(proposal);
                  return (
                    <tr>
                      <td>
                        <a href={`/proposals/${encodeURIComponent(proposal.id)}`}>{proposal.title}</a>
                      </td>
                      <td>
                        <StatusBadge status={proposal.status} />
                        {stage ? <div class="stage">{stage}</div> : null}
                      </td>
                      <WaitingOnCell waitingOn={waitingOn} />
                      <td class="nowrap">{formatAge(proposal.submittedAt, props.now)}</td>
                      <td class="num">
                        {proposal.score ? proposal.score.total : '—'}
                        {proposal.review?.belowThreshold ? <span class="muted"> below threshold</span> : null}
                      </td>
                      <td class="num nowrap">{formatMoney(proposal.estimatedCost)}</td>
                      <td>{proposal.submitter.name}</td>
                      <td>{proposal.department}</td>
                      <td>
                        <time datetime={proposal.submittedAt}>{formatDateTime(proposal.submittedAt, timeZone)}</time>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        </>
      )}
      {props.nextCursor ? (
        <p>
          <a href={`/proposals?${nextQuery.toString()}`}>Older proposals</a>
        </p>
      ) : null}
    </Layout>
  );
}
