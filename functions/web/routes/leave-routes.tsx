import { Hono, type Context } from 'hono';
import * as z from 'zod';
import type { Viewer } from '#domain/access.ts';
import type { Person } from '#domain/directory.ts';
import { LeaveInputSchema, localDate, mondayOf, type Leave } from '#domain/working-time.ts';
import { deleteLeave, effectiveWorkingTime, expectedWeekOfPerson, getHolidayCalendar, listLeave, recordLeave, type RecordLeaveResult } from '#services/working-time-service.ts';
import type { RouteOptions } from '../app.tsx';
import type { FieldIssue } from '../form-mapping.ts';
import { LeaveNotFoundPage, LeavePage, LeaveWithoutSignInPage, type LeaveFormField, type LeaveFormState, type WorkingTimeSummary } from '../pages/working-time-pages.tsx';
import { viewerOf } from '../viewer.ts';
import { knownFieldsOnly, PersonEmailParamSchema } from './people-api.tsx';
import { checkedFields, formText, jsonBody, jsonMediaType, querySchema, validated, validatedFields } from './request-validation.ts';
import { validationProblem } from './responses.tsx';

// Leave: a person records their own (the PMO anyone's), through the API and the /leave page.
// Their line manager reads it too; anyone else is answered as if the person were not there.

const LeaveIdParamSchema = z.object({ id: z.uuid() });
const PersonLeaveParamSchema = PersonEmailParamSchema.extend(LeaveIdParamSchema.shape);

const LEAVE_FIELDS = Object.keys(LeaveInputSchema.shape).join(', ');
const LeaveBody = knownFieldsOnly(LeaveInputSchema, () => `Leave has no such field; send ${LEAVE_FIELDS}`);

function personNotFound(c: Context) {
  return c.json({ error: 'NotFound', message: 'No person in the directory has this email address' }, 404);
}

function leaveNotFound(c: Context) {
  return c.json({ error: 'NotFound', message: 'This person has no leave with this id' }, 404);
}

function forbidden(c: Context) {
  return c.json({ error: 'Forbidden', message: 'A person records their own leave; the PMO records anyone’s' }, 403);
}

const malformed = (c: Context) => c.json({ error: 'MalformedJson', message: 'Send the leave as a JSON object: from, until, and optionally part and reason' }, 400);
const notJson = (c: Context) => c.json({ error: 'UnsupportedMediaType', message: 'Send the leave as application/json' }, 415);

/** The refusal of leave that takes time another leave takes already, naming the field that runs into it. */
function overlapMessage(existing: Leave): string {
  const period = existing.from === existing.until ? existing.from : `${existing.from} to ${existing.until}`;
  return `This overlaps leave already recorded (${period}${existing.part === 'full' ? '' : `, ${existing.part}`}); remove that first or choose other dates`;
}

/** The leave JSON API, under `/api/people/:email/leave`. */
function leaveApi({ now }: RouteOptions) {
  const routes = new Hono();

  routes.get('/api/people/:email/leave', validated('param', PersonEmailParamSchema, personNotFound), async (c) => {
    const listing = await listLeave(viewerOf(c), c.req.valid('param').email);
    if (listing.kind === 'not-found') return personNotFound(c);
    return c.json({ items: listing.leave });
  });

  routes.post(
    '/api/people/:email/leave',
    validated('param', PersonEmailParamSchema, personNotFound),
    jsonMediaType(notJson),
    jsonBody(malformed, { objectOnly: true }),
    validated('json', LeaveBody, validationProblem),
    async (c) => {
      const result = await recordLeave(viewerOf(c), c.req.valid('param').email, c.req.valid('json'), now());
      switch (result.kind) {
        case 'not-found':
          return personNotFound(c);
        case 'forbidden':
          return forbidden(c);
        case 'overlap':
          return c.json({ error: 'Conflict', message: overlapMessage(result.existing), issues: [{ path: result.path, message: overlapMessage(result.existing) }] }, 409);
        case 'recorded':
          return c.json(result.leave, 201);
      }
    },
  );

  routes.delete('/api/people/:email/leave/:id', validated('param', PersonLeaveParamSchema, leaveNotFound), async (c) => {
    const { email, id } = c.req.valid('param');
    const result = await deleteLeave(viewerOf(c), email, id);
    switch (result.kind) {
      case 'not-found':
        return leaveNotFound(c);
      case 'forbidden':
        return forbidden(c);
      case 'deleted':
        return c.body(null, 204);
    }
  });

  return routes;
}

// ---- The /leave page -------------------------------------------------------------------------------

const FORM_FIELDS: readonly LeaveFormField[] = ['from', 'until', 'part', 'reason'];

