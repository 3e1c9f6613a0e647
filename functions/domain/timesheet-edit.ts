import { createHash } from 'node:crypto';
import * as z from 'zod';
import { SYSTEM_ACTOR, type AuditEvent } from './audit.ts';
import { PersonRefSchema, type PersonRef } from './person-ref.ts';
import type { SubjectRef } from './subject.ts';
import { MAX_NOTE_LENGTH, NoWorkSchema, TimesheetEntrySchema, timesheetDraftSchema, timesheetTotals, type Timesheet, type TimesheetEntry } from './timesheet.ts';

// A late edit: a change to a week that locked for its person, asked of their line manager through
// the review engine (subject type `timesheet-edit`), and applied only once approved.

/** Where a late edit stands. PENDING while its review runs; the others are final. */
export const TIMESHEET_EDIT_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'WITHDRAWN', 'FAILED'] as const;
export type TimesheetEditStatus = (typeof TIMESHEET_EDIT_STATUSES)[number];

/** A status in words, for pages and emails. */
export const TIMESHEET_EDIT_STATUS_LABELS: Readonly<Record<TimesheetEditStatus, string>> = {
  PENDING: 'Waiting for the manager',
  APPROVED: 'Approved and applied',
  REJECTED: 'Rejected',
  EXPIRED: 'Expired: nobody decided in time',
  WITHDRAWN: 'Withdrawn',
  FAILED: 'Failed',
};

/** What the week looked like when the change was asked for, to show before → after. */
const WeekSnapshotSchema = z.object({
  status: z.enum(['NOT_STARTED', 'DRAFT', 'SUBMITTED']),
  entries: z.array(TimesheetEntrySchema),
  noWork: NoWorkSchema.optional(),
  version: z.number().int().min(0),
});
export type WeekSnapshot = z.infer<typeof WeekSnapshotSchema>;

/** A stored late-edit request. */
export const TimesheetEditSchema = z.object({
  id: z.uuid(),
  email: z.string().min(1),
  name: z.string().min(1),
  weekStart: z.iso.date(),
  /** The week as it should become. */
  entries: z.array(TimesheetEntrySchema),
  noWork: NoWorkSchema.optional(),
  reason: z.string().min(1).max(MAX_NOTE_LENGTH),
  before: WeekSnapshotSchema,
  status: z.enum(TIMESHEET_EDIT_STATUSES),
  requestedAt: z.iso.datetime(),
  executionName: z.string(),
  decision: z
    .object({
      decision: z.enum(['approve', 'reject', 'expired', 'withdrawn', 'failed']),
      by: PersonRefSchema.optional(),
      onBehalfOf: PersonRefSchema.optional(),
      comment: z.string().optional(),
      at: z.iso.datetime(),
      reason: z.string().optional(),
    })
    .optional(),
  /** When the approved change was written to the week. */
  appliedAt: z.iso.datetime().optional(),
  updatedAt: z.iso.datetime(),
});
export type TimesheetEdit = z.infer<typeof TimesheetEditSchema>;

/**
 * The body of a late-edit request: the week as it should be (the same rules as a draft: dates in
 * the week, quarter hours, the weekly cap, or "did not work" with a reason) and why it changes late.
 */
export function lateEditSchema(weekStart: string, options: { readonly weeklyCapHours: number }) {
  const reason = z
    .string({ error: 'Say why the week changes after it locked' })
    .trim()
    .min(1, 'Say why the week changes after it locked')
    .max(MAX_NOTE_LENGTH, `Use at most ${MAX_NOTE_LENGTH} characters`);
  return z
    .looseObject({ reason })
    .transform((input, ctx) => {
      const { reason: text, ...week } = input;
      const parsed = timesheetDraftSchema(weekStart, options).safeParse(week);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
        return z.NEVER;
      }
      if (parsed.data.version !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['version'], message: 'A late edit applies to the week as it is when approved: leave out version' });
        return z.NEVER;
      }
      if (!parsed.data.noWork && !parsed.data.entries.some((entry) => entry.hours > 0)) {
        ctx.addIssue({ code: 'custom', path: ['entries'], message: 'Book the hours the week should have, or say that you did not work (noWork with a reason)' });
        return z.NEVER;
      }
      return { entries: parsed.data.entries, ...(parsed.data.noWork ? { noWork: parsed.data.noWork } : {}), reason: text as string };
    });
}
export type LateEditInput = { readonly entries: TimesheetEntry[]; readonly noWork?: { reason: string }; readonly reason: string };

