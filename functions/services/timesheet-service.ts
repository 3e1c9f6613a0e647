import { isPmo, mayRead, type Viewer } from '#domain/access.ts';
import type { Person } from '#domain/directory.ts';
import { createLinkSecret } from '#domain/link-secret.ts';
import {
  copiedEntries,
  draftFrom,
  previousWeek,
  submissionProblem,
  submissionToken,
  timesheetTotals,
  weekLockDate,
  weekLockInstant,
  type NoWork,
  type Timesheet,
  type TimesheetDraftInput,
  type TimesheetEntry,
  type TimesheetTotals,
} from '#domain/timesheet.ts';
import { weekDates } from '#domain/working-time.ts';
import { timesheetAudit } from '#domain/timesheet-edit.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { environment } from '#adapters/environment.ts';
import { timesheetRepository } from '#adapters/timesheet-repository.ts';
import { pageUrl } from './links.ts';
import { getProject, listActiveProjects } from './project-service.ts';
import { expectedWeekOf } from './working-time-service.ts';

// Capturing time: a person's week, saved as a draft and submitted; the PMO reopens a submitted
// week. Who: the person themselves (signed in, or through the week's emailed link), their line
// manager (reading only), and the PMO. Anyone else is answered as if there were no timesheet.

/** How often a save or submission reads again after another write came first, before giving up. */
const MAX_ATTEMPTS = 3;

/** A field of the request and what is wrong with it. */
export interface TimesheetProblem {
  readonly path: string;
  readonly message: string;
}

/** Expected hours of a week, from the person's work pattern, holidays and leave. */
export interface ExpectedHours {
  readonly total: number;
  readonly byDate: Readonly<Record<string, number>>;
}

/** A week as the API and the week page show it: the timesheet (or none yet), its totals and the expected hours. */
export interface TimesheetView {
  readonly email: string;
  readonly weekStart: string;
  /** NOT_STARTED: nothing saved for the week yet. */
  readonly status: 'NOT_STARTED' | Timesheet['status'];
  readonly entries: readonly TimesheetEntry[];
  readonly noWork?: NoWork;
  readonly submittedAt?: string;
  readonly reopenedAt?: string;
  readonly reopenedBy?: string;
  readonly updatedAt?: string;
  /** 0 when nothing is saved; send it back with a change so that it does not overwrite a newer one. */
  readonly version: number;
  readonly totals: TimesheetTotals;
  readonly expected: ExpectedHours;
  /** The day the week locks (after it, a change is a late edit). */
  readonly locksOn: string;
}

function viewOf(email: string, weekStart: string, timesheet: Timesheet | undefined, expected: ExpectedHours): TimesheetView {
  const entries = timesheet?.entries ?? [];
  return {
    email,
    weekStart,
    status: timesheet?.status ?? 'NOT_STARTED',
    entries,
    ...(timesheet?.noWork ? { noWork: timesheet.noWork } : {}),
    ...(timesheet?.submittedAt ? { submittedAt: timesheet.submittedAt } : {}),
    ...(timesheet?.reopenedAt ? { reopenedAt: timesheet.reopenedAt } : {}),
    ...(timesheet?.reopenedBy ? { reopenedBy: timesheet.reopenedBy } : {}),
    ...(timesheet?.updatedAt ? { updatedAt: timesheet.updatedAt } : {}),
    version: timesheet?.version ?? 0,
    totals: timesheetTotals(weekStart, entries),
    expected,
    locksOn: weekLockDate(weekStart),
  };
}

/** The line manager and the PMO read a person's weeks; the person reads and writes their own. */
function mayReadWeeksOf(viewer: Viewer, person: Person): boolean {
  return mayRead(viewer, { submitterEmail: person.email, lineManagerEmails: person.managerEmail ? [person.managerEmail] : [] });
}

function mayWriteWeeksOf(viewer: Viewer, person: Person): boolean {
  return viewer.kind === 'open' || isPmo(viewer) || viewer.email === person.email;
}

/** The person whose weeks these are, if the viewer may read them; undefined reads as "no such timesheet". */
export async function readablePerson(viewer: Viewer, email: string): Promise<Person | undefined> {
  const person = await directoryRepository.getPerson(email.toLowerCase());
  return person && mayReadWeeksOf(viewer, person) ? person : undefined;
}

async function expectedOf(email: string, weekStart: string): Promise<ExpectedHours> {
  return (await expectedWeekOf(email, weekStart)) ?? { total: 0, byDate: Object.fromEntries(weekDates(weekStart).map((date) => [date, 0])) };
}

