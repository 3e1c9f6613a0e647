import { Hono, type Context } from 'hono';
import * as z from 'zod';
import { isPmo } from '#domain/access.ts';
import { HolidayCalendarIdSchema, HolidayCalendarInputSchema, type HolidayCalendar } from '#domain/working-time.ts';
import { getHolidayCalendar, listHolidayCalendars, saveHolidayCalendar } from '#services/working-time-service.ts';
import type { RouteOptions } from '../app.tsx';
import type { FieldIssue } from '../form-mapping.ts';
import { holidayDaysText, parseHolidayDaysText } from '../holiday-days-text.ts';
import {
  calendarPath,
  HolidayCalendarListPage,
  HolidayCalendarNotFoundPage,
  HolidayCalendarPage,
  type CalendarFormField,
  type CalendarFormState,
} from '../pages/working-time-pages.tsx';
import { viewerOf } from '../viewer.ts';
import { knownFieldsOnly } from './people-api.tsx';
import { formText, jsonBody, jsonMediaType, pathParam, querySchema, validated, validatedFields, type CheckedFields } from './request-validation.ts';
import { validationProblem } from './responses.tsx';

// Public-holiday calendars: everyone signed in reads them; the PMO adds and edits them, each
// replaced whole (API: PUT; pages: one line a day in a text box).

const CalendarIdParamSchema = z.object({ id: HolidayCalendarIdSchema });

const CalendarBody = knownFieldsOnly(HolidayCalendarInputSchema, () => 'A holiday calendar has no such field; send name and days');

function calendarNotFound(c: Context) {
  return c.json({ error: 'NotFound', message: 'No holiday calendar has this id' }, 404);
}

const notJson = (c: Context) => c.json({ error: 'UnsupportedMediaType', message: 'Send the calendar as application/json' }, 415);
const malformed = (c: Context) => c.json({ error: 'MalformedJson', message: 'Send the calendar as a JSON object: {name, days: [{date, name, half?}]}' }, 400);

/** The calendars' JSON API, under `/api/holiday-calendars`. */
function calendarApi({ now }: RouteOptions) {
  const routes = new Hono();

  routes.get('/api/holiday-calendars', async (c) => c.json({ items: await listHolidayCalendars() }));

  routes.get('/api/holiday-calendars/:id', validated('param', CalendarIdParamSchema, calendarNotFound), async (c) => {
    const calendar = await getHolidayCalendar(c.req.valid('param').id);
    return calendar ? c.json(calendar) : calendarNotFound(c);
  });

  // PUT names the calendar: a new id adds one (201), a known one is replaced whole (200).
  routes.put(
    '/api/holiday-calendars/:id',
    validated('param', CalendarIdParamSchema, (c, issues) => validationProblem(c, issues)),
    jsonMediaType(notJson),
    jsonBody(malformed, { objectOnly: true }),
    validated('json', CalendarBody, validationProblem),
    async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      if (input.id !== undefined && input.id !== id) return validationProblem(c, [{ path: 'id', message: `The calendar’s id is the path’s, ${id}; leave it out or send the same` }]);
      const { kind, calendar } = await saveHolidayCalendar(id, input, now());
      if (kind === 'created') c.header('Location', `/api/holiday-calendars/${encodeURIComponent(id)}`);
      return c.json(calendar, kind === 'created' ? 201 : 200);
    },
  );

  return routes;
}

// ---- Pages -----------------------------------------------------------------------------------------

const CALENDAR_FORM_FIELDS: readonly CalendarFormField[] = ['id', 'name', 'days'];

/** The form's fields as typed. */
function readCalendarForm(received: unknown): CalendarFormState['values'] {
  const text = formText(received);
  return { id: (text.id ?? '').trim().slice(0, 80), name: (text.name ?? '').slice(0, 240), days: text.days ?? '' };
}

type CalendarInput = z.output<typeof HolidayCalendarInputSchema>;

/**
 * The form's days read line by line, checked as the API checks a calendar; a refused day is named
 * by its line in the text box.
 */
function calendarIssues(values: CalendarFormState['values']): { input?: CalendarInput; issues: FieldIssue[] } {
  const typed = parseHolidayDaysText(values.days ?? '');
  const parsed = HolidayCalendarInputSchema.safeParse({ name: values.name ?? '', days: typed.days });
  if (parsed.success) return { input: parsed.data, issues: [] };
  return {
    issues: parsed.error.issues.map((issue) => {
      const [field, index] = issue.path;
      if (field !== 'days') return { path: String(field ?? 'form'), message: issue.message };
      return { path: 'days', message: typeof index === 'number' ? `Line ${typed.lines[index] ?? index + 1}: ${issue.message}` : issue.message };
    }),
  };
}

/** The calendar the form describes, with each refused field added to `ctx` (none when any is refused). */
function checkedCalendar(fields: CalendarFormState['values'], ctx: z.RefinementCtx): CalendarInput | undefined {
  const { input, issues } = calendarIssues(fields);
  for (const issue of issues) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  return input;
}

