import { Hono, type Context } from 'hono';
import * as z from 'zod';
import { isPmo, personViewer, type Viewer } from '#domain/access.ts';
import type { Person } from '#domain/directory.ts';
import { lateEditSchema } from '#domain/timesheet-edit.ts';
import { timesheetDraftSchema, weekStartOn, type TimesheetEntry } from '#domain/timesheet.ts';
import { addDays, WeekStartSchema } from '#domain/working-time.ts';
import { environment } from '#adapters/environment.ts';
import {
  bookableProjects,
  lastWeekEntries,
  isLockedFor,
  openTimesheetLink,
  projectTitles,
  readTimesheet,
  reopenTimesheet,
  saveTimesheetDraft,
  submitTimesheet,
  type BookableProject,
  type TimesheetProblem,
  type TimesheetView,
  type TimesheetWrite,
} from '#services/timesheet-service.ts';
import { readLateEdit, requestLateEdit, weekHistory } from '#services/timesheet-edit-service.ts';
import type { RouteOptions } from '../app.tsx';
import {
  cellId,
  NoPersonPage,
  readHours,
  rowProjectField,
  TimesheetLinkInvalidPage,
  TimesheetLinkLockedPage,
  TimesheetWeekPage,
  WeekNotFoundPage,
  type LateEditState,
  type WeekFormErrors,
  type WeekGridRow,
  type WeekPageTarget,
} from '../pages/timesheet-pages.tsx';
import { viewerOf } from '../viewer.ts';
import { acceptsAll, formText, jsonBody, jsonMediaType, validated } from './request-validation.ts';
import { rateLimited } from './rate-limits.tsx';
import { noStore, validationProblem } from './responses.tsx';

// ---- Path parameters: checked before any read ---------------------------------------------------

const EmailSchema = z
  .email()
  .max(254)
  .transform((email) => email.toLowerCase());

const PersonWeekParamSchema = z.object({ email: EmailSchema, weekStart: WeekStartSchema });
const WeekParamSchema = z.object({ weekStart: WeekStartSchema });

const NOT_FOUND = { error: 'NotFound', message: 'No timesheet of this person and week is open to you (a week is named by its Monday, YYYY-MM-DD)' } as const;

const EditParamSchema = z.object({ id: z.uuid() });
const EDIT_NOT_FOUND = { error: 'NotFound', message: 'No late timesheet change with this id is open to you' } as const;

const apiWeek = validated('param', PersonWeekParamSchema, (c) => c.json(NOT_FOUND, 404));
const pageWeek = validated('param', WeekParamSchema, (c) => c.html(<WeekNotFoundPage />, 404));
const linkWeek = validated('param', PersonWeekParamSchema, (c) => c.html(<TimesheetLinkInvalidPage />, 404));

// ---- JSON bodies -------------------------------------------------------------------------------

const notJson = (c: Context) => c.json({ error: 'UnsupportedMediaType', message: 'Send the timesheet as application/json' }, 415);
const malformed = (c: Context) => c.json({ error: 'MalformedJson', message: 'The body is not a JSON object' }, 400);

/** Zod issues as the API reports them: dotted paths, `(body)` for the body as a whole, one issue per field it does not take. */
function issuesOf(error: z.ZodError): TimesheetProblem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key].map(String).join('.'), message: issue.message }))
      : [{ path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)', message: issue.message }],
  );
}

/** What a submission may carry: nothing, or the version the sender saw. */
const SubmitBodySchema = z.strictObject(
  { version: z.number({ error: 'Send the version you read, a whole number' }).int('Send the version you read, a whole number').min(0, 'Send the version you read, a whole number').optional() },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'A submission carries only the version you read' : 'Send {} or {"version": n}') },
);
const ReopenBodySchema = z.strictObject({}, { error: () => 'A reopening carries nothing: send {} or no body' });

/**
 * An optional JSON body: none at all is `{}`; anything else must be declared and well-formed JSON,
 * and is checked by `schema`.
 */
