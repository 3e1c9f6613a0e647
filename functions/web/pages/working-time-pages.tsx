import type { Person } from '#domain/directory.ts';
import { formatDate } from '#domain/format.ts';
import { WEEKDAYS, type ExpectedWeek, type HolidayCalendar, type Leave, type WorkPattern } from '#domain/working-time.ts';
import { CsrfField, Layout, MessagePage } from './layout.tsx';

// Working time pages: a person's own leave (/leave), and the public-holiday calendars
// (/holiday-calendars), which everyone reads and the PMO edits.

const WEEKDAY_NAMES: Record<(typeof WEEKDAYS)[number], string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

/** Hours as people read them: `8 h`, `7.5 h`. */
export function hoursText(hours: number): string {
  return `${hours} h`;
}

/** A pattern on one line: `Mon 8 h · Tue 8 h · … · Sun 0 h (40 h a week)`. */
export function patternText(pattern: WorkPattern): string {
  const total = WEEKDAYS.reduce((sum, day) => sum + pattern[day], 0);
  return `${WEEKDAYS.map((day) => `${WEEKDAY_NAMES[day]} ${hoursText(pattern[day])}`).join(' · ')} (${hoursText(total)} a week)`;
}

/** A date with its weekday: `Fri, 3 Apr 2026`. */
function dayText(isoDate: string): string {
  const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'UTC' }).format(new Date(`${isoDate}T00:00:00Z`));
  return `${weekday}, ${formatDate(isoDate)}`;
}

function FieldError(props: { id: string; message: string | undefined }) {
  return props.message ? (
    <p class="error-text" id={`${props.id}-error`}>
      <span class="visually-hidden">Error: </span>
      {props.message}
    </p>
  ) : null;
}

