import type { Person } from '#domain/directory.ts';
import type { PersonRef } from '#domain/person-ref.ts';
import { WEEKDAYS, type HolidayCalendar, type Weekday } from '#domain/working-time.ts';
import type { KnownRole } from '#services/people-service.ts';
import { CsrfField, Layout, MessagePage } from './layout.tsx';

/** The fields of the person form, as the form names them. */
export type PersonFormField = 'email' | 'name' | 'department' | 'managerEmail' | 'roles' | 'active' | 'workPattern' | 'timeZone' | 'holidayCalendar' | 'timesheetsRequired';

/** The form's input of one weekday's hours, as the form names it: `hours-mon`. */
export type PatternInputName = `hours-${Weekday}`;

/** The input name of a weekday's hours. */
export function patternInputName(day: Weekday): PatternInputName {
  return `hours-${day}`;
}

/** What the form shows: the text as typed (or as stored), and a message per field that was refused. */
export interface PersonFormState {
  readonly values: Partial<Record<PersonFormField | PatternInputName, string>>;
  readonly errors: Partial<Record<PersonFormField | 'form', string>>;
}

/** A holiday calendar as the form offers it. */
export type CalendarChoice = Pick<HolidayCalendar, 'id' | 'name'>;

/** What the page after a saved form says. */
export type PersonSavedNotice =
  | { readonly kind: 'created' }
  | { readonly kind: 'saved' }
  /** Deactivated: how many pending approvals went to whom. */
  | { readonly kind: 'deactivated'; readonly count: number; readonly to: readonly PersonRef[] };

const LABELS: Record<PersonFormField, string> = {
  email: 'Email',
  name: 'Name',
  department: 'Department',
  managerEmail: 'Line manager’s email',
  roles: 'Roles',
  active: 'Active',
  workPattern: 'Hours per weekday',
  timeZone: 'Time zone',
  holidayCalendar: 'Holiday calendar',
  timesheetsRequired: 'Timesheets',
};

/** The order of the form's fields, which is the order the error summary lists them in. */
const FIELD_ORDER: readonly PersonFormField[] = ['email', 'name', 'department', 'managerEmail', 'roles', 'active', 'workPattern', 'timeZone', 'holidayCalendar', 'timesheetsRequired'];

const WEEKDAY_LABELS: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

/** The weekday's short name, as the form labels its hours (and names it in a refusal). */
export function weekdayLabel(day: Weekday): string {
  return WEEKDAY_LABELS[day];
}

const ACCESS_LABELS = { pmo: 'the PMO’s access: the directory and every record', finance: 'finance’s access to financial records' } as const;

/** The path of a person's page. */
export function personPath(email: string): string {
  return `/people/${encodeURIComponent(email)}`;
}

/** The roles as the form's text field holds them. */
export function rolesText(roles: readonly string[]): string {
  return roles.join(', ');
}

/** A person's standing as a badge. */
function ActiveBadge(props: { active: boolean }) {
  return props.active ? <span class="status ACTIVE">Active</span> : <span class="status DEACTIVATED">Deactivated</span>;
}