async function optionalBody<Schema extends z.ZodType>(c: Context, schema: Schema): Promise<{ ok: true; value: z.output<Schema> } | { ok: false; response: Response }> {
  const text = await c.req.text();
  if (text.trim() === '' && !c.req.header('content-type')) return { ok: true, value: schema.parse({}) };
  if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) return { ok: false, response: notJson(c) };
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return { ok: false, response: malformed(c) };
  }
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, response: validationProblem(c, issuesOf(parsed.error)) };
}

function weekConflict(c: Context, result: { kind: 'submitted' | 'stale'; view: TimesheetView }) {
  const message =
    result.kind === 'submitted'
      ? 'The week is submitted: nothing changes until the PMO reopens it'
      : `The timesheet changed since the version you read; it is at version ${result.view.version}: read it again`;
  return c.json({ error: 'Conflict', message, timesheet: result.view }, 409);
}

const WRITE_FORBIDDEN = { error: 'Forbidden', message: 'Only the person and the PMO change a timesheet; a line manager reads it' } as const;

// ---- The week page's forms ------------------------------------------------------------------------

/** Rows the page's form may carry: the grid's, however many a person adds. */
const MAX_ROWS = 60;

/** Blank rows offered under the booked ones, each with a choice of project. */
const BLANK_ROWS = 2;

type WeekAction = 'save' | 'submit' | 'copy' | 'no-work' | 'late-edit';
const WEEK_ACTIONS: readonly WeekAction[] = ['save', 'submit', 'copy', 'no-work', 'late-edit'];

/** What the page's forms post, as text. */
interface WeekForm {
  readonly key: string | undefined;
  readonly action: WeekAction | undefined;
  readonly version: number | undefined;
  readonly rows: WeekGridRow[];
  readonly reason: string;
  readonly lateReason: string;
}

function readWeekForm(received: unknown): WeekForm {
  const text = formText(received);
  const rows: WeekGridRow[] = [];
  for (let index = 0; index < MAX_ROWS; index += 1) {
    const projectId = text[rowProjectField(index)];
    const hours = [0, 1, 2, 3, 4, 5, 6].map((day) => (text[cellId(index, day)] ?? '').slice(0, 12));
    if (projectId === undefined && hours.every((value) => value === '')) continue;
    rows.push({ projectId: (projectId ?? '').trim().slice(0, 64), hours });
  }
  const version = /^\d{1,9}$/.test(text.version ?? '') ? Number(text.version) : undefined;
  return {
    key: text.key,
    action: WEEK_ACTIONS.find((action) => action === text.action),
    version,
    rows,
    reason: (text.reason ?? '').slice(0, 600),
    lateReason: (text.lateReason ?? '').slice(0, 600),
  };
}

/** The grid's rows of a week's entries: one per project, in the order first booked, then blank rows to add more. */
function gridRows(weekStart: string, entries: readonly TimesheetEntry[], titles: ReadonlyMap<string, string>, blankRows: number): WeekGridRow[] {
  const dates = [0, 1, 2, 3, 4, 5, 6].map((day) => addDays(weekStart, day));
  const byProject = new Map<string, string[]>();
  for (const entry of entries) {
    const hours = byProject.get(entry.projectId) ?? ['', '', '', '', '', '', ''];
    const day = dates.indexOf(entry.date);
    if (day >= 0) hours[day] = String(entry.hours);
    byProject.set(entry.projectId, hours);
  }
  const rows: WeekGridRow[] = [...byProject.entries()].map(([projectId, hours]) => ({ projectId, hours, ...(titles.has(projectId) ? { title: titles.get(projectId)! } : {}) }));
  for (let blank = 0; blank < blankRows; blank += 1) rows.push({ projectId: '', hours: ['', '', '', '', '', '', ''] });
  return rows;
}

/** The posted rows with their projects' titles, and blank rows again when none is left. */
function withTitles(rows: readonly WeekGridRow[], titles: ReadonlyMap<string, string>, blankRows: number): WeekGridRow[] {
  const titled = rows.map((row) => (row.projectId !== '' && titles.has(row.projectId) ? { ...row, title: titles.get(row.projectId)! } : row));
  const blanks = titled.filter((row) => row.projectId === '').length;
  for (let blank = blanks; blank < blankRows; blank += 1) titled.push({ projectId: '', hours: ['', '', '', '', '', '', ''] });
  return titled;
}