/** What reading a week found. */
export type TimesheetRead = { readonly kind: 'not-found' } | { readonly kind: 'ok'; readonly person: Person; readonly view: TimesheetView };

/** A person's week, with totals and expected hours, if the viewer may read it. */
export async function readTimesheet(viewer: Viewer, email: string, weekStart: string): Promise<TimesheetRead> {
  const person = await readablePerson(viewer, email);
  if (!person) return { kind: 'not-found' };
  const [timesheet, expected] = await Promise.all([timesheetRepository.get(person.email, weekStart), expectedOf(person.email, weekStart)]);
  return { kind: 'ok', person, view: viewOf(person.email, weekStart, timesheet, expected) };
}

/**
 * Why entries may not be booked, by entry: a project that is not ACTIVE (unknown, on hold or
 * closed) is named at the first entry booking it.
 */
export async function projectProblems(entries: readonly Pick<TimesheetEntry, 'projectId'>[]): Promise<TimesheetProblem[]> {
  const firstIndex = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (!firstIndex.has(entry.projectId)) firstIndex.set(entry.projectId, index);
  });
  const checked = await Promise.all(
    [...firstIndex.entries()].map(async ([projectId, index]) => ({ index, project: await getProject(projectId) })),
  );
  return checked
    .filter(({ project }) => project?.status !== 'ACTIVE')
    .map(({ index, project }) => ({
      path: `entries.${index}.projectId`,
      message: project ? `“${project.title}” is ${project.status === 'CLOSED' ? 'closed' : 'on hold'}: book its hours to an active project` : 'No active project has this id',
    }));
}

/** What a write did. `forbidden`: the viewer reads the week (its line manager) but does not write it. */
export type TimesheetWrite =
  | { readonly kind: 'not-found' }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'invalid'; readonly issues: readonly TimesheetProblem[] }
  /** The week is submitted: no change until the PMO reopens it. */
  | { readonly kind: 'submitted'; readonly view: TimesheetView }
  /** The sender read an older version than the one stored. */
  | { readonly kind: 'stale'; readonly view: TimesheetView }
  | { readonly kind: 'saved'; readonly view: TimesheetView };

/**
 * Why a week can no longer be changed by its person: it locked (3 working days after it ended, in
 * their time zone). The PMO still can, and reopens; a late edit by the person comes as a request
 * to their manager (next: through the review engine).
 */
function lockProblem(viewer: Viewer, person: Person, weekStart: string, now: Date): { path: string; message: string } | undefined {
  if (isPmo(viewer)) return undefined;
  return isLockedFor(person, weekStart, now)
    ? { path: 'weekStart', message: `This week locked on ${weekLockDate(weekStart)}: ask your line manager for a late change (POST …/late-edits)` }
    : undefined;
}

/** Whether a week has locked for its person (3 working days after it ended, in their time zone). */
export function isLockedFor(person: Person, weekStart: string, now: Date): boolean {
  return now.getTime() >= weekLockInstant(weekStart, zoneOf(person)).getTime();
}

/** The person, if the viewer may write their weeks; otherwise how to refuse. */
async function writablePerson(viewer: Viewer, email: string): Promise<Person | { kind: 'not-found' } | { kind: 'forbidden' }> {
  const person = await readablePerson(viewer, email);
  if (!person) return { kind: 'not-found' };
  return mayWriteWeeksOf(viewer, person) ? person : { kind: 'forbidden' };
}

function isPerson(value: Person | { kind: string }): value is Person {
  return 'email' in value;
}

/**
 * Saves a draft of a week: checked by the domain's schema at the edge, and here against the
 * projects (ACTIVE only) and the stored week (not submitted; at the version the sender read, when
 * they say which).
 */
export async function saveTimesheetDraft(viewer: Viewer, email: string, weekStart: string, input: TimesheetDraftInput, now: Date): Promise<TimesheetWrite> {
  const person = await writablePerson(viewer, email);
  if (!isPerson(person)) return person;
  const locked = lockProblem(viewer, person, weekStart, now);
  if (locked) return { kind: 'invalid', issues: [locked] };
  const issues = await projectProblems(input.entries);
  if (issues.length > 0) return { kind: 'invalid', issues };
  const expected = await expectedOf(person.email, weekStart);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const current = await timesheetRepository.get(person.email, weekStart);
    if (current?.status === 'SUBMITTED') return { kind: 'submitted', view: viewOf(person.email, weekStart, current, expected) };
    if (input.version !== undefined && input.version !== (current?.version ?? 0)) return { kind: 'stale', view: viewOf(person.email, weekStart, current, expected) };
    const draft = draftFrom(current, { email: person.email, weekStart }, input, now);
    if (await timesheetRepository.saveDraft(draft, current?.version ?? 0)) return { kind: 'saved', view: viewOf(person.email, weekStart, draft, expected) };
    // Another write came first; a sender who named the version they read must read it again.
  }
  const latest = await timesheetRepository.get(person.email, weekStart);
  return latest?.status === 'SUBMITTED' ? { kind: 'submitted', view: viewOf(person.email, weekStart, latest, expected) } : { kind: 'stale', view: viewOf(person.email, weekStart, latest, expected) };
}

