import { Hono, type Context } from 'hono';
import * as z from 'zod';
import { PersonChangeSchema, PersonInputSchema, type Person } from '#domain/directory.ts';
import type { PersonRef } from '#domain/person-ref.ts';
import { WEEKDAYS } from '#domain/working-time.ts';
import { createPerson, knownRoles, listPeople, readablePerson, updatePerson, type Redirection } from '#services/people-service.ts';
import { listHolidayCalendars } from '#services/working-time-service.ts';
import type { RouteOptions } from '../app.tsx';
import type { FieldIssue } from '../form-mapping.ts';
import {
  NewPersonPage,
  patternInputName,
  PersonNotFoundPage,
  PersonPage,
  personPath,
  PeopleListPage,
  rolesText,
  weekdayLabel,
  type CalendarChoice,
  type PatternInputName,
  type PersonFormField,
  type PersonFormState,
  type PersonSavedNotice,
} from '../pages/people-pages.tsx';
import { viewerOf } from '../viewer.ts';
import { PersonEmailParamSchema } from './people-api.tsx';
import { acceptsAll, checkedFields, formText, pathParam, querySchema, validated, validatedFields } from './request-validation.ts';

const PAGE_SIZE = 50;

const FORM_FIELDS: readonly PersonFormField[] = ['email', 'name', 'department', 'managerEmail', 'roles', 'active', 'workPattern', 'timeZone', 'holidayCalendar', 'timesheetsRequired'];

const PATTERN_INPUTS: readonly PatternInputName[] = WEEKDAYS.map(patternInputName);

type FormValues = PersonFormState['values'];

/** The person form's fields as typed, the last value of a repeated one (the check boxes come after their hidden "no"). */
function readForm(received: unknown): FormValues {
  const text = formText(received);
  const values: Partial<Record<PersonFormField | PatternInputName, string>> = {};
  for (const field of [...FORM_FIELDS, ...PATTERN_INPUTS]) if (text[field] !== undefined) values[field] = text[field];
  return values;
}

const isBlank = (value: string | undefined) => value === undefined || value.trim() === '';

/** The roles typed into the text field: separated by commas or spaces, in any case. */
function rolesOf(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\s,;]+/)
    .map((role) => role.toLowerCase())
    .filter((role) => role !== '');
}

/** The box sends "yes" when ticked, the hidden field "no" otherwise; anything else is not an answer (and is refused). */
function activeOf(text: string | undefined): boolean | string {
  return text === 'yes' ? true : text === 'no' ? false : (text ?? '');
}

/** A box with a hidden "no" before it: true, false, or (neither) the text sent, which is refused. */
function yesNo(text: string): boolean | string {
  return text === 'yes' ? true : text === 'no' ? false : text;
}