/** The grid as entries for the schema, and where each entry came from (its cell), so that an issue finds its cell. */
function entriesOfGrid(weekStart: string, rows: readonly WeekGridRow[], notes: ReadonlyMap<string, string>) {
  const entries: unknown[] = [];
  const cells: { row: number; day: number }[] = [];
  const rowErrors: Record<number, string> = {};
  rows.forEach((row, index) => {
    const typed = row.hours.map((text, day) => ({ text: text.trim(), day })).filter((cell) => cell.text !== '');
    if (row.projectId === '') {
      if (typed.length > 0) rowErrors[index] = 'Choose the project these hours are for';
      return;
    }
    for (const { text, day } of typed) {
      const hours = readHours(text);
      // A typed 0 books nothing.
      if (hours === 0) continue;
      const date = addDays(weekStart, day);
      const note = notes.get(`${row.projectId}#${date}`);
      // Text that is not a number goes to the schema as it is, which names the cell's problem.
      entries.push({ projectId: row.projectId, date, hours: hours ?? text, ...(note ? { note } : {}) });
      cells.push({ row: index, day });
    }
  });
  return { entries, cells, rowErrors };
}

/** Issues of the schema or the service, placed on the page: a cell, a row (its project), the reason, or the whole form. */
function pageErrors(issues: readonly TimesheetProblem[], cells: readonly { row: number; day: number }[], rowErrors: Record<number, string> = {}): WeekFormErrors {
  const cellErrors: Record<string, string> = {};
  const rows: Record<number, string> = { ...rowErrors };
  const form: string[] = [];
  let reason: string | undefined;
  for (const issue of issues) {
    const match = /^entries\.(\d+)(?:\.(\w+))?$/.exec(issue.path);
    const cell = match ? cells[Number(match[1])] : undefined;
    if (cell && match?.[2] === 'projectId') rows[cell.row] ??= issue.message;
    else if (cell) cellErrors[cellId(cell.row, cell.day)] ??= issue.message;
    else if (issue.path.startsWith('noWork')) reason ??= issue.message;
    else if (issue.path === 'version') form.push('The form is out of date: reload the page');
    else form.push(issue.message);
  }
  return { cells: cellErrors, rows, form, ...(reason ? { reason } : {}) };
}

/** Everything the page shows besides the rows: who, the week as stored, the projects to choose from. */
interface WeekContext {
  readonly person: Person;
  readonly viewer: Viewer;
  readonly weekStart: string;
  readonly target: WeekPageTarget;
  /** When the page is made: whether the week has locked depends on it. */
  readonly now: Date;
}

/** A signed-in person's week as a late edit sees it: locked or not (never for the PMO), the open request, the history. */
async function lateEditState(context: WeekContext): Promise<LateEditState> {
  const locked = !isPmo(context.viewer) && isLockedFor(context.person, context.weekStart, context.now);
  const { edits, events } = await weekHistory(context.person, context.weekStart);
  const pending = edits.find((edit) => edit.status === 'PENDING');
  return { locked, edits, events, ...(pending ? { pending } : {}) };
}

async function titlesFor(projectIds: readonly string[], options: readonly BookableProject[]): Promise<Map<string, string>> {
  const titles = new Map(options.map((option) => [option.id, option.title]));
  const missing = projectIds.filter((id) => !titles.has(id) && z.uuid().safeParse(id).success);
  for (const [id, title] of await projectTitles(missing)) titles.set(id, title);
  return titles;
}