/** Adds a submitted week's hours to its projects' counters (idempotent: once per submission). */
export async function countHours(submitted: Timesheet): Promise<void> {
  const token = submissionToken(submitted);
  const { byProject } = timesheetTotals(submitted.weekStart, submitted.entries);
  for (const [projectId, hours] of Object.entries(byProject)) {
    if (hours > 0) await timesheetRepository.countProjectHours(projectId, submitted.weekStart, token, hours);
  }
}

/** Takes a reopened submission's hours off its projects' counters (idempotent). */
export async function uncountHours(submitted: Timesheet): Promise<void> {
  const token = submissionToken(submitted);
  const { byProject } = timesheetTotals(submitted.weekStart, submitted.entries);
  for (const [projectId, hours] of Object.entries(byProject)) {
    if (hours > 0) await timesheetRepository.uncountProjectHours(projectId, submitted.weekStart, token, hours);
  }
}

/** What a submission did. */
export type TimesheetSubmission =
  | Exclude<TimesheetWrite, { kind: 'submitted' | 'saved' }>
  /** Submitted now, or (`already`) before: a repeat changes nothing and counts nothing twice. */
  | { readonly kind: 'submitted'; readonly view: TimesheetView; readonly already: boolean };

/**
 * Submits the saved draft of a week: it must book hours or say the person did not work, on active
 * projects. Its hours are then added to the projects' counters, once; a repeated submission
 * finishes counting what an interrupted one may have left. With `expectedVersion`, only the draft
 * at that version is submitted.
 */
export async function submitTimesheet(viewer: Viewer, email: string, weekStart: string, now: Date, expectedVersion?: number): Promise<TimesheetSubmission> {
  const person = await writablePerson(viewer, email);
  if (!isPerson(person)) return person;
  const locked = lockProblem(viewer, person, weekStart, now);
  if (locked) return { kind: 'invalid', issues: [locked] };
  const expected = await expectedOf(person.email, weekStart);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const current = await timesheetRepository.get(person.email, weekStart);
    if (current?.status === 'SUBMITTED') {
      await countHours(current);
      return { kind: 'submitted', view: viewOf(person.email, weekStart, current, expected), already: true };
    }
    if (!current) return { kind: 'invalid', issues: [{ path: 'entries', message: 'Nothing is saved for this week yet: save your hours (or that you did not work) first' }] };
    // What the sender saw is not what would be submitted.
    if (expectedVersion !== undefined && expectedVersion !== current.version) return { kind: 'stale', view: viewOf(person.email, weekStart, current, expected) };
    const problem = submissionProblem(current);
    if (problem) return { kind: 'invalid', issues: [problem] };
    const issues = await projectProblems(current.entries);
    if (issues.length > 0) return { kind: 'invalid', issues };
    const submitted = await timesheetRepository.submit(current, now.toISOString());
    if (!submitted) continue;
    await countHours(submitted);
    await auditRepository.append(timesheetAudit.submitted(submitted, viewer.kind === 'person' ? viewer.email : `${person.email} (emailed link)`));
    return { kind: 'submitted', view: viewOf(person.email, weekStart, submitted, expected), already: false };
  }
  throw new Error(`The timesheet of ${person.email} for ${weekStart} kept changing while it was submitted; try again`);
}

/** What a reopening did. */
export type TimesheetReopening =
  | { readonly kind: 'not-found' }
  | { readonly kind: 'forbidden' }
  /** Not submitted (a draft, or reopened already): nothing to reopen. */
  | { readonly kind: 'not-submitted'; readonly view: TimesheetView }
  | { readonly kind: 'reopened'; readonly view: TimesheetView };

/**
 * Reopens a submitted week (the PMO): a draft again, its hours taken off the projects' counters
 * first, so that a reopening interrupted halfway is finished by the next attempt.
 */