/** One day's hours as typed: a number (a decimal comma taken as a point), or the text, which the schema refuses. */
function hoursOf(text: string | undefined): number | string {
  const trimmed = (text ?? '').trim().replace(',', '.');
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

/**
 * The working-time fields as a change: a field the form did not send stays as it is (a form from
 * before these fields existed changes none of them); an empty one goes back to the default.
 */
function workingTimeChange(values: FormValues): Record<string, unknown> {
  const sentPattern = PATTERN_INPUTS.some((input) => values[input] !== undefined);
  const blankPattern = PATTERN_INPUTS.every((input) => isBlank(values[input]));
  return {
    ...(sentPattern ? { workPattern: blankPattern ? null : Object.fromEntries(WEEKDAYS.map((day) => [day, hoursOf(values[patternInputName(day)])])) } : {}),
    ...(values.timeZone !== undefined ? { timeZone: isBlank(values.timeZone) ? null : values.timeZone } : {}),
    ...(values.holidayCalendar !== undefined ? { holidayCalendar: isBlank(values.holidayCalendar) ? null : values.holidayCalendar } : {}),
    ...(values.timesheetsRequired !== undefined ? { timesheetsRequired: yesNo(values.timesheetsRequired) } : {}),
  };
}

/** The working-time fields of someone new: an empty one is left out (the default). */
function workingTimeInput(values: FormValues): Record<string, unknown> {
  return Object.fromEntries(Object.entries(workingTimeChange(values)).filter(([, value]) => value !== null));
}

/** The form for someone new, checked as the API checks a new person. */
const NewPersonForm = checkedFields(readForm, PersonInputSchema, (values) => ({
  email: values.email ?? '',
  name: values.name ?? '',
  ...(isBlank(values.department) ? {} : { department: values.department }),
  ...(isBlank(values.managerEmail) ? {} : { managerEmail: values.managerEmail }),
  roles: rolesOf(values.roles),
  active: activeOf(values.active),
  ...workingTimeInput(values),
}));

/**
 * The form of an existing person: every field, as a full change (an empty department or manager
 * removes it), checked as the API checks a change. A body without the form's fields is refused,
 * never read as "change nothing but this".
 */
const PersonChangeForm = checkedFields(readForm, PersonChangeSchema, (values) => ({
  name: values.name ?? '',
  department: isBlank(values.department) ? null : values.department,
  managerEmail: isBlank(values.managerEmail) ? null : values.managerEmail,
  roles: rolesOf(values.roles),
  active: activeOf(values.active),
  ...workingTimeChange(values),
}));

/** Issues as the form shows them: one message per field (the first), a role named by what was typed. */
function formErrors(issues: readonly FieldIssue[], values: FormValues): PersonFormState['errors'] {
  const errors: Partial<Record<PersonFormField | 'form', string>> = {};
  for (const issue of issues) {
    const [first, index] = issue.path.split('.');
    const field = FORM_FIELDS.find((candidate) => candidate === first) ?? 'form';
    let message = issue.message;
    if (field === 'active') message = 'Tick the box for an active person, or leave it empty';
    if (field === 'timesheetsRequired') message = 'Tick the box for someone asked for timesheets, or leave it empty';
    if (field === 'workPattern' && index !== undefined) {
      const day = WEEKDAYS.find((candidate) => candidate === index);
      message = day ? `${weekdayLabel(day)}: ${issue.message}` : 'Fill in every weekday (0 for a day off), or leave all seven empty for the default';
    }
    if (field === 'roles' && index !== undefined) message = `“${rolesOf(values.roles)[Number(index)] ?? ''}”: ${issue.message}`;
    errors[field] ??= message;
  }
  return errors;
}

/** The form's values for a person as stored. */
function valuesOf(person: Person): FormValues {
  return {
    name: person.name,
    department: person.department ?? '',
    managerEmail: person.managerEmail ?? '',
    roles: rolesText(person.roles),
    active: person.active ? 'yes' : 'no',
    ...Object.fromEntries(WEEKDAYS.map((day) => [patternInputName(day), person.workPattern ? String(person.workPattern[day]) : ''])),
    timeZone: person.timeZone ?? '',
    holidayCalendar: person.holidayCalendar ?? '',
    timesheetsRequired: person.timesheetsRequired === false ? 'no' : 'yes',
  };
}

/** The calendars the form offers. */
async function calendarChoices(): Promise<CalendarChoice[]> {
  return (await listHolidayCalendars()).map((calendar) => ({ id: calendar.id, name: calendar.name }));
}

/** The confirmation after a saved form, read back from the redirect's query (which is only ever shown to the PMO who saved it). */
const SavedQuerySchema = querySchema({
  saved: z.enum(['created', 'saved', 'deactivated']).optional().catch(undefined),
  redirected: z.coerce.number().int().min(0).max(100_000).optional().catch(undefined),
  to: z.string().max(2000).optional().catch(undefined),
});

/** Where a saved form redirects: the person's page, saying what happened. */
function savedLocation(person: Person, notice: 'created' | 'saved', redirected?: Redirection): string {
  const query = redirected
    ? new URLSearchParams({ saved: 'deactivated', redirected: String(redirected.count), to: redirected.to.map((successor) => successor.email).join(',') })
    : new URLSearchParams({ saved: notice });
  return `${personPath(person.email)}?${query.toString()}`;
}

/** The directory's pages for the PMO: people, their roles, manager and whether active. Mounted at the root. */
export function peoplePages({ now }: RouteOptions) {
  const routes = new Hono();

  routes.get(
    '/people',
    validated('query', querySchema({ cursor: z.string().max(2048).optional() }), (c) => c.redirect('/people', 303)),
    async (c) => {
      const { cursor } = c.req.valid('query');
      const listing = await listPeople({ limit: PAGE_SIZE, cursor });
      if (listing.kind === 'invalid-cursor') return c.redirect('/people', 303);
      return c.html(<PeopleListPage people={listing.items} first={cursor === undefined} {...(listing.nextCursor ? { nextCursor: listing.nextCursor } : {})} />);
    },
  );

  routes.get('/people/new', async (c) => c.html(<NewPersonPage state={{ values: { active: 'yes' }, errors: {} }} knownRoles={knownRoles()} calendars={await calendarChoices()} />));

  routes.post(
    '/people',
    validatedFields('form', NewPersonForm, async (c, issues, values) => c.html(<NewPersonPage state={{ values, errors: formErrors(issues, values) }} knownRoles={knownRoles()} calendars={await calendarChoices()} />, 400)),
    async (c) => {
      const { fields: values, input } = c.req.valid('form');
      const result = await createPerson(input);
      switch (result.kind) {
        case 'invalid':
          return c.html(<NewPersonPage state={{ values, errors: formErrors([result.problem], values) }} knownRoles={knownRoles()} calendars={await calendarChoices()} />, 400);
        case 'exists':
          return c.html(
            <NewPersonPage
              state={{ values, errors: { email: 'Someone with this email address is in the directory already: find them in the list of people to change them' } }}
              knownRoles={knownRoles()}
              calendars={await calendarChoices()}
            />,
            409,
          );
        case 'created':
          // Post/redirect/get: reloading the page does not send the form again.
          return c.redirect(savedLocation(result.person, 'created'), 303);
      }
    },
  );

  const personEmail = validated('param', PersonEmailParamSchema, (c) => c.html(<PersonNotFoundPage />, 404));

  routes.get('/people/:email', personEmail, validated('query', SavedQuerySchema, acceptsAll), async (c) => {
    const viewer = viewerOf(c);
    const person = await readablePerson(viewer, c.req.valid('param').email);
    if (!person) return c.html(<PersonNotFoundPage />, 404);
    const query = c.req.valid('query');
    let notice: PersonSavedNotice | undefined;
    if (query.saved === 'deactivated') {
      const emails = (query.to ?? '').split(',').slice(0, 5).flatMap((email) => {
        const parsed = PersonEmailParamSchema.shape.email.safeParse(email);
        return parsed.success ? [parsed.data] : [];
      });
      const successors = await Promise.all(emails.map((email) => readablePerson(viewer, email)));
      const to: PersonRef[] = successors.flatMap((successor) => (successor ? [{ name: successor.name, email: successor.email }] : []));
      notice = { kind: 'deactivated', count: query.redirected ?? 0, to };
    } else if (query.saved) {
      notice = { kind: query.saved };
    }
    return c.html(<PersonPage person={person} state={{ values: valuesOf(person), errors: {} }} knownRoles={knownRoles()} calendars={await calendarChoices()} {...(notice ? { notice } : {})} />);
  });

  /** The person's page again, with what was sent and why it was refused. */
  const refused = async (c: Context, email: string, values: FormValues, errors: PersonFormState['errors'], status: 400 | 409) => {
    const person = await readablePerson(viewerOf(c), email);
    if (!person) return c.html(<PersonNotFoundPage />, 404);
    return c.html(<PersonPage person={person} state={{ values, errors }} knownRoles={knownRoles()} calendars={await calendarChoices()} />, status);
  };

  routes.post(
    '/people/:email',
    personEmail,
    validatedFields('form', PersonChangeForm, (c, issues, values) =>
      refused(c, pathParam(c, 'email').toLowerCase(), values, formErrors(issues, values), 400),
    ),
    async (c) => {
      const { email } = c.req.valid('param');
      const { fields: values, input } = c.req.valid('form');
      const result = await updatePerson(email, input, now());
      switch (result.kind) {
        case 'not-found':
          return c.html(<PersonNotFoundPage />, 404);
        case 'invalid':
          return refused(c, email, values, formErrors([result.problem], values), 400);
        case 'conflict':
          return refused(c, email, values, { form: 'Someone else changed this person at the same time. Check the values and save again.' }, 409);
        case 'updated':
          return c.redirect(savedLocation(result.person, 'saved', result.redirected), 303);
      }
    },
  );

  return routes;
}