/** The page of the week as stored, with a notice, or with the form as sent and what was wrong with it. */
async function renderWeek(
  c: Context,
  context: WeekContext,
  options: {
    status?: 200 | 400 | 409;
    notice?: { tone: 'ok' | 'info' | 'bad'; text: string };
    /** What was sent, shown again with its problems; without rows (the "did not work" form), the grid as stored. */
    posted?: { rows?: readonly WeekGridRow[] | undefined; reason: string; lateReason?: string; errors: WeekFormErrors };
    copied?: readonly TimesheetEntry[];
  } = {},
) {
  const read = await readTimesheet(context.viewer, context.person.email, context.weekStart);
  if (read.kind !== 'ok') return c.html(<WeekNotFoundPage />, 404);
  const projects = await bookableProjects();
  const entries = options.copied ?? read.view.entries;
  const lateEdit = context.target.kind === 'session' ? await lateEditState(context) : undefined;
  const editable = lateEdit?.locked ? lateEdit.pending === undefined : read.view.status !== 'SUBMITTED';
  const postedRows = editable ? options.posted?.rows : undefined;
  const ids = postedRows ? postedRows.map((row) => row.projectId) : entries.map((entry) => entry.projectId);
  const titles = await titlesFor(ids, projects);
  const booked = new Set(ids);
  const blankRows = editable ? Math.min(BLANK_ROWS, projects.filter((project) => !booked.has(project.id)).length) : 0;
  const rows = postedRows ? withTitles(postedRows, titles, blankRows) : gridRows(context.weekStart, entries, titles, blankRows);
  return c.html(
    <TimesheetWeekPage
      person={context.person}
      view={read.view}
      rows={rows}
      options={projects}
      target={context.target}
      {...(options.posted && editable ? { reason: options.posted.reason, lateReason: options.posted.lateReason ?? '', errors: options.posted.errors } : {})}
      {...(options.notice ? { notice: options.notice } : {})}
      {...(lateEdit ? { lateEdit } : {})}
    />,
    options.status ?? 200,
  );
}

const DONE_NOTICES = {
  saved: { tone: 'ok', text: 'Draft saved. Submit the week when it is complete.' },
  submitted: { tone: 'ok', text: 'Submitted. Thank you.' },
  'late-edit': { tone: 'ok', text: 'Your late change was sent to your line manager. The week changes when they approve it; you will get an email either way.' },
} as const;

/** The answer to a save the service refused or could not make. */
async function refusedWrite(
  c: Context,
  context: WeekContext,
  result: Exclude<TimesheetWrite, { kind: 'saved' }>,
  posted: { rows: readonly WeekGridRow[] | undefined; reason: string },
  cells: readonly { row: number; day: number }[]) {
  switch (result.kind) {
    case 'not-found':
      return c.html(<WeekNotFoundPage />, 404);
    case 'forbidden':
      return c.html(<TimesheetLinkInvalidPage />, 403);
    case 'invalid':
      return renderWeek(c, context, { status: 400, posted: { ...posted, errors: pageErrors(result.issues, cells) } });
    case 'submitted':
      return renderWeek(c, context, { status: 409, notice: { tone: 'bad', text: 'This week was submitted meanwhile, so nothing was changed. To change it, ask the PMO to reopen it.' } });
    case 'stale':
      return renderWeek(c, context, { status: 409, notice: { tone: 'bad', text: 'This week was changed elsewhere (another tab or device) since you opened it, so your changes were not saved. Here it is as saved now.' } });
  }
}

