import { formatDateTime } from '#domain/format.ts';
import { REPORT_KIND_LABELS, type ReportDefinition } from '#domain/report-definition.ts';
import { REPORT_RUN_STATUS_LABELS, type ReportRun } from '#domain/report-run.ts';
import { environment } from '#adapters/environment.ts';
import { CsrfField, Layout, MessagePage } from './layout.tsx';

function scopeWords(definition: ReportDefinition): string {
  return definition.scope.kind === 'portfolio' ? 'Whole portfolio' : definition.scope.kind === 'department' ? `Department ${definition.scope.department}` : 'Projects each recipient manages';
}

function recipientsWords(definition: ReportDefinition): string {
  return definition.recipients.map((recipient) => ('role' in recipient ? `everyone with role ${recipient.role}` : recipient.person)).join(', ');
}

/** The PMO's scheduled reports. */
export function ReportListPage(props: { definitions: readonly ReportDefinition[] }) {
  return (
    <Layout title="Scheduled reports" wide>
      <h1>Scheduled reports</h1>
      <p class="hint">Each recipient gets their own copy, computed from what they may read. Definitions are managed through the API (POST /api/reports).</p>
      <section class="table-scroll" aria-label="Scheduled reports" tabindex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">Report</th>
              <th scope="col">What</th>
              <th scope="col">When</th>
              <th scope="col">Next run</th>
            </tr>
          </thead>
          <tbody>
            {props.definitions.map((definition) => (
              <tr>
                <td>
                  <a href={`/reports/${definition.id}`}>{definition.name}</a>
                </td>
                <td>
                  {REPORT_KIND_LABELS[definition.template]} · {scopeWords(definition)}
                </td>
                <td class="nowrap">
                  <code>{definition.cron}</code> ({definition.timeZone})
                </td>
                <td class="nowrap">{definition.enabled && definition.nextRunAt ? formatDateTime(definition.nextRunAt, environment.orgTimeZone) : 'Off'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}

/** One report: what it sends to whom and when, "Send now", and its runs. */
export function ReportPage(props: { definition: ReportDefinition; runs: readonly ReportRun[]; notice?: string }) {
  const { definition } = props;
  return (
    <Layout title={definition.name} wide>
      {props.notice ? (
        <div class="notice ok" role="status">
          <p>{props.notice}</p>
        </div>
      ) : null}
      <h1>{definition.name}</h1>
      <dl class="summary">
        <dt>What</dt>
        <dd>
          {REPORT_KIND_LABELS[definition.template]} · {scopeWords(definition)}
        </dd>
        <dt>To</dt>
        <dd>{recipientsWords(definition)}</dd>
        <dt>When</dt>
        <dd>
          <code>{definition.cron}</code> in {definition.timeZone}
          {definition.onlyWhenAttentionNeeded ? ', only when something needs attention' : ''}
        </dd>
        <dt>Next run</dt>
        <dd>{definition.enabled && definition.nextRunAt ? formatDateTime(definition.nextRunAt, environment.orgTimeZone) : 'Off'}</dd>
      </dl>
      <form method="post" action={`/reports/${definition.id}/send`}>
        <CsrfField />
        <button type="submit" class="secondary">
          Send now
        </button>
      </form>
      <h2>Runs</h2>
      <section class="table-scroll" aria-label="Runs" tabindex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">For</th>
              <th scope="col">Period</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                Sent
              </th>
              <th scope="col" class="num">
                Left out
              </th>
              <th scope="col" class="num">
                Failed
              </th>
            </tr>
          </thead>
          <tbody>
            {props.runs.length === 0 ? (
              <tr>
                <td colspan={6} class="muted">
                  No run yet.
                </td>
              </tr>
            ) : null}
            {props.runs.map((run) => (
              <tr>
                <td class="nowrap">
                  {formatDateTime(run.scheduledFor, environment.orgTimeZone)}
                  {run.requestedBy ? <span class="muted"> (sent by hand)</span> : null}
                </td>
                <td>{run.periodLabel}</td>
                <td>{REPORT_RUN_STATUS_LABELS[run.status]}</td>
                <td class="num">{run.sent}</td>
                <td class="num">{run.skipped}</td>
                <td class="num">{run.failed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}

export function ReportNotFoundPage() {
  return (
    <MessagePage title="Report not found" tone="bad">
      <p>
        No scheduled report has this address. <a href="/reports">All reports</a>.
      </p>
    </MessagePage>
  );
}