/** The error summary of a refused form, linking to each field that has a message. */
function ErrorSummary(props: { errors: Readonly<Record<string, string | undefined>>; labels: Readonly<Record<string, string>> }) {
  const fields = Object.keys(props.labels).filter((field) => props.errors[field]);
  if (fields.length === 0 && !props.errors.form) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} autofocus>
      <h2 id="error-summary-title">{fields.length > 0 ? `Please correct ${fields.length === 1 ? 'this field' : `these ${fields.length} fields`}` : 'Not saved'}</h2>
      {props.errors.form ? <p>{props.errors.form}</p> : null}
      {fields.length > 0 ? (
        <ul>
          {fields.map((field) => (
            <li>
              <a href={`#${field}`}>
                {props.labels[field]}: {props.errors[field]}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

// ---- Leave -----------------------------------------------------------------------------------------

/** The fields of the leave form. */
export type LeaveFormField = 'from' | 'until' | 'part' | 'reason';

/** What the leave form shows: the text as typed, and a message per refused field. */
export interface LeaveFormState {
  readonly values: Partial<Record<LeaveFormField, string>>;
  readonly errors: Partial<Record<LeaveFormField | 'form', string>>;
}

const LEAVE_LABELS: Record<LeaveFormField, string> = { from: 'First day', until: 'Last day', part: 'Whole days or half a day', reason: 'Note' };

const PART_TEXT: Record<Leave['part'], string> = { full: 'Whole days', morning: 'Morning only', afternoon: 'Afternoon only' };

/** A leave period as a line: `3 Apr 2026 to 10 Apr 2026` or `Fri, 3 Apr 2026, morning`. */
function leavePeriodText(leave: Leave): string {
  if (leave.from === leave.until) return `${dayText(leave.from)}${leave.part === 'full' ? '' : `, ${leave.part}`}`;
  return `${dayText(leave.from)} to ${dayText(leave.until)}`;
}

/** What a person's working time is, as the leave page tells them. */
export interface WorkingTimeSummary {
  readonly pattern: WorkPattern;
  readonly timeZone: string;
  readonly calendar?: Pick<HolidayCalendar, 'id' | 'name'>;
  readonly timesheetsRequired: boolean;
  readonly thisWeek: { readonly weekStart: string; readonly expected: ExpectedWeek };
}

function LeaveTextField(props: { field: 'from' | 'until' | 'reason'; state: LeaveFormState; type: string; hint?: string; optional?: boolean; maxlength?: number }) {
  const { field, state } = props;
  const error = state.errors[field];
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={field}>
        {LEAVE_LABELS[field]}
        {props.optional ? <span class="muted"> (optional)</span> : null}
      </label>
      {props.hint ? (
        <p class="hint" id={`${field}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <FieldError id={field} message={error} />
      <input
        id={field}
        name={field}
        type={props.type}
        value={state.values[field] ?? ''}
        required={!props.optional}
        maxlength={props.maxlength}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={[props.hint ? `${field}-hint` : '', error ? `${field}-error` : ''].filter(Boolean).join(' ') || undefined}
      />
    </div>
  );
}

/** The signed-in person's leave: what they recorded, a form to add more, and a button to remove each. */
export function LeavePage(props: { person: Pick<Person, 'name' | 'email'>; working: WorkingTimeSummary; leave: readonly Leave[]; state: LeaveFormState; notice?: 'added' | 'deleted' }) {
  const { working, state } = props;
  const hasErrors = Object.values(state.errors).some(Boolean);
  const part = state.values.part ?? 'full';
  return (
    <Layout title={`${hasErrors ? 'Error: ' : ''}Your leave`}>
      {props.notice ? (
        <div class="notice ok" role="status">
          <p>{props.notice === 'added' ? 'Leave recorded.' : 'Leave removed.'}</p>
        </div>
      ) : null}
      <h1>Your leave</h1>
      <p>Days you are away are not expected on your timesheet, and you get no reminder for a week with nothing expected.</p>
      <dl class="summary">
        <dt>Your week</dt>
        <dd>{patternText(working.pattern)}</dd>
        <dt>Public holidays</dt>
        <dd>{working.calendar ? <a href={`/holiday-calendars/${encodeURIComponent(working.calendar.id)}`}>{working.calendar.name}</a> : 'None'}</dd>
        <dt>Time zone</dt>
        <dd>{working.timeZone}</dd>
        <dt>Expected this week</dt>
        <dd>
          {hoursText(working.thisWeek.expected.total)} (week of {formatDate(working.thisWeek.weekStart)}){working.timesheetsRequired ? '' : '; you are not asked for timesheets'}
        </dd>
      </dl>
      <p class="hint">The PMO sets your week, time zone and holiday calendar.</p>

      <h2>Recorded</h2>
      {props.leave.length === 0 ? (
        <p class="muted">No leave recorded.</p>
      ) : (
        <section class="table-scroll" aria-labelledby="leave-caption" tabindex={0}>
          <table>
            <caption id="leave-caption" class="visually-hidden">
              Your leave, earliest first
            </caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Note</th>
                <th scope="col">
                  <span class="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.leave.map((leave) => (
                <tr>
                  <td>{leavePeriodText(leave)}</td>
                  <td>{leave.reason ?? <span class="muted">—</span>}</td>
                  <td>
                    <form method="post" action={`/leave/${encodeURIComponent(leave.id)}/delete`}>
                      <CsrfField />
                      <button type="submit" class="secondary" aria-label={`Remove leave: ${leavePeriodText(leave)}`}>
                        Remove
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <h2>Add leave</h2>
      <ErrorSummary errors={state.errors} labels={LEAVE_LABELS} />
      <form method="post" action="/leave" novalidate>
        <CsrfField />
        <div class="row">
          <LeaveTextField field="from" type="date" state={state} />
          <LeaveTextField field="until" type="date" state={state} hint="The same day as the first for a single day." />
        </div>
        <fieldset id="part" aria-describedby={state.errors.part ? 'part-error' : undefined}>
          <legend>{LEAVE_LABELS.part}</legend>
          <FieldError id="part" message={state.errors.part} />
          {(['full', 'morning', 'afternoon'] as const).map((value) => (
            <div class="field">
              <label class="checkbox">
                <input type="radio" name="part" value={value} checked={part === value} /> {PART_TEXT[value]}
              </label>
            </div>
          ))}
          <p class="hint">A morning or an afternoon is half of a single day.</p>
        </fieldset>
        <LeaveTextField field="reason" type="text" state={state} optional maxlength={200} hint="For you and the PMO, such as “Holiday” or “Parental leave”." />
        <div class="actions">
          <button type="submit">Add leave</button>
        </div>
      </form>
    </Layout>
  );
}

/** With sign-in off nobody is "you": leave is recorded through the API. */
export function LeaveWithoutSignInPage() {
  return (
    <MessagePage title="Sign-in is off" tone="info">
      <p>
        This page shows the signed-in person’s leave, and sign-in is off on this machine. Record leave through the API:{' '}
        <code>POST /api/people/&lt;email&gt;/leave</code>.
      </p>
    </MessagePage>
  );
}

/** The page for a leave that is not (or no longer) there. */
export function LeaveNotFoundPage() {
  return (
    <MessagePage title="Leave not found" tone="bad">
      <p>
        This leave is not recorded (it may have been removed already). See <a href="/leave">your leave</a>.
      </p>
    </MessagePage>
  );
}

// ---- Holiday calendars -----------------------------------------------------------------------------

/** The fields of the calendar form. */
export type CalendarFormField = 'id' | 'name' | 'days';

/** What the calendar form shows: the text as typed, and a message per refused field. */
export interface CalendarFormState {
  readonly values: Partial<Record<CalendarFormField, string>>;
  readonly errors: Partial<Record<CalendarFormField | 'form', string>>;
}

const CALENDAR_LABELS: Record<CalendarFormField, string> = { id: 'Id', name: 'Name', days: 'Days' };

/** The path of a calendar's page. */
export function calendarPath(id: string): string {
  return `/holiday-calendars/${encodeURIComponent(id)}`;
}

/** The form's fields: the id only for a new calendar (an existing one keeps its id). */
function CalendarForm(props: { action: string; isNew: boolean; state: CalendarFormState; submitLabel: string }) {
  const { state } = props;
  const input = (field: 'id' | 'name', hint: string, maxlength: number) => (
    <div class={`field${state.errors[field] ? ' has-error' : ''}`}>
      <label for={field}>{CALENDAR_LABELS[field]}</label>
      <p class="hint" id={`${field}-hint`}>
        {hint}
      </p>
      <FieldError id={field} message={state.errors[field]} />
      <input
        id={field}
        name={field}
        type="text"
        required
        maxlength={maxlength}
        value={state.values[field] ?? ''}
        autocomplete="off"
        aria-invalid={state.errors[field] ? 'true' : undefined}
        aria-describedby={`${field}-hint${state.errors[field] ? ` ${field}-error` : ''}`}
      />
    </div>
  );
  return (
    <form method="post" action={props.action} novalidate>
      <CsrfField />
      {props.isNew ? input('id', 'The region in lower-case letters, digits and dashes, such as fr-idf. People are given the calendar by its id.', 40) : null}
      {input('name', 'Such as “France, Île-de-France”.', 120)}
      <div class={`field${state.errors.days ? ' has-error' : ''}`}>
        <label for="days">{CALENDAR_LABELS.days}</label>
        <p class="hint" id="days-hint">
          One line a day: the date, then the holiday’s name, such as <code>2026-12-25 Christmas Day</code>. Add <code>(half)</code> at the end
          for half a day off: <code>2026-12-24 Christmas Eve (half)</code>. Saving replaces all the days.
        </p>
        <FieldError id="days" message={state.errors.days} />
        <textarea
          id="days"
          name="days"
          rows={16}
          aria-invalid={state.errors.days ? 'true' : undefined}
          aria-describedby={`days-hint${state.errors.days ? ' days-error' : ''}`}
        >
          {state.values.days ?? ''}
        </textarea>
      </div>
      <div class="actions">
        <button type="submit">{props.submitLabel}</button>
      </div>
    </form>
  );
}

/** Every calendar, and for the PMO a form to add one. */
export function HolidayCalendarListPage(props: { calendars: readonly HolidayCalendar[]; mayEdit: boolean; state?: CalendarFormState }) {
  const state = props.state ?? { values: {}, errors: {} };
  const hasErrors = Object.values(state.errors).some(Boolean);
  return (
    <Layout title={`${hasErrors ? 'Error: ' : ''}Holiday calendars`}>
      <h1>Holiday calendars</h1>
      <p>Public holidays by region. Each person belongs to one calendar; its days are not expected on their timesheets (half of a half day).</p>
      {props.calendars.length === 0 ? (
        <p class="muted">No calendars yet.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Holiday calendars, by id</caption>
          <thead>
            <tr>
              <th scope="col">Calendar</th>
              <th scope="col">Id</th>
              <th scope="col" class="num">
                Days
              </th>
              <th scope="col">From</th>
              <th scope="col">Until</th>
            </tr>
          </thead>
          <tbody>
            {props.calendars.map((calendar) => (
              <tr>
                <td>
                  <a href={calendarPath(calendar.id)}>{calendar.name}</a>
                </td>
                <td>
                  <code>{calendar.id}</code>
                </td>
                <td class="num">{calendar.days.length}</td>
                <td>{calendar.days[0] ? formatDate(calendar.days[0].date) : <span class="muted">—</span>}</td>
                <td>{calendar.days.at(-1) ? formatDate(calendar.days.at(-1)!.date) : <span class="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.mayEdit ? (
        <>
          <h2>Add a calendar</h2>
          <ErrorSummary errors={state.errors} labels={CALENDAR_LABELS} />
          <CalendarForm action="/holiday-calendars" isNew state={state} submitLabel="Add calendar" />
        </>
      ) : null}
    </Layout>
  );
}

/** One calendar's days, and for the PMO the form to change them. */
export function HolidayCalendarPage(props: { calendar: HolidayCalendar; mayEdit: boolean; state?: CalendarFormState; notice?: 'created' | 'saved' }) {
  const { calendar } = props;
  const hasErrors = Object.values(props.state?.errors ?? {}).some(Boolean);
  return (
    <Layout title={`${hasErrors ? 'Error: ' : ''}${calendar.name}`}>
      {props.notice ? (
        <div class="notice ok" role="status">
          <p>{props.notice === 'created' ? 'Calendar added.' : 'Saved.'}</p>
        </div>
      ) : null}
      <h1>{calendar.name}</h1>
      <p>
        Holiday calendar <code>{calendar.id}</code>: {calendar.days.length} {calendar.days.length === 1 ? 'day' : 'days'}.
      </p>
      {calendar.days.length > 0 ? (
        <table>
          <caption class="visually-hidden">The calendar’s days, by date</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Holiday</th>
              <th scope="col">Off</th>
            </tr>
          </thead>
          <tbody>
            {calendar.days.map((day) => (
              <tr>
                <td class="nowrap">{dayText(day.date)}</td>
                <td>{day.name}</td>
                <td>{day.half ? 'Half day' : 'Whole day'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {props.mayEdit && props.state ? (
        <>
          <h2>Change</h2>
          <ErrorSummary errors={props.state.errors} labels={CALENDAR_LABELS} />
          <CalendarForm action={calendarPath(calendar.id)} isNew={false} state={props.state} submitLabel="Save calendar" />
        </>
      ) : null}
      <p>
        <a href="/holiday-calendars">All holiday calendars</a>
      </p>
    </Layout>
  );
}

/** The page for an id that names no calendar. */
export function HolidayCalendarNotFoundPage() {
  return (
    <MessagePage title="Holiday calendar not found" tone="bad">
      <p>
        No holiday calendar has this id. See the <a href="/holiday-calendars">holiday calendars</a>.
      </p>
    </MessagePage>
  );
}