export async function reopenTimesheet(viewer: Viewer, email: string, weekStart: string, now: Date): Promise<TimesheetReopening> {
  const person = await readablePerson(viewer, email);
  if (!person) return { kind: 'not-found' };
  if (!isPmo(viewer)) return { kind: 'forbidden' };
  const expected = await expectedOf(person.email, weekStart);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const current = await timesheetRepository.get(person.email, weekStart);
    if (!current) return { kind: 'not-found' };
    if (current.status !== 'SUBMITTED') return { kind: 'not-submitted', view: viewOf(person.email, weekStart, current, expected) };
    await uncountHours(current);
    const reopened = await timesheetRepository.reopen(current, now.toISOString(), viewer.kind === 'person' ? viewer.email : 'web (not signed in)');
    if (reopened) {
      await auditRepository.append(timesheetAudit.reopened(reopened, reopened.reopenedBy ?? 'PMO'));
      return { kind: 'reopened', view: viewOf(person.email, weekStart, reopened, expected) };
    }
  }
  throw new Error(`The timesheet of ${person.email} for ${weekStart} kept changing while it was reopened; try again`);
}

// ---- The emailed week link ------------------------------------------------------------------------

/** The time zone a person's week locks in: theirs, else the organisation's. */
function zoneOf(person: Person | undefined): string {
  return person?.timeZone ?? environment.orgTimeZone;
}

/** The path of a person's week page opened by an emailed link (without its key). */
export function timesheetLinkPath(email: string, weekStart: string): string {
  return `/timesheets/${encodeURIComponent(email)}/${weekStart}/link`;
}

/**
 * Issues a personal link to one person's week and returns its full URL: no sign-in needed, it
 * opens that person's that week only, and stops working when the week locks. Only the hash of
 * its secret is stored. Made when the link is emailed (the chase calls this).
 */
export async function timesheetLink(email: string, weekStart: string, now: Date): Promise<string> {
  const address = email.toLowerCase();
  const person = await directoryRepository.getPerson(address);
  const { secret } = createLinkSecret();
  await timesheetRepository.issueLinkKey(address, weekStart, secret, now, weekLockInstant(weekStart, zoneOf(person)));
  return `${pageUrl(timesheetLinkPath(address, weekStart))}?${new URLSearchParams({ key: secret }).toString()}`;
}

/** What an emailed week link opens: the person (acting as them on that week only), or why not. */
export type TimesheetLinkAccess = { readonly kind: 'invalid' } | { readonly kind: 'locked' } | { readonly kind: 'ok'; readonly person: Person };

/**
 * Opens a week by its emailed link: the key must have been issued for this person and this week
 * and the week not locked. A person deactivated since keeps no way in.
 */
export async function openTimesheetLink(email: string, weekStart: string, secret: string | undefined, now: Date): Promise<TimesheetLinkAccess> {
  const address = email.toLowerCase();
  const state = await timesheetRepository.linkKeyState(address, weekStart, secret, now);
  if (state === 'unknown') return { kind: 'invalid' };
  if (state === 'expired') return { kind: 'locked' };
  const person = await directoryRepository.getPerson(address);
  return person?.active ? { kind: 'ok', person } : { kind: 'invalid' };
}

// ---- What the week page needs -----------------------------------------------------------------

/** A project a person may book to, as the week page offers it. */
export interface BookableProject {
  readonly id: string;
  readonly title: string;
}

/** The projects people book to (ACTIVE ones), by title. */
export async function bookableProjects(): Promise<BookableProject[]> {
  return (await listActiveProjects()).map((project) => ({ id: project.id, title: project.title }));
}

/** The titles of the projects a week's entries name (active or not: a submitted week keeps them). */
export async function projectTitles(projectIds: readonly string[]): Promise<Map<string, string>> {
  const found = await Promise.all([...new Set(projectIds)].map(async (id) => [id, (await getProject(id))?.title] as const));
  return new Map(found.filter((pair): pair is readonly [string, string] => pair[1] !== undefined));
}

/** Last week's entries, moved to this week, on the projects still open (what "copy last week" fills the grid with). */
export async function lastWeekEntries(email: string, weekStart: string): Promise<TimesheetEntry[]> {
  const previous = await timesheetRepository.get(email.toLowerCase(), previousWeek(weekStart));
  if (!previous || previous.entries.length === 0) return [];
  const active = new Set((await listActiveProjects()).map((project) => project.id));
  return copiedEntries(previous.entries, (projectId) => active.has(projectId));
}