/** The form of an existing calendar: its name and days. */
const CalendarChangeForm: CheckedFields<CalendarFormState['values'], CalendarInput> = {
  read: readCalendarForm,
  schema: z.unknown().transform((received, ctx) => {
    const fields = readCalendarForm(received);
    const input = checkedCalendar(fields, ctx);
    return input ? { fields, input } : z.NEVER;
  }),
};

/** The form of a new calendar: its id too. */
const NewCalendarForm: CheckedFields<CalendarFormState['values'], { id: string; calendar: CalendarInput }> = {
  read: readCalendarForm,
  schema: z.unknown().transform((received, ctx) => {
    const fields = readCalendarForm(received);
    const id = HolidayCalendarIdSchema.safeParse(fields.id);
    if (!id.success) ctx.addIssue({ code: 'custom', path: ['id'], message: id.error.issues[0]?.message ?? 'Enter an id' });
    const calendar = checkedCalendar(fields, ctx);
    return id.success && calendar ? { fields, input: { id: id.data, calendar } } : z.NEVER;
  }),
};

/** One message per field (the first). */
function formErrors(issues: readonly FieldIssue[]): CalendarFormState['errors'] {
  const errors: Partial<Record<CalendarFormField | 'form', string>> = {};
  for (const issue of issues) {
    const field = CALENDAR_FORM_FIELDS.find((candidate) => candidate === issue.path) ?? 'form';
    errors[field] ??= issue.message;
  }
  return errors;
}

/** The edit form's values for a calendar as stored. */
function valuesOf(calendar: HolidayCalendar): CalendarFormState['values'] {
  return { name: calendar.name, days: holidayDaysText(calendar.days) };
}

const NoticeQuerySchema = querySchema({ saved: z.enum(['created', 'saved']).optional().catch(undefined) });

/** The calendars' pages: the list (with the PMO's form to add one) and each calendar (with the PMO's form to change it). */
function calendarPages({ now }: RouteOptions) {
  const routes = new Hono();

  routes.get('/holiday-calendars', async (c) => c.html(<HolidayCalendarListPage calendars={await listHolidayCalendars()} mayEdit={isPmo(viewerOf(c))} />));

  routes.post(
    '/holiday-calendars',
    validatedFields('form', NewCalendarForm, async (c, issues, values) =>
      c.html(<HolidayCalendarListPage calendars={await listHolidayCalendars()} mayEdit state={{ values, errors: formErrors(issues) }} />, 400),
    ),
    async (c) => {
      const { fields: values, input } = c.req.valid('form');
      if (await getHolidayCalendar(input.id)) {
        const errors = { id: 'A calendar has this id already: change it on its page' };
        return c.html(<HolidayCalendarListPage calendars={await listHolidayCalendars()} mayEdit state={{ values, errors }} />, 409);
      }
      await saveHolidayCalendar(input.id, input.calendar, now());
      return c.redirect(`${calendarPath(input.id)}?saved=created`, 303);
    },
  );

  const calendarId = validated('param', CalendarIdParamSchema, (c) => c.html(<HolidayCalendarNotFoundPage />, 404));

  routes.get('/holiday-calendars/:id', calendarId, validated('query', NoticeQuerySchema, (c) => c.redirect(calendarPath(pathParam(c, 'id')), 303)), async (c) => {
    const calendar = await getHolidayCalendar(c.req.valid('param').id);
    if (!calendar) return c.html(<HolidayCalendarNotFoundPage />, 404);
    const mayEdit = isPmo(viewerOf(c));
    const { saved } = c.req.valid('query');
    return c.html(<HolidayCalendarPage calendar={calendar} mayEdit={mayEdit} {...(mayEdit ? { state: { values: valuesOf(calendar), errors: {} } } : {})} {...(saved ? { notice: saved } : {})} />);
  });

  routes.post(
    '/holiday-calendars/:id',
    calendarId,
    validatedFields('form', CalendarChangeForm, async (c, issues, values) => {
      const calendar = await getHolidayCalendar(pathParam(c, 'id'));
      if (!calendar) return c.html(<HolidayCalendarNotFoundPage />, 404);
      return c.html(<HolidayCalendarPage calendar={calendar} mayEdit state={{ values, errors: formErrors(issues) }} />, 400);
    }),
    async (c) => {
      const calendar = await getHolidayCalendar(c.req.valid('param').id);
      if (!calendar) return c.html(<HolidayCalendarNotFoundPage />, 404);
      await saveHolidayCalendar(calendar.id, c.req.valid('form').input, now());
      return c.redirect(`${calendarPath(calendar.id)}?saved=saved`, 303);
    },
  );

  return routes;
}

/** Holiday calendars: the JSON API and the pages. Mounted at the root. */
export function holidayCalendarRoutes(options: RouteOptions) {
  const routes = new Hono();
  routes.route('/', calendarApi(options));
  routes.route('/', calendarPages(options));
  return routes;
}