/** The directory: everyone, active or not, by name, a page at a time. On a phone each person is a block of labelled lines. */
export function PeopleListPage(props: { people: readonly Person[]; nextCursor?: string; first: boolean }) {
  const names = new Map(props.people.map((person) => [person.email, person.name]));
  return (
    <Layout title="People" wide>
      <h1>People</h1>
      <p>The PMO’s directory: who can sign in, who manages whom, and the roles that approvals are routed to.</p>
      <p>
        <a class="button" href="/people/new">
          Add a person
        </a>
      </p>
      {props.people.length === 0 ? (
        <p class="muted">Nobody {props.first ? 'is in the directory yet' : 'more'}.</p>
      ) : (
        <section class="table-scroll" aria-labelledby="people-caption" tabindex={0}>
          <table class="people">
            <caption id="people-caption" class="visually-hidden">
              People, by name
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Department</th>
                <th scope="col">Manager</th>
                <th scope="col">Roles</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {props.people.map((person) => (
                <tr>
                  <td data-label="Name">
                    <a href={personPath(person.email)}>{person.name}</a>
                  </td>
                  <td data-label="Email" class="email">
                    {person.email}
                  </td>
                  <td data-label="Department">{person.department ?? <span class="muted">—</span>}</td>
                  <td data-label="Manager">
                    {person.managerEmail ? <a href={personPath(person.managerEmail)}>{names.get(person.managerEmail) ?? person.managerEmail}</a> : <span class="muted">—</span>}
                  </td>
                  <td data-label="Roles">{person.roles.length > 0 ? rolesText(person.roles) : <span class="muted">—</span>}</td>
                  <td data-label="Status">
                    <ActiveBadge active={person.active} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <p class="actions">
        {props.first ? null : <a href="/people">First page</a>}
        {props.nextCursor ? <a href={`/people?${new URLSearchParams({ cursor: props.nextCursor }).toString()}`}>More people</a> : null}
      </p>
    </Layout>
  );
}

function FieldError(props: { field: PersonFormField; errors: PersonFormState['errors'] }) {
  const message = props.errors[props.field];
  return message ? (
    <p class="error-text" id={`${props.field}-error`}>
      <span class="visually-hidden">Error: </span>
      {message}
    </p>
  ) : null;
}

/** The ids of what describes a field: its hint, then its error when it has one. */
function describedBy(field: PersonFormField, errors: PersonFormState['errors'], hasHint: boolean): string | undefined {
  return [hasHint ? `${field}-hint` : '', errors[field] ? `${field}-error` : ''].filter(Boolean).join(' ') || undefined;
}

function TextField(props: { field: PersonFormField; state: PersonFormState; hint?: string; type?: string; autocomplete?: string; optional?: boolean; maxlength?: number }) {
  const { field, state } = props;
  return (
    <div class={`field${state.errors[field] ? ' has-error' : ''}`}>
      <label for={field}>
        {LABELS[field]}
        {props.optional ? <span class="muted"> (optional)</span> : null}
      </label>
      {props.hint ? (
        <p class="hint" id={`${field}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <FieldError field={field} errors={state.errors} />
      <input
        id={field}
        name={field}
        type={props.type ?? 'text'}
        value={state.values[field] ?? ''}
        required={!props.optional}
        maxlength={props.maxlength}
        autocomplete={props.autocomplete ?? 'off'}
        aria-invalid={state.errors[field] ? 'true' : undefined}
        aria-describedby={describedBy(field, state.errors, props.hint !== undefined)}
      />
    </div>
  );
}

function rolesHint(known: readonly KnownRole[]): string {
  const granting = (access: keyof typeof ACCESS_LABELS) =>
    known
      .filter((role) => role.grants === access)
      .map((role) => role.role)
      .join(', ');
  return [
    'Separated by commas, each lower-case words joined by dashes.',
    `The approval policy routes to roles; known ones: ${known.map((role) => role.role).join(', ')}.`,
    ...(['pmo', 'finance'] as const).filter((access) => granting(access) !== '').map((access) => `${granting(access)} give ${ACCESS_LABELS[access]}.`),
  ].join(' ');
}

/** The error summary at the top of a refused form, linking to each field. */
function ErrorSummary(props: { errors: PersonFormState['errors'] }) {
  const fields = FIELD_ORDER.filter((field) => props.errors[field]);
  if (fields.length === 0 && !props.errors.form) return null;
  return (
    // Focused when the page loads (autofocus: the CSP allows no script), as on the intake form.
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} autofocus>
      <h2 id="error-summary-title">{fields.length > 0 ? `Please correct ${fields.length === 1 ? 'this field' : `these ${fields.length} fields`}` : 'Not saved'}</h2>
      {props.errors.form ? <p>{props.errors.form}</p> : null}
      {fields.length > 0 ? (
        <ul>
          {fields.map((field) => (
            <li>
              <a href={`#${field}`}>
                {LABELS[field]}: {props.errors[field]}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * Their week, zone, holiday calendar and whether they are asked for timesheets: each may be left
 * empty for the organisation's default.
 */
function WorkingTimeFields(props: { state: PersonFormState; calendars: readonly CalendarChoice[] }) {
  const { state } = props;
  const chosen = state.values.holidayCalendar ?? '';
  // A calendar the person has that is no longer listed stays on offer, so saving does not drop it unseen.
  const calendars = chosen !== '' && !props.calendars.some((calendar) => calendar.id === chosen) ? [...props.calendars, { id: chosen, name: chosen }] : props.calendars;
  const required = (state.values.timesheetsRequired ?? 'yes') === 'yes';
  return (
    <fieldset>
      <legend>Working time</legend>
      <fieldset id="workPattern" class={state.errors.workPattern ? 'has-error' : undefined} aria-describedby={`workPattern-hint${state.errors.workPattern ? ' workPattern-error' : ''}`}>
        <legend>{LABELS.workPattern}</legend>
        <p class="hint" id="workPattern-hint">
          Hours expected on each day, in quarter hours (7.5, 0 for a day off). Leave all seven empty for the default: 8 hours Monday to Friday.
        </p>
        <FieldError field="workPattern" errors={state.errors} />
        <div class="row">
          {WEEKDAYS.map((day) => (
            <div class="field">
              <label for={patternInputName(day)}>{weekdayLabel(day)}</label>
              <input
                id={patternInputName(day)}
                name={patternInputName(day)}
                type="text"
                inputmode="decimal"
                size={5}
                maxlength={6}
                value={state.values[patternInputName(day)] ?? ''}
                aria-invalid={state.errors.workPattern ? 'true' : undefined}
              />
            </div>
          ))}
        </div>
      </fieldset>
      <TextField field="timeZone" state={state} optional hint="An IANA time zone, such as Europe/Berlin. Empty: the organisation’s." maxlength={64} />
      <div class={`field${state.errors.holidayCalendar ? ' has-error' : ''}`}>
        <label for="holidayCalendar">
          {LABELS.holidayCalendar}
          <span class="muted"> (optional)</span>
        </label>
        <p class="hint" id="holidayCalendar-hint">
          The public holidays of their region, not expected on their timesheets. See the <a href="/holiday-calendars">holiday calendars</a>.
        </p>
        <FieldError field="holidayCalendar" errors={state.errors} />
        <select id="holidayCalendar" name="holidayCalendar" aria-invalid={state.errors.holidayCalendar ? 'true' : undefined} aria-describedby={describedBy('holidayCalendar', state.errors, true)}>
          <option value="" selected={chosen === ''}>
            None
          </option>
          {calendars.map((calendar) => (
            <option value={calendar.id} selected={chosen === calendar.id}>
              {calendar.name} ({calendar.id})
            </option>
          ))}
        </select>
      </div>
      <div class={`field${state.errors.timesheetsRequired ? ' has-error' : ''}`}>
        <FieldError field="timesheetsRequired" errors={state.errors} />
        <input type="hidden" name="timesheetsRequired" value="no" />
        <label class="checkbox">
          <input id="timesheetsRequired" type="checkbox" name="timesheetsRequired" value="yes" checked={required} aria-describedby={describedBy('timesheetsRequired', state.errors, true)} /> Asked for timesheets
        </label>
        <p class="hint" id="timesheetsRequired-hint">
          Untick for someone exempt, such as a contractor or an executive: they get no timesheet reminders.
        </p>
      </div>
    </fieldset>
  );
}

/** The fields of a person, for a new one (with the email) or an existing one (whose email stays). */
function PersonForm(props: { action: string; isNew: boolean; state: PersonFormState; knownRoles: readonly KnownRole[]; calendars: readonly CalendarChoice[]; submitLabel: string }) {
  const { state } = props;
  const active = (state.values.active ?? 'yes') === 'yes';
  return (
    <form method="post" action={props.action} novalidate>
      <CsrfField />
      {props.isNew ? <TextField field="email" type="email" state={state} hint="The address they sign in with and get approval requests at." maxlength={254} /> : null}
      <TextField field="name" state={state} maxlength={120} />
      <TextField field="department" state={state} optional maxlength={80} />
      <TextField field="managerEmail" type="email" state={state} optional hint="Someone active in the directory. They read this person’s records and take over their approvals if they are deactivated." maxlength={254} />
      <TextField field="roles" state={state} optional hint={rolesHint(props.knownRoles)} />
      <div class={`field${state.errors.active ? ' has-error' : ''}`}>
        <FieldError field="active" errors={state.errors} />
        {/* A box left unticked sends nothing: the hidden field says "no", a ticked box after it "yes". */}
        <input type="hidden" name="active" value="no" />
        <label class="checkbox">
          <input
            id="active"
            type="checkbox"
            name="active"
            value="yes"
            checked={active}
            aria-describedby={describedBy('active', state.errors, true)}
          />{' '}
          Active
        </label>
        <p class="hint" id="active-hint">
          A deactivated person cannot sign in and is asked to decide nothing: their pending approvals go to their manager (or, without an active one, to the PMO lead).
        </p>
      </div>
      <WorkingTimeFields state={state} calendars={props.calendars} />
      <div class="actions">
        <button type="submit">{props.submitLabel}</button>
        <a class="button secondary" href="/people">
          Cancel
        </a>
      </div>
    </form>
  );
}

/** The form for someone new. */
export function NewPersonPage(props: { state: PersonFormState; knownRoles: readonly KnownRole[]; calendars: readonly CalendarChoice[] }) {
  const hasErrors = Object.values(props.state.errors).some(Boolean);
  return (
    <Layout title={`${hasErrors ? 'Error: ' : ''}Add a person`}>
      <h1>Add a person</h1>
      <ErrorSummary errors={props.state.errors} />
      <PersonForm action="/people" isNew state={props.state} knownRoles={props.knownRoles} calendars={props.calendars} submitLabel="Add person" />
      <p>
        <a href="/people">All people</a>
      </p>
    </Layout>
  );
}

function SavedNotice(props: { notice: PersonSavedNotice; name: string }) {
  const { notice } = props;
  if (notice.kind === 'created') return <p>{props.name} was added to the directory.</p>;
  if (notice.kind === 'saved') return <p>Saved.</p>;
  const names = notice.to.map((person) => `${person.name} (${person.email})`).join(' and ');
  return (
    <>
      <p>{props.name} is deactivated: they can no longer sign in, and new approvals skip them.</p>
      <p>
        {notice.count === 0
          ? 'No approvals were pending with them.'
          : `${notice.count} pending ${notice.count === 1 ? 'approval was' : 'approvals were'} redirected to ${names || 'their successor'}, who ${notice.to.length > 1 ? 'were' : 'was'} emailed.`}
      </p>
    </>
  );
}

/** One person: the form to change them, with what was saved or what was refused. */
export function PersonPage(props: { person: Person; state: PersonFormState; knownRoles: readonly KnownRole[]; calendars: readonly CalendarChoice[]; notice?: PersonSavedNotice }) {
  const { person } = props;
  const hasErrors = Object.values(props.state.errors).some(Boolean);
  return (
    <Layout title={`${hasErrors ? 'Error: ' : ''}${person.name}`}>
      {props.notice ? (
        <div class="notice ok" role="status">
          <SavedNotice notice={props.notice} name={person.name} />
        </div>
      ) : null}
      <h1>{person.name}</h1>
      <p>
        <ActiveBadge active={person.active} /> {person.email}
      </p>
      {person.undeliverable ? (
        <div class="notice bad">
          <p>
            Email to this address {person.undeliverable.kind === 'bounce' ? 'bounces' : 'was reported as unwanted'}: {person.undeliverable.reason}
          </p>
        </div>
      ) : null}
      <h2>Change</h2>
      <ErrorSummary errors={props.state.errors} />
      <PersonForm action={personPath(person.email)} isNew={false} state={props.state} knownRoles={props.knownRoles} calendars={props.calendars} submitLabel="Save changes" />
      <p>
        <a href="/people">All people</a>
      </p>
    </Layout>
  );
}

/** The page for an address that names nobody in the directory. */
export function PersonNotFoundPage() {
  return (
    <MessagePage title="Person not found" tone="bad">
      <p>
        Nobody in the directory has this address. Find them in the <a href="/people">list of people</a>, or add them there.
      </p>
    </MessagePage>
  );
}
