import { Hono, type Context } from 'hono';
import * as z from 'zod';
import { PersonChangeSchema, PersonInputSchema, type Person } from '#domain/directory.ts';
import type { PersonRef } from '#domain/person-ref.ts';
import { createPerson, knownRoles, listPeople, readablePerson, updatePerson, type Redirection } from '#services/people-service.ts';
import type { RouteOptions } from '../app.tsx';
import type { FieldIssue } from '../form-mapping.ts';
import {
  NewPersonPage,
  PersonNotFoundPage,
  PersonPage,
  personPath,
  PeopleListPage,
  rolesText,
  type PersonFormField,
  type PersonFormState,
  type PersonSavedNotice,
} from '../pages/people-pages.tsx';
import { viewerOf } from '../viewer.ts';
import { PersonEmailParamSchema } from './people-api.tsx';
import { acceptsAll, checkedFields, formText, pathParam, querySchema, validated, validatedFields } from './request-validation.ts';

const PAGE_SIZE = 50;

const FORM_FIELDS: readonly PersonFormField[] = ['email', 'name', 'department', 'managerEmail', 'roles', 'active'];

type FormValues = PersonFormState['values'];

/** The person form's fields as typed, the last value of a repeated one (the active box comes after its hidden "no"). */
function readForm(received: unknown): FormValues {
  const text = formText(received);
  const values: Partial<Record<PersonFormField, string>> = {};
  for (const field of FORM_FIELDS) if (text[field] !== undefined) values[field] = text[field];
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

/** The form for someone new, checked as the API checks a new person. */
const NewPersonForm = checkedFields(readForm, PersonInputSchema, (values) => ({
  email: values.email ?? '',
  name: values.name ?? '',
  ...(isBlank(values.department) ? {} : { department: values.department }),
  ...(isBlank(values.managerEmail) ? {} : { managerEmail: values.managerEmail }),
  roles: rolesOf(values.roles),
  active: activeOf(values.active),
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
}));

/** Issues as the form shows them: one message per field (the first), a role named by what was typed. */
function formErrors(issues: readonly FieldIssue[], values: FormValues): PersonFormState['errors'] {
  const errors: Partial<Record<PersonFormField | 'form', string>> = {};
  for (const issue of issues) {
    const [first, index] = issue.path.split('.');
    const field = FORM_FIELDS.find((candidate) => candidate === first) ?? 'form';
    let message = issue.message;
    if (field === 'active') message = 'Tick the box for an active person, or leave it empty';
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
  };
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

  routes.get('/people/new', (c) => c.html(<NewPersonPage state={{ values: { active: 'yes' }, errors: {} }} knownRoles={knownRoles()} />));

  routes.post(
    '/people',
    validatedFields('form', NewPersonForm, (c, issues, values) => c.html(<NewPersonPage state={{ values, errors: formErrors(issues, values) }} knownRoles={knownRoles()} />, 400)),
    async (c) => {
      const { fields: values, input } = c.req.valid('form');
      const result = await createPerson(input);
      switch (result.kind) {
        case 'invalid':
          return c.html(<NewPersonPage state={{ values, errors: formErrors([result.problem], values) }} knownRoles={knownRoles()} />, 400);
        case 'exists':
          return c.html(
            <NewPersonPage
              state={{ values, errors: { email: 'Someone with this email address is in the directory already: find them in the list of people to change them' } }}
              knownRoles={knownRoles()}
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
    return c.html(<PersonPage person={person} state={{ values: valuesOf(person), errors: {} }} knownRoles={knownRoles()} {...(notice ? { notice } : {})} />);
  });

  /** The person's page again, with what was sent and why it was refused. */
  const refused = async (c: Context, email: string, values: FormValues, errors: PersonFormState['errors'], status: 400 | 409) => {
    const person = await readablePerson(viewerOf(c), email);
    if (!person) return c.html(<PersonNotFoundPage />, 404);
    return c.html(<PersonPage person={person} state={{ values, errors }} knownRoles={knownRoles()} />, status);
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