/** The review engine's reference to a late edit. */
export function timesheetEditSubject(id: string): SubjectRef {
  return { type: 'timesheet-edit', id };
}

/** The execution that reviews a late edit: one per request, so a second start by hand is refused by name. */
export function timesheetEditExecutionName(id: string): string {
  return `timesheet-edit-${id}`;
}

/** A week as it was asked to be changed from. */
export function snapshotOf(timesheet: Timesheet | undefined): WeekSnapshot {
  if (!timesheet) return { status: 'NOT_STARTED', entries: [], version: 0 };
  return { status: timesheet.status, entries: timesheet.entries, ...(timesheet.noWork ? { noWork: timesheet.noWork } : {}), version: timesheet.version };
}

/** One project's hours before and after the change. */
export interface ProjectChangeLine {
  readonly projectId: string;
  readonly before: number;
  readonly after: number;
}

/** The hours per project before and after, every project that has hours in either, by id. */
export function projectChanges(edit: Pick<TimesheetEdit, 'weekStart' | 'entries' | 'before'>): ProjectChangeLine[] {
  const before = timesheetTotals(edit.weekStart, edit.before.entries).byProject;
  const after = timesheetTotals(edit.weekStart, edit.entries).byProject;
  const ids = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return ids.map((projectId) => ({ projectId, before: before[projectId] ?? 0, after: after[projectId] ?? 0 }));
}

/** The final status an outcome of the review gives a late edit. */
export function editStatusFor(decision: 'approve' | 'reject' | 'expired' | 'withdrawn' | 'failed'): Exclude<TimesheetEditStatus, 'PENDING'> {
  return ({ approve: 'APPROVED', reject: 'REJECTED', expired: 'EXPIRED', withdrawn: 'WITHDRAWN', failed: 'FAILED' } as const)[decision];
}

/**
 * The audit subject of a person's week: `timesheet:<weekStart>.<hash>`. The hash of the email keeps
 * the id within the 128 characters a subject id has, and keeps addresses out of ids in logs.
 */
export function timesheetWeekSubject(email: string, weekStart: string): SubjectRef {
  return { type: 'timesheet', id: `${weekStart}.${createHash('sha256').update(email.toLowerCase(), 'utf8').digest('hex').slice(0, 32)}` };
}

/** The week's own audit events (the late edits' reviews have their own trails, linked from them). */
export const timesheetAudit = {
  submitted(timesheet: Timesheet, actor: string): AuditEvent {
    return {
      subject: timesheetWeekSubject(timesheet.email, timesheet.weekStart),
      eventId: `submitted#${timesheet.version}`,
      type: 'submitted',
      at: timesheet.submittedAt ?? timesheet.updatedAt,
      actor,
      summary: timesheet.noWork ? `Submitted: did not work (${timesheet.noWork.reason})` : `Submitted with ${timesheetTotals(timesheet.weekStart, timesheet.entries).total} hours`,
    };
  },

  reopened(timesheet: Timesheet, by: string): AuditEvent {
    return {
      subject: timesheetWeekSubject(timesheet.email, timesheet.weekStart),
      eventId: `reopened#${timesheet.version}`,
      type: 'reopened',
      at: timesheet.reopenedAt ?? timesheet.updatedAt,
      actor: by,
      summary: `Reopened by ${by}`,
    };
  },

  lateEditRequested(edit: TimesheetEdit): AuditEvent {
    return {
      subject: timesheetWeekSubject(edit.email, edit.weekStart),
      eventId: `late-edit-requested#${edit.id}`,
      type: 'late-edit-requested',
      at: edit.requestedAt,
      actor: edit.email,
      summary: `Late change asked of the line manager: ${edit.reason}`,
      details: { editId: edit.id },
    };
  },

  lateEditDecided(edit: TimesheetEdit): AuditEvent {
    const decision = edit.decision;
    const by = decision?.by ? ` by ${decision.by.name}${decision.onBehalfOf ? ` on behalf of ${decision.onBehalfOf.name}` : ''}` : '';
    return {
      subject: timesheetWeekSubject(edit.email, edit.weekStart),
      eventId: `late-edit-decided#${edit.id}`,
      type: 'late-edit-decided',
      at: decision?.at ?? edit.updatedAt,
      actor: decision?.by?.email ?? SYSTEM_ACTOR,
      summary: `Late change ${TIMESHEET_EDIT_STATUS_LABELS[edit.status].toLowerCase()}${by}${decision?.comment ? `: ${decision.comment}` : ''}`,
      details: { editId: edit.id, status: edit.status },
    };
  },
};

export type { PersonRef };
