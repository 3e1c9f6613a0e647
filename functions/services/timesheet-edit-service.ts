import { randomUUID } from 'node:crypto';
import { chronological, type AuditEvent } from '#domain/audit.ts';
import { isPmo, type Viewer } from '#domain/access.ts';
import type { Person } from '#domain/directory.ts';
import {
  snapshotOf,
  timesheetAudit,
  timesheetEditExecutionName,
  timesheetEditSubject,
  timesheetWeekSubject,
  type LateEditInput,
  type TimesheetEdit,
} from '#domain/timesheet-edit.ts';
import type { Timesheet } from '#domain/timesheet.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { timesheetEditRepository } from '#adapters/timesheet-edit-repository.ts';
import { timesheetRepository } from '#adapters/timesheet-repository.ts';
import { workflowClient } from '#adapters/workflow-client.ts';
import { countHours, isLockedFor, projectProblems, readablePerson, uncountHours, type TimesheetProblem } from './timesheet-service.ts';

/** How often applying an approved edit reads the week again when another write came first. */
const MAX_ATTEMPTS = 3;

/** What asking for a late edit came to. */
export type LateEditRequest =
  | { readonly kind: 'not-found' }
  /** Someone other than the person (their manager reads the week, the PMO changes it directly). */
  | { readonly kind: 'forbidden'; readonly message: string }
  | { readonly kind: 'invalid'; readonly issues: readonly TimesheetProblem[] }
  /** The week has not locked: it is changed directly. */
  | { readonly kind: 'not-locked' }
  | { readonly kind: 'open-already'; readonly openId: string }
  | { readonly kind: 'requested'; readonly edit: TimesheetEdit };

/**
 * Asks the person's line manager to approve a change to a week that locked for them. Only the
 * person asks (the PMO changes a locked week directly); the week must have locked, the entries
 * must book active projects, and one request per week may be open at a time. The review starts
 * under a name made of the request's id, so a retried start starts it once.
 */
export async function requestLateEdit(viewer: Viewer, email: string, weekStart: string, input: LateEditInput, now: Date): Promise<LateEditRequest> {
  const person = await readablePerson(viewer, email);
  if (!person) return { kind: 'not-found' };
  if (viewer.kind !== 'person' || viewer.email !== person.email) {
    return { kind: 'forbidden', message: isPmo(viewer) ? 'The PMO changes a locked week directly (or reopens it); a late edit is the person’s request' : 'Only the person whose week it is asks for a late change' };
  }
  if (!isLockedFor(person, weekStart, now)) return { kind: 'not-locked' };
  const issues = await projectProblems(input.entries);
  if (issues.length > 0) return { kind: 'invalid', issues };
  const id = randomUUID();
  const edit: TimesheetEdit = {
    id,
    email: person.email,
    name: person.name,
    weekStart,
    entries: input.entries,
    ...(input.noWork ? { noWork: input.noWork } : {}),
    reason: input.reason,
    before: snapshotOf(await timesheetRepository.get(person.email, weekStart)),
    status: 'PENDING',
    requestedAt: now.toISOString(),
    executionName: timesheetEditExecutionName(id),
    updatedAt: now.toISOString(),
  };
  const opened = await timesheetEditRepository.open(edit, now);
  if (opened.kind === 'open-already') return opened;
  await auditRepository.append(timesheetAudit.lateEditRequested(edit));
  await workflowClient.start('timesheetEdit', edit.executionName, { editId: id });
  return { kind: 'requested', edit };
}

/**
 * Writes an approved late edit to its week: the counted hours of the week as it is now come off
 * its projects, the approved entries go on, and the week is submitted with them. Safe to repeat: a
 * week the edit already wrote is left as it is (and its hours counted, if a crash left that).
 */
export async function applyLateEdit(edit: TimesheetEdit, now: Date): Promise<Timesheet> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const current = await timesheetRepository.get(edit.email, edit.weekStart);
    if (current?.lateEditId === edit.id) {
      await countHours(current);
      return current;
    }
    if (current?.status === 'SUBMITTED') await uncountHours(current);
    const at = now.toISOString();
    const next: Timesheet & { lateEditId: string } = {
      email: edit.email,
      weekStart: edit.weekStart,
      status: 'SUBMITTED',
      entries: edit.entries,
      ...(edit.noWork ? { noWork: edit.noWork } : {}),
      submittedAt: at,
      updatedAt: at,
      version: (current?.version ?? 0) + 1,
      lateEditId: edit.id,
    };
    if (await timesheetRepository.replaceWithLateEdit(next, current?.version ?? 0)) {
      await countHours(next);
      return next;
    }
  }
  throw new Error(`The timesheet of ${edit.email} for ${edit.weekStart} kept changing while a late edit was applied; the step is retried`);
}

/** A late edit, if the viewer may read it: the person, their line manager, whoever decides it, the PMO. */
export async function readLateEdit(viewer: Viewer, id: string): Promise<TimesheetEdit | undefined> {
  const edit = await timesheetEditRepository.get(id);
  if (!edit) return undefined;
  return (await mayReadLateEdit(viewer, edit)) ? edit : undefined;
}

/** Whether a viewer may read a late edit (and its review's trail). */
export async function mayReadLateEdit(viewer: Viewer, edit: Pick<TimesheetEdit, 'email'>): Promise<boolean> {
  return (await readablePerson(viewer, edit.email)) !== undefined;
}

/** A person's week's late edits and history (its own events and those of its edits' reviews), oldest first. */
export async function weekHistory(person: Person, weekStart: string): Promise<{ edits: TimesheetEdit[]; events: AuditEvent[] }> {
  const edits = await timesheetEditRepository.listForWeek(person.email, weekStart);
  const trails = await Promise.all([
    auditRepository.listForSubject(timesheetWeekSubject(person.email, weekStart)),
    ...edits.map((edit) => auditRepository.listForSubject(timesheetEditSubject(edit.id))),
  ]);
  return { edits, events: chronological(trails.flat()) };
}
