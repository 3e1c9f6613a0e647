import { formatDateTime } from '#domain/format.ts';
import { environment } from '#adapters/environment.ts';
import type { WaitingApproval } from '#services/approval-queries.ts';
import { Layout } from './layout.tsx';

function age(hours: number): string {
  return hours < 48 ? `${Math.floor(hours)} h` : `${Math.floor(hours / 24)} days`;
}

/** The approvals waiting for a decision, oldest first: the PMO's view of all, or someone's own. */
export function ApprovalsPage(props: { approvals: readonly WaitingApproval[]; all: boolean }) {
  const overdue = props.approvals.filter((approval) => approval.overdue).length;
  return (
    <Layout title="Approvals waiting" wide>
      <h1>Approvals waiting</h1>
      <p>
        {props.all ? 'Every approval waiting for a decision' : 'The approvals waiting for your decision'}, oldest first: {props.approvals.length}
        {overdue > 0 ? `, ${overdue} overdue` : ''}. {props.all ? '' : 'Decide from the link in the email each came with.'}
      </p>
      <section class="table-scroll" aria-label="Approvals waiting" tabindex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col">Level</th>
              {props.all ? <th scope="col">Waiting for</th> : null}
              <th scope="col">Asked</th>
              <th scope="col" class="num">
                Age
              </th>
              <th scope="col">Due</th>
            </tr>
          </thead>
          <tbody>
            {props.approvals.length === 0 ? (
              <tr>
                <td colspan={props.all ? 6 : 5} class="muted">
                  Nothing is waiting.
                </td>
              </tr>
            ) : null}
            {props.approvals.map((approval) => (
              <tr>
                <td>
                  <a href={approval.pagePath}>{approval.title}</a> <span class="muted">({approval.noun})</span>
                </td>
                <td>{approval.levelName}</td>
                {props.all ? (
                  <td>
                    {approval.approverName}
                    {approval.onBehalfOfName ? ` for ${approval.onBehalfOfName}` : ''}
                  </td>
                ) : null}
                <td class="nowrap">{formatDateTime(approval.requestedAt, environment.orgTimeZone)}</td>
                <td class="num nowrap">
                  {age(approval.ageHours)}
                  {approval.overdue ? <strong class="error-text"> overdue</strong> : null}
                </td>
                <td class="nowrap">{formatDateTime(approval.dueAt, environment.orgTimeZone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}