/** The form's fields as typed, cut to lengths no valid value exceeds (they are shown again). */
function readLeaveForm(received: unknown): LeaveFormState['values'] {
  const text = formText(received);
  return {
    from: (text.from ?? '').trim().slice(0, 20),
    until: (text.until ?? '').trim().slice(0, 20),
    part: (text.part ?? 'full').slice(0, 20),
    reason: (text.reason ?? '').slice(0, 400),
  };
}

/** The form, checked as the API checks leave; an empty note is none. */
const LeaveForm = checkedFields(readLeaveForm, LeaveInputSchema, (values) => ({
  from: values.from,
  until: values.until,
  part: values.part,
  ...(values.reason?.trim() ? { reason: values.reason } : {}),
}));

/** One message per field (the first). */
function formErrors(issues: readonly FieldIssue[]): LeaveFormState['errors'] {
  const errors: Partial<Record<LeaveFormField | 'form', string>> = {};
  for (const issue of issues) {
    const field = FORM_FIELDS.find((candidate) => candidate === issue.path.split('.')[0]) ?? 'form';
    errors[field] ??= issue.message;
  }
  return errors;
}

const NoticeQuerySchema = querySchema({ saved: z.enum(['added', 'deleted']).optional().catch(undefined) });

/** What the page says of the person's working time, this week's expected hours included. */
async function summaryOf(person: Person, now: Date): Promise<WorkingTimeSummary> {
  const working = effectiveWorkingTime(person);
  const calendar = working.holidayCalendar ? await getHolidayCalendar(working.holidayCalendar) : undefined;
  const weekStart = mondayOf(localDate(now, working.timeZone));
  return {
    pattern: working.pattern,
    timeZone: working.timeZone,
    ...(calendar ? { calendar: { id: calendar.id, name: calendar.name } } : {}),
    timesheetsRequired: working.timesheetsRequired,
    thisWeek: { weekStart, expected: await expectedWeekOfPerson(person, weekStart) },
  };
}

/** The signed-in person, or nobody with sign-in off. */
function signedInEmail(viewer: Viewer): string | undefined {
  return viewer.kind === 'person' ? viewer.email : undefined;
}

/** The page of a person's own leave and its form. */
function leavePages({ now }: RouteOptions) {
  const routes = new Hono();

  const page = async (c: Context, email: string, state: LeaveFormState, status: 200 | 400 | 409, notice?: 'added' | 'deleted') => {
    const listing = await listLeave(viewerOf(c), email);
    // The directory answered for this person a moment ago, at sign-in.
    if (listing.kind === 'not-found') return c.html(<LeaveWithoutSignInPage />, 400);
    return c.html(
      <LeavePage person={listing.person} working={await summaryOf(listing.person, now())} leave={listing.leave} state={state} {...(notice ? { notice } : {})} />,
      status,
    );
  };

  routes.get('/leave', validated('query', NoticeQuerySchema, (c) => c.redirect('/leave', 303)), async (c) => {
    const email = signedInEmail(viewerOf(c));
    if (!email) return c.html(<LeaveWithoutSignInPage />);
    const { saved } = c.req.valid('query');
    return page(c, email, { values: { part: 'full' }, errors: {} }, 200, saved);
  });

  routes.post(
    '/leave',
    validatedFields('form', LeaveForm, (c, issues, values) => {
      const email = signedInEmail(viewerOf(c));
      return email ? page(c, email, { values, errors: formErrors(issues) }, 400) : c.html(<LeaveWithoutSignInPage />, 400);
    }),
    async (c) => {
      const email = signedInEmail(viewerOf(c));
      if (!email) return c.html(<LeaveWithoutSignInPage />, 400);
      const { fields: values, input } = c.req.valid('form');
      const result: RecordLeaveResult = await recordLeave(viewerOf(c), email, input, now());
      switch (result.kind) {
        case 'not-found':
        case 'forbidden':
          return c.html(<LeaveWithoutSignInPage />, 400);
        case 'overlap':
          return page(c, email, { values, errors: { [result.path]: overlapMessage(result.existing) } }, 409);
        case 'recorded':
          // Post/redirect/get: reloading the page does not record the leave again.
          return c.redirect('/leave?saved=added', 303);
      }
    },
  );

  routes.post('/leave/:id/delete', validated('param', LeaveIdParamSchema, (c) => c.html(<LeaveNotFoundPage />, 404)), async (c) => {
    const email = signedInEmail(viewerOf(c));
    if (!email) return c.html(<LeaveWithoutSignInPage />, 400);
    const result = await deleteLeave(viewerOf(c), email, c.req.valid('param').id);
    if (result.kind !== 'deleted') return c.html(<LeaveNotFoundPage />, 404);
    return c.redirect('/leave?saved=deleted', 303);
  });

  return routes;
}

/** Leave: the JSON API and the signed-in person's page. Mounted at the root. */
export function leaveRoutes(options: RouteOptions) {
  const routes = new Hono();
  routes.route('/', leaveApi(options));
  routes.route('/', leavePages(options));
  return routes;
}