/** What the page's forms do: save, submit, copy last week, or submit a week without work. */
async function weekPost(c: Context, context: WeekContext, form: WeekForm, now: Date, done: (what: 'saved' | 'submitted') => Response | Promise<Response>) {
  if (!form.action) {
    return renderWeek(c, context, { status: 400, posted: { rows: form.rows, reason: form.reason, errors: { form: ['Use the page’s buttons to save or submit'] } } });
  }
  if (form.action === 'copy') {
    const copied = await lastWeekEntries(context.person.email, context.weekStart);
    return renderWeek(c, context, {
      copied,
      notice:
        copied.length > 0
          ? { tone: 'info', text: 'Last week’s hours are filled in (not saved yet): check them, then save or submit.' }
          : { tone: 'info', text: 'Nothing was booked last week on projects that are still active, so there is nothing to copy.' },
    });
  }
  if (form.action === 'late-edit') return lateEditPost(c, context, form, now);
  const schema = timesheetDraftSchema(context.weekStart, { weeklyCapHours: environment.timesheetWeeklyCapHours });
  // The "did not work" form carries no grid: shown again, the grid is the stored one.
  const posted = { rows: form.action === 'no-work' ? undefined : form.rows, reason: form.reason };
  const version = form.version !== undefined ? { version: form.version } : {};
  let cells: { row: number; day: number }[] = [];
  let body: unknown;
  if (form.action === 'no-work') {
    body = { noWork: { reason: form.reason }, ...version };
  } else {
    const stored = await readTimesheet(context.viewer, context.person.email, context.weekStart);
    const notes = new Map(
      (stored.kind === 'ok' ? stored.view.entries : []).flatMap((entry) => (entry.note ? [[`${entry.projectId}#${entry.date}`, entry.note] as const] : [])),
    );
    const grid = entriesOfGrid(context.weekStart, form.rows, notes);
    cells = grid.cells;
    const parsed = schema.safeParse({ entries: grid.entries, ...version });
    if (!parsed.success || Object.keys(grid.rowErrors).length > 0) {
      return renderWeek(c, context, { status: 400, posted: { ...posted, errors: pageErrors(parsed.success ? [] : issuesOf(parsed.error), cells, grid.rowErrors) } });
    }
    body = parsed.data;
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) return renderWeek(c, context, { status: 400, posted: { ...posted, errors: pageErrors(issuesOf(parsed.error), cells) } });
  const saved = await saveTimesheetDraft(context.viewer, context.person.email, context.weekStart, parsed.data, now);
  if (saved.kind !== 'saved') return refusedWrite(c, context, saved, posted, cells);
  if (form.action === 'save') return done('saved');
  const submitted = await submitTimesheet(context.viewer, context.person.email, context.weekStart, now, saved.view.version);
  if (submitted.kind === 'submitted') return done('submitted');
  return refusedWrite(c, context, submitted, posted, cells);
}

/**
 * The grid of a locked week sent as a late-edit request: checked like a draft, plus a reason, then
 * asked of the person's line manager. Only the signed-in person asks (an emailed link stops working
 * when the week locks).
 */
async function lateEditPost(c: Context, context: WeekContext, form: WeekForm, now: Date) {
  const posted = { rows: form.rows, reason: form.reason, lateReason: form.lateReason };
  if (context.target.kind !== 'session') return renderWeek(c, context, { status: 400, posted: { ...posted, errors: { form: ['Sign in to ask for a late change'] } } });
  const stored = await readTimesheet(context.viewer, context.person.email, context.weekStart);
  const notes = new Map((stored.kind === 'ok' ? stored.view.entries : []).flatMap((entry) => (entry.note ? [[`${entry.projectId}#${entry.date}`, entry.note] as const] : [])));
  const grid = entriesOfGrid(context.weekStart, form.rows, notes);
  const parsed = lateEditSchema(context.weekStart, { weeklyCapHours: environment.timesheetWeeklyCapHours }).safeParse({ entries: grid.entries, reason: form.lateReason });
  if (!parsed.success || Object.keys(grid.rowErrors).length > 0) {
    const issues = parsed.success ? [] : issuesOf(parsed.error);
    const lateReason = issues.find((issue) => issue.path === 'reason')?.message;
    const errors = pageErrors(
      issues.filter((issue) => issue.path !== 'reason'),
      grid.cells,
      grid.rowErrors,
    );
    return renderWeek(c, context, { status: 400, posted: { ...posted, errors: { ...errors, ...(lateReason ? { lateReason } : {}) } } });
  }
  const result = await requestLateEdit(context.viewer, context.person.email, context.weekStart, parsed.data, now);
  switch (result.kind) {
    case 'requested':
      return c.redirect(`/timesheets/${context.weekStart}?done=late-edit`, 303);
    case 'invalid':
      return renderWeek(c, context, { status: 400, posted: { ...posted, errors: pageErrors(result.issues, grid.cells) } });
    case 'open-already':
      return renderWeek(c, context, { status: 409, notice: { tone: 'bad', text: 'A late change of this week is already waiting for your manager; nothing new was asked.' } });
    case 'not-locked':
      return renderWeek(c, context, { status: 409, notice: { tone: 'info', text: 'This week has not locked: change it directly.' } });
    case 'forbidden':
    case 'not-found':
      return c.html(<WeekNotFoundPage />, 404);
  }
}

/** The person a page is for: the signed-in one (undefined with sign-in off: nobody). */
function signedInPerson(viewer: Viewer): Person | undefined {
  return viewer.kind === 'person' ? viewer.person : undefined;
}

