import { formatDate, formatDateTime } from '#domain/format.ts';
import { nextWeek, previousWeek } from '#domain/timesheet.ts';
import { addDays, weekDates } from '#domain/working-time.ts';
import { environment } from '#adapters/environment.ts';
import type { AuditEvent } from '#domain/audit.ts';
import { TIMESHEET_EDIT_STATUS_LABELS, type TimesheetEdit } from '#domain/timesheet-edit.ts';
import type { BookableProject, TimesheetView } from '#services/timesheet-service.ts';
import { CsrfField, Layout, MessagePage } from './layout.tsx';

/** One row of the grid: a project and the hours typed for each day, Monday first (text, as typed). */
export interface WeekGridRow {
  /** Empty for a row whose project is still to be chosen. */
  readonly projectId: string;
  readonly title?: string;
  readonly hours: readonly string[];
}

/** What the page says was wrong with what was sent: per cell (`h-row-day`), per row, the reason, the whole form. */
export interface WeekFormErrors {
  readonly cells?: Readonly<Record<string, string>>;
  readonly rows?: Readonly<Record<number, string>>;
  readonly reason?: string;
  /** What is wrong with the reason of a late-edit request. */
  readonly lateReason?: string;
  readonly form?: readonly string[];
}

/**
 * A week that locked for its person: changes become a request to their line manager. `pending` is
 * the request waiting for a decision; `edits` and `events` are the week's late edits and history.
 */
export interface LateEditState {
  readonly locked: boolean;
  readonly pending?: TimesheetEdit;
  readonly edits: readonly TimesheetEdit[];
  readonly events: readonly AuditEvent[];
}

/** Where the page's forms go: the signed-in person's own week, or the emailed link (with its key). */
export type WeekPageTarget = { readonly kind: 'session' } | { readonly kind: 'link'; readonly key: string };

/** The id (and field name) of a grid cell. */
export function cellId(row: number, day: number): string {
  return `h-${row}-${day}`;
}

/** The field name of a row's project. */
export function rowProjectField(row: number): string {
  return `project-${row}`;
}

const STATUS_LABELS: Record<TimesheetView['status'], string> = { NOT_STARTED: 'Not started', DRAFT: 'Draft', SUBMITTED: 'Submitted' };

const DAY_HEADING = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

function dayHeading(isoDate: string): string {
  return DAY_HEADING.format(new Date(`${isoDate}T00:00:00Z`));
}

/** Hours as people read them: `7.5`, `0`. */
function hoursText(hours: number): string {
  return String(Math.round(hours * 100) / 100);
}

/** A typed value as hours, when it reads as a number: `7.5`, `7,5`, `7:30`. */
export function readHours(text: string): number | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  const clock = /^(\d{1,2}):([0-5]\d)$/.exec(value);
  if (clock) return Number(clock[1]) + Number(clock[2]) / 60;
  if (!/^\d{0,2}([.,]\d{1,4})?$/.test(value)) return undefined;
  return Number(value.replace(',', '.'));
}

function weekPath(weekStart: string): string {
  return `/timesheets/${weekStart}`;
}

function actionOf(view: Pick<TimesheetView, 'email' | 'weekStart'>, target: WeekPageTarget): string {
  return target.kind === 'session' ? weekPath(view.weekStart) : `/timesheets/${encodeURIComponent(view.email)}/${view.weekStart}/link`;
}

/** The hidden fields every form of the page carries: the session's CSRF token or the link's key, and the version shown. */
function FormIdentity(props: { target: WeekPageTarget; version: number }) {
  return (
    <>
      <CsrfField />
      {props.target.kind === 'link' ? <input type="hidden" name="key" value={props.target.key} /> : null}
      <input type="hidden" name="version" value={String(props.version)} />
    </>
  );
}

function StatusBadge(props: { status: TimesheetView['status'] }) {
  return <span class={`status ${props.status}`}>{STATUS_LABELS[props.status]}</span>;
}

/** The grid's totals from what is typed (what cannot be read as hours counts as nothing). */
function gridTotals(rows: readonly WeekGridRow[]) {
  const byDay = [0, 0, 0, 0, 0, 0, 0];
  const byRow = rows.map((row) =>
    row.hours.reduce((sum, text, day) => {
      const hours = readHours(text) ?? 0;
      byDay[day] = (byDay[day] ?? 0) + hours;
      return sum + hours;
    }, 0),
  );
  return { byDay, byRow, total: byRow.reduce((sum, hours) => sum + hours, 0) };
}

