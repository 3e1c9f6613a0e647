import type { EarlierDecision } from '#domain/approval.ts';
import type { AuditEvent } from '#domain/audit.ts';
import { formatDateTime } from '#domain/format.ts';
import type { SubjectTable, SubjectView } from '#domain/subject.ts';
import { environment } from '#adapters/environment.ts';

/** The short summary of any subject under review: its facts, first on every approval page. */
export function SubjectFacts(props: { view: SubjectView }) {
  return (
    <dl class="summary">
      {props.view.facts.map((fact) => (
        <>
          <dt>{fact.label}</dt>
          <dd>{fact.value}</dd>
        </>
      ))}
    </dl>
  );
}

/** A subject's backing table (score breakdown, invoice lines), scrolling inside its own box on a phone. */
export function SubjectTableView(props: { table: SubjectTable }) {
  const { table } = props;
  const numeric = (index: number) => (table.columns[index]?.numeric ? 'num' : undefined);
  return (
    <div class="table-scroll">
      <table>
        <caption>{table.caption}</caption>
        <thead>
          <tr>
            {table.columns.map((column, index) => (
              <th scope="col" class={numeric(index)}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row) => (
            <tr>
              {row.map((cell, index) => (
                <td class={numeric(index)}>{cell}</td>
              ))}
            </tr>
          ))}
          {table.footer ? (
            <tr>
              {table.footer.map((cell, index) => (
                <td class={numeric(index)}>
                  <strong>{cell}</strong>
                </td>
              ))}
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

/** The decisions made so far in a review, level by level. */
export function EarlierDecisions(props: { decisions: readonly EarlierDecision[] }) {
  if (props.decisions.length === 0) return null;
  return (
    <section aria-labelledby="decided-so-far">
      <h2 id="decided-so-far">Decided so far</h2>
      <ul class="decisions">
        {props.decisions.map((decision) => (
          <li>
            {decision.earlierReview ? 'Earlier review, level' : 'Level'} {decision.level} ({decision.levelName}): <strong>{decision.decision === 'approve' ? 'approved' : 'rejected'}</strong> by{' '}
            {decision.approver.name}
            {decision.onBehalfOf ? ` on behalf of ${decision.onBehalfOf.name}` : ''} on {formatDateTime(decision.decidedAt, environment.orgTimeZone)}
            {decision.comment ? <blockquote>{decision.comment}</blockquote> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The details of a subject after the summary: the submitter's description and the backing table. */
export function SubjectDetails(props: { view: SubjectView }) {
  const { view } = props;
  return (
    <>
      {view.description ? (
        <>
          <h2>Description</h2>
          <p class="description">{view.description}</p>
        </>
      ) : null}
      {view.table ? <SubjectTableView table={view.table} /> : null}
    </>
  );
}

/** An audit trail, oldest first, in the organisation's time zone. */
export function HistoryTimeline(props: { history: readonly AuditEvent[] }) {
  return (
    <ol class="timeline">
      {props.history.map((event) => (
        <li>
          <time datetime={event.at}>{formatDateTime(event.at, environment.orgTimeZone)}</time> — {event.summary}
        </li>
      ))}
    </ol>
  );
}