/**
 * Timesheets: the week page of the signed-in person (`/timesheets/:weekStart`), the same page
 * opened from an emailed link bound to one person and week (`/timesheets/:email/:weekStart/link`),
 * and the JSON API (`/api/timesheets/:email/:weekStart`). Mounted at the root.
 */
export function timesheetRoutes({ now }: RouteOptions) {
  const routes = new Hono();

  // ---- JSON API ------------------------------------------------------------------------------

  routes.get('/api/timesheets/:email/:weekStart', apiWeek, async (c) => {
    const { email, weekStart } = c.req.valid('param');
    const read = await readTimesheet(viewerOf(c), email, weekStart);
    return read.kind === 'ok' ? c.json(read.view) : c.json(NOT_FOUND, 404);
  });

  routes.put('/api/timesheets/:email/:weekStart', apiWeek, jsonMediaType(notJson), jsonBody(malformed, { objectOnly: true }), async (c) => {
    const { email, weekStart } = c.req.valid('param');
    const parsed = timesheetDraftSchema(weekStart, { weeklyCapHours: environment.timesheetWeeklyCapHours }).safeParse(await c.req.json());
    if (!parsed.success) return validationProblem(c, issuesOf(parsed.error));
    const result = await saveTimesheetDraft(viewerOf(c), email, weekStart, parsed.data, now());
    switch (result.kind) {
      case 'not-found':
        return c.json(NOT_FOUND, 404);
      case 'forbidden':
        return c.json(WRITE_FORBIDDEN, 403);
      case 'invalid':
        return validationProblem(c, result.issues);
      case 'submitted':
      case 'stale':
        return weekConflict(c, result);
      case 'saved':
        return c.json(result.view);
    }
  });

  routes.post('/api/timesheets/:email/:weekStart/submit', apiWeek, async (c) => {
    const { email, weekStart } = c.req.valid('param');
    const body = await optionalBody(c, SubmitBodySchema);
    if (!body.ok) return body.response;
    const result = await submitTimesheet(viewerOf(c), email, weekStart, now(), body.value.version);
    switch (result.kind) {
      case 'not-found':
        return c.json(NOT_FOUND, 404);
      case 'forbidden':
        return c.json(WRITE_FORBIDDEN, 403);
      case 'invalid':
        return validationProblem(c, result.issues);
      case 'stale':
        return weekConflict(c, result);
      case 'submitted':
        return c.json(result.view);
    }
  });

  routes.post('/api/timesheets/:email/:weekStart/reopen', apiWeek, async (c) => {
    const { email, weekStart } = c.req.valid('param');
    const body = await optionalBody(c, ReopenBodySchema);
    if (!body.ok) return body.response;
    const result = await reopenTimesheet(viewerOf(c), email, weekStart, now());
    switch (result.kind) {
      case 'not-found':
        return c.json(NOT_FOUND, 404);
      case 'forbidden':
        return c.json({ error: 'Forbidden', message: 'Only the PMO reopens a submitted week' }, 403);
      case 'not-submitted':
        return c.json({ error: 'Conflict', message: 'The week is not submitted, so there is nothing to reopen', timesheet: result.view }, 409);
      case 'reopened':
        return c.json(result.view);
    }
  });

  // ---- Late edits of a locked week (reviewed by the person's line manager) ----------------------

  routes.post('/api/timesheets/:email/:weekStart/late-edits', apiWeek, jsonMediaType(notJson), jsonBody(malformed, { objectOnly: true }), async (c) => {
    const { email, weekStart } = c.req.valid('param');
    const parsed = lateEditSchema(weekStart, { weeklyCapHours: environment.timesheetWeeklyCapHours }).safeParse(await c.req.json());
    if (!parsed.success) return validationProblem(c, issuesOf(parsed.error));
    const result = await requestLateEdit(viewerOf(c), email, weekStart, parsed.data, now());
    switch (result.kind) {
      case 'not-found':
        return c.json(NOT_FOUND, 404);
      case 'forbidden':
        return c.json({ error: 'Forbidden', message: result.message }, 403);
      case 'invalid':
        return validationProblem(c, result.issues);
      case 'not-locked':
        return c.json({ error: 'Conflict', message: 'This week has not locked: change it directly (PUT the week, then submit it)' }, 409);
      case 'open-already':
        return c.json({ error: 'Conflict', message: 'A late change of this week is already waiting for a decision', openEdit: `/api/timesheet-edits/${result.openId}` }, 409);
      case 'requested':
        return c.json(result.edit, 202, { Location: `/api/timesheet-edits/${result.edit.id}` });
    }
  });

  routes.get('/api/timesheet-edits/:id', validated('param', EditParamSchema, (c) => c.json(EDIT_NOT_FOUND, 404)), async (c) => {
    const edit = await readLateEdit(viewerOf(c), c.req.valid('param').id);
    return edit ? c.json(edit) : c.json(EDIT_NOT_FOUND, 404);
  });

  // ---- The signed-in person's week page --------------------------------------------------------

  routes.get('/timesheets', (c) => {
    const person = signedInPerson(viewerOf(c));
    if (!person) return c.html(<NoPersonPage />);
    return c.redirect(`/timesheets/${weekStartOn(now(), person.timeZone ?? environment.orgTimeZone)}`, 302);
  });

  routes.get('/timesheets/:weekStart', pageWeek, async (c) => {
    const viewer = viewerOf(c);
    const person = signedInPerson(viewer);
    if (!person) return c.html(<NoPersonPage />);
    const done = c.req.query('done');
    return renderWeek(c, { person, viewer, weekStart: c.req.valid('param').weekStart, target: { kind: 'session' }, now: now() }, done === 'saved' || done === 'submitted' || done === 'late-edit' ? { notice: DONE_NOTICES[done] } : {});
  });

  routes.post('/timesheets/:weekStart', pageWeek, validated('form', z.unknown(), acceptsAll), async (c) => {
    const viewer = viewerOf(c);
    const person = signedInPerson(viewer);
    if (!person) return c.html(<NoPersonPage />);
    const { weekStart } = c.req.valid('param');
    // Post/redirect/get: reloading the page does not send the form again.
    return weekPost(c, { person, viewer, weekStart, target: { kind: 'session' }, now: now() }, readWeekForm(c.req.valid('form')), now(), (what) =>
      c.redirect(`/timesheets/${weekStart}?done=${what}`, 303),
    );
  });

  // ---- The emailed link: one person's one week, without signing in -------------------------------

  // Limited per client and per person, so that guessing keys gets nowhere fast.
  routes.use('/timesheets/:email/:weekStart/link', noStore, rateLimited('link-per-client', { kind: 'link-per-target', target: (c) => `timesheet:${(c.req.param('email') ?? '').toLowerCase()}` }));

  /** The person the link's key opens, or the page that says why not. */
  const linkAccess = async (c: Context, email: string, weekStart: string, key: string | undefined): Promise<Person | Response> => {
    const access = await openTimesheetLink(email, weekStart, key, now());
    if (access.kind === 'invalid') return c.html(<TimesheetLinkInvalidPage />, 403);
    if (access.kind === 'locked') return c.html(<TimesheetLinkLockedPage />, 410);
    return access.person;
  };

  routes.get('/timesheets/:email/:weekStart/link', linkWeek, async (c) => {
    const { email, weekStart } = c.req.valid('param');
    const key = c.req.query('key');
    const person = await linkAccess(c, email, weekStart, key);
    if (person instanceof Response) return person;
    return renderWeek(c, { person, viewer: personViewer(person), weekStart, target: { kind: 'link', key: key! }, now: now() });
  });

  routes.post('/timesheets/:email/:weekStart/link', linkWeek, validated('form', z.unknown(), acceptsAll), async (c) => {
    const { email, weekStart } = c.req.valid('param');
    const form = readWeekForm(c.req.valid('form'));
    // The key is checked first, whatever else the form holds.
    const person = await linkAccess(c, email, weekStart, form.key);
    if (person instanceof Response) return person;
    const context: WeekContext = { person, viewer: personViewer(person), weekStart, target: { kind: 'link', key: form.key! }, now: now() };
    return weekPost(c, context, form, now(), (what) => renderWeek(c, context, { notice: DONE_NOTICES[what] }));
  });

  return routes;
}