/** The error summary at the top of a refused form, linking to each cell or field. */
function ErrorSummary(props: { errors: WeekFormErrors; rows: readonly WeekGridRow[]; dates: readonly string[] }) {
  const { errors } = props;
  const items: { href: string; text: string }[] = [];
  for (const message of errors.form ?? []) items.push({ href: '#week-grid', text: message });
  for (const [row, message] of Object.entries(errors.rows ?? {})) {
    items.push({ href: `#${rowProjectField(Number(row))}`, text: `${props.rows[Number(row)]?.title ?? `New row ${Number(row) + 1}`}: ${message}` });
  }
  for (const [id, message] of Object.entries(errors.cells ?? {})) {
    const [, row, day] = id.split('-').map(Number) as [number, number, number];
    items.push({ href: `#${id}`, text: `${props.rows[row]?.title ?? `New row ${row + 1}`}, ${dayHeading(props.dates[day] ?? '')}: ${message}` });
  }
  if (errors.reason) items.push({ href: '#reason', text: `Why you did not work: ${errors.reason}` });
  if (items.length === 0) return null;
  return (
    // Focused when the page loads (autofocus: the CSP allows no script), as on the intake form.
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} autofocus>
      <h2 id="error-summary-title">Not saved: please correct {items.length === 1 ? 'this' : `these ${items.length} things`}</h2>
      <ul>
        {items.map((item) => (
          <li>
            <a href={item.href}>{item.text}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A row's heading: the project's title, or the choice of a project for a new row. */
function RowHeading(props: { row: WeekGridRow; index: number; options: readonly BookableProject[]; chosen: ReadonlySet<string>; error?: string | undefined; editable: boolean }) {
  const { row, index } = props;
  const field = rowProjectField(index);
  if (row.projectId !== '' || !props.editable) {
    return (
      <th scope="row" id={`row-${index}`}>
        {row.title ?? row.projectId}
        {props.editable ? <input type="hidden" name={field} id={field} value={row.projectId} /> : null}
        {props.error ? <p class="error-text">{props.error}</p> : null}
      </th>
    );
  }
  return (
    <th scope="row" id={`row-${index}`} class={props.error ? 'has-error' : undefined}>
      <label class="visually-hidden" for={field}>
        Project for new row {index + 1}
      </label>
      {props.error ? (
        <p class="error-text" id={`${field}-error`}>
          <span class="visually-hidden">Error: </span>
          {props.error}
        </p>
      ) : null}
      <select id={field} name={field} aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? `${field}-error` : undefined}>
        <option value="">Add a project…</option>
        {props.options
          .filter((option) => !props.chosen.has(option.id))
          .map((option) => (
            <option value={option.id}>{option.title}</option>
          ))}
      </select>
    </th>
  );
}

/**
 * The week page: a projects × days grid of hours with day and project totals and the expected
 * hours, "copy last week", "I did not work this week", Save draft and Submit. No script: every
 * action is a form post. On a phone the grid scrolls sideways inside its region, the project
 * column staying in view.
 */
export function TimesheetWeekPage(props: {
  person: { readonly name: string; readonly email: string };
  view: TimesheetView;
  rows: readonly WeekGridRow[];
  options: readonly BookableProject[];
  target: WeekPageTarget;
  reason?: string;
  lateReason?: string;
  lateEdit?: LateEditState;
  errors?: WeekFormErrors;
  notice?: { readonly tone: 'ok' | 'info' | 'bad'; readonly text: string };
}) {
  const { view, rows, target } = props;
  const dates = weekDates(view.weekStart);
  const errors = props.errors ?? {};
  const hasErrors = Boolean(errors.form?.length || Object.keys(errors.cells ?? {}).length || Object.keys(errors.rows ?? {}).length || errors.reason || errors.lateReason);
  const locked = props.lateEdit?.locked === true;
  const pending = props.lateEdit?.pending;
  // A locked week's grid is where the person writes the change they ask for, unless one waits already.
  const editable = locked ? pending === undefined : view.status !== 'SUBMITTED';
  const totals = gridTotals(rows);
  const chosen = new Set(rows.map((row) => row.projectId).filter((id) => id !== ''));
  const action = actionOf(view, target);
  const heading = `Timesheet: week of ${formatDate(view.weekStart)}`;
  return (
    <Layout title={`${hasErrors ? 'Error: ' : ''}${heading}`} wide>
      {props.notice ? (
        <div class={`notice ${props.notice.tone}`} role={props.notice.tone === 'bad' ? 'alert' : 'status'}>
          <p>{props.notice.text}</p>
        </div>
      ) : null}
      <ErrorSummary errors={errors} rows={rows} dates={dates} />
      <h1>{heading}</h1>
      <p>
        <StatusBadge status={view.status} /> {props.person.name}, {formatDate(view.weekStart)} to {formatDate(addDays(view.weekStart, 6))}. Expected:{' '}
        <strong>{hoursText(view.expected.total)} h</strong>; booked: <strong>{hoursText(view.totals.total)} h</strong>.
      </p>
      {target.kind === 'session' ? (
        <nav class="week-nav" aria-label="Other weeks">
          <a href={weekPath(previousWeek(view.weekStart))}>← Previous week</a>
          <a href={weekPath(nextWeek(view.weekStart))}>Next week →</a>
        </nav>
      ) : null}
      {locked ? (
        <div class={`notice ${pending ? 'info' : 'warn'}`} role="status">
          {pending ? (
            <p>
              Your late change, asked on {formatDateTime(pending.requestedAt, environment.orgTimeZone)}, is waiting for your line manager: “{pending.reason}”. The week
              changes only if they approve it.
            </p>
          ) : (
            <p>
              This week locked on {formatDate(view.locksOn)}. To change it, correct the hours below and say why: your line manager decides, and the week changes only if
              they approve.
            </p>
          )}
        </div>
      ) : view.status === 'SUBMITTED' ? (
        <div class="notice ok">
          <p>
            Submitted{view.submittedAt ? ` on ${formatDateTime(view.submittedAt, environment.orgTimeZone)}` : ''}. To change it, ask the PMO to reopen the week.
          </p>
          {view.noWork ? <p>You said you did not work this week: {view.noWork.reason}</p> : null}
        </div>
      ) : (
        <p class="hint">
          Enter hours as numbers such as 7.5 (quarter hours). Save a draft as often as you like; submit when the week is complete. The week locks on{' '}
          {formatDate(view.locksOn)}.
        </p>
      )}
      {view.status === 'DRAFT' && view.noWork ? <p>Saved as a week you did not work: {view.noWork.reason}</p> : null}

      <p class="hint scroll-hint">The grid scrolls sideways for the rest of the week; the project column stays in view.</p>
      <form method="post" action={action} novalidate id="week-grid">
        <FormIdentity target={target} version={view.version} />
        {props.options.length === 0 ? (
          // Above the grid, not inside its scrolling row, where a phone would cut it off.
          <p class="notice info" role="status">
            There is no active project to book hours to yet: the PMO's approved proposals become projects. You can still say you did not work this week.
          </p>
        ) : null}
        <section class="table-scroll timesheet-scroll" aria-labelledby="week-caption" tabindex={0}>
          <table class="timesheet">
            <caption id="week-caption" class="visually-hidden">
              Hours by project and day, week of {formatDate(view.weekStart)}
            </caption>
            <thead>
              <tr>
                <th scope="col">Project</th>
                {dates.map((date, day) => (
                  <th scope="col" class="num" id={`day-${day}`}>
                    {dayHeading(date)}
                  </th>
                ))}
                <th scope="col" class="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 ? (
                <tr>
                  <td colspan={9} class="muted">
                    {props.options.length === 0 ? 'No projects yet.' : 'Nothing booked.'}
                  </td>
                </tr>
              ) : null}
              {rows.map((row, index) => (
                <tr>
                  <RowHeading row={row} index={index} options={props.options} chosen={chosen} error={errors.rows?.[index]} editable={editable} />
                  {dates.map((date, day) => {
                    const id = cellId(index, day);
                    const message = errors.cells?.[id];
                    const label = `${row.title ?? `New row ${index + 1}`}, ${dayHeading(date)}`;
                    return (
                      <td class={`num${message ? ' has-error' : ''}`}>
                        {editable ? (
                          <input
                            class="hours"
                            type="text"
                            inputmode="decimal"
                            autocomplete="off"
                            id={id}
                            name={id}
                            value={row.hours[day] ?? ''}
                            aria-label={label}
                            aria-invalid={message ? 'true' : undefined}
                            aria-describedby={message ? `${id}-error` : undefined}
                          />
                        ) : (
                          (row.hours[day] ?? '') || <span class="muted">–</span>
                        )}
                        {message ? (
                          <span class="error-text cell-error" id={`${id}-error`}>
                            <span class="visually-hidden">Error: </span>
                            {message}
                          </span>
                        ) : null}
                      </td>
                    );
                  })}
                  <td class="num total">{hoursText(totals.byRow[index] ?? 0)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Booked</th>
                {dates.map((_date, day) => (
                  <td class="num">{hoursText(totals.byDay[day] ?? 0)}</td>
                ))}
                <td class="num">{hoursText(totals.total)}</td>
              </tr>
              <tr class="expected">
                <th scope="row">Expected</th>
                {dates.map((date) => (
                  <td class="num">{hoursText(view.expected.byDate[date] ?? 0)}</td>
                ))}
                <td class="num">{hoursText(view.expected.total)}</td>
              </tr>
            </tfoot>
          </table>
        </section>
        {editable && locked ? (
          <>
            <div class={`field${errors.lateReason ? ' has-error' : ''}`}>
              <label for="lateReason">Why does the week change after it locked?</label>
              {errors.lateReason ? (
                <p class="error-text" id="lateReason-error">
                  <span class="visually-hidden">Error: </span>
                  {errors.lateReason}
                </p>
              ) : null}
              <textarea
                id="lateReason"
                name="lateReason"
                maxlength={500}
                rows={2}
                aria-invalid={errors.lateReason ? 'true' : undefined}
                aria-describedby={errors.lateReason ? 'lateReason-error' : undefined}
              >
                {props.lateReason ?? ''}
              </textarea>
            </div>
            <div class="actions">
              <button type="submit" name="action" value="late-edit" class="approve">
                Ask my manager to approve this change
              </button>
            </div>
          </>
        ) : editable ? (
          <div class="actions">
            <button type="submit" name="action" value="save">
              Save draft
            </button>
            <button type="submit" name="action" value="submit" class="approve">
              Submit week
            </button>
            <button type="submit" name="action" value="copy" class="secondary">
              Copy last week
            </button>
          </div>
        ) : null}
      </form>

      {editable && !locked ? (
        <form method="post" action={action} novalidate class="no-work">
          <FormIdentity target={target} version={view.version} />
          <h2>I did not work this week</h2>
          <div class={`field${errors.reason ? ' has-error' : ''}`}>
            <label for="reason">Why not?</label>
            <p class="hint" id="reason-hint">
              For example parental leave or a sabbatical. This submits the week with no hours.
            </p>
            {errors.reason ? (
              <p class="error-text" id="reason-error">
                <span class="visually-hidden">Error: </span>
                {errors.reason}
              </p>
            ) : null}
            <textarea
              id="reason"
              name="reason"
              maxlength={500}
              rows={2}
              aria-invalid={errors.reason ? 'true' : undefined}
              aria-describedby={errors.reason ? 'reason-hint reason-error' : 'reason-hint'}
            >
              {props.reason ?? ''}
            </textarea>
          </div>
          <div class="actions">
            <button type="submit" name="action" value="no-work" class="secondary">
              Submit: I did not work this week
            </button>
          </div>
        </form>
      ) : null}
      {props.lateEdit && (props.lateEdit.edits.length > 0 || props.lateEdit.events.length > 0) ? <WeekHistory state={props.lateEdit} /> : null}
    </Layout>
  );
}

/** The week's late edits and its history (submitted, reopened, late changes asked and decided). */
function WeekHistory(props: { state: LateEditState }) {
  const { edits, events } = props.state;
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {edits.length > 0 ? (
        <ul>
          {edits.map((edit) => (
            <li>
              Late change asked on {formatDateTime(edit.requestedAt, environment.orgTimeZone)}: {TIMESHEET_EDIT_STATUS_LABELS[edit.status]}
              {edit.decision?.comment ? ` (“${edit.decision.comment}”)` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      <ol class="history">
        {events.map((event) => (
          <li>
            <time datetime={event.at}>{formatDateTime(event.at, environment.orgTimeZone)}</time> {event.summary}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** With sign-in off there is nobody whose week to show. */
export function NoPersonPage() {
  return (
    <MessagePage title="Timesheets need sign-in" tone="info">
      <p>Sign-in is off on this stack, so there is nobody whose week to show. Use the JSON API at /api/timesheets/:email/:weekStart.</p>
    </MessagePage>
  );
}

/** The page for a week address that names no week (not a Monday, not a date). */
export function WeekNotFoundPage() {
  return (
    <MessagePage title="Week not found" tone="bad">
      <p>
        A week is named by its Monday, such as /timesheets/2027-01-04. <a href="/timesheets">Go to this week</a>.
      </p>
    </MessagePage>
  );
}

/** An emailed week link whose key does not open this week. */
export function TimesheetLinkInvalidPage() {
  return (
    <MessagePage title="This link is not valid" tone="bad">
      <p>The timesheet link is incomplete or was changed, or it is for another week. Open it again from the email you received, or sign in and open your timesheet.</p>
    </MessagePage>
  );
}

/** An emailed week link after the week locked. */
export function TimesheetLinkLockedPage() {
  return (
    <MessagePage title="This week is closed" tone="bad">
      <p>The week this link is for has locked, so the link no longer works. To change it, sign in and ask your manager for a late edit.</p>
    </MessagePage>
  );
}
