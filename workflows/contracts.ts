import * as z from 'zod';
import { ApproverSpecSchema } from '#domain/approval-policy.ts';
import { PersonRefSchema } from '#domain/person-ref.ts';
import { ReviewDecisionSchema, ReviewOutcomeSchema, SubjectRefSchema } from '#domain/subject.ts';
import { WeekStartSchema } from '#domain/working-time.ts';

/**
 * The payloads that pass between the state machines and the functions they call, as zod schemas.
 * The handlers parse their events with them; the builders in workflows/ shape each task's payload
 * to the same keys (`PayloadOf`), so a renamed field fails the typecheck on both sides. This module
 * imports no CDK: the functions bundle it.
 */

/** The keys a task's payload must have: those of its schema's input. */
export type PayloadOf<S extends z.ZodType> = { readonly [K in keyof z.input<S>]-?: unknown };

/** Every workflow in the registry, by key; its state machine's ARN reaches the functions in `<KEY>_STATE_MACHINE_ARN`. */
export const WORKFLOW_KEYS = ['intake', 'timesheetChase', 'timesheetEdit', 'invoice', 'report'] as const;
export type WorkflowKey = (typeof WORKFLOW_KEYS)[number];

/**
 * The subject each workflow's executions are about: its type, and the input field with its id.
 * `undefined`: a workflow that reviews no subject (the timesheet chase is about a week, and a
 * stopped chase leaves nothing waiting).
 */
export const WORKFLOW_SUBJECTS: Readonly<Record<WorkflowKey, { readonly subjectType: string; readonly idField: string } | undefined>> = {
  intake: { subjectType: 'proposal', idField: 'proposalId' },
  timesheetChase: undefined,
  timesheetEdit: { subjectType: 'timesheet-edit', idField: 'editId' },
  invoice: { subjectType: 'invoice', idField: 'invoiceId' },
  report: undefined,
};

/**
 * The registry key of the workflow a state machine ARN names: its name ends with `-<key>`
 * (`<stack>-intake` on AWS, `pmo-intake` locally).
 */
export function workflowKeyOfStateMachine(stateMachineArn: string): WorkflowKey | undefined {
  const name = stateMachineArn.split(':').at(-1) ?? '';
  return WORKFLOW_KEYS.find((key) => name.endsWith(`-${key}`));
}

/**
 * An EventBridge "Step Functions Execution Status Change" event (source `aws.states`), as AWS
 * sends it and as the local Step Functions endpoint emits it for the same transitions.
 */
export const ExecutionStatusChangeEventSchema = z.object({
  source: z.literal('aws.states'),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  time: z.string().optional(),
  detail: z.object({
    executionArn: z.string().min(1).max(2048),
    stateMachineArn: z.string().min(1).max(2048),
    name: z.string().min(1).max(80),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']),
    startDate: z.number().optional(),
    stopDate: z.number().nullish(),
    input: z.string().nullish(),
    error: z.string().nullish(),
    cause: z.string().nullish(),
  }),
});
export type ExecutionStatusChangeEvent = z.infer<typeof ExecutionStatusChangeEventSchema>;

/** The environment variable that carries a workflow's state machine ARN: `TIMESHEET_CHASE_STATE_MACHINE_ARN` for `timesheetChase`. */
export function stateMachineArnVariable(key: string): string {
  return `${key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^a-z0-9]+/gi, '_')
    .toUpperCase()}_STATE_MACHINE_ARN`;
}

/**
 * Report execution input: the definition and the instant it was due (`{}` sends the default weekly
 * portfolio report for the current minute); `requestedBy` for a run someone asked for by hand.
 */
export const ReportExecutionInputSchema = z
  .object({
    reportId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'A report id is lower-case words joined by dashes').optional(),
    scheduledFor: z.iso.datetime().optional(),
    requestedBy: z.email().optional(),
  })
  .strict();
export type ReportExecutionInput = z.input<typeof ReportExecutionInputSchema>;

/** "Plan report run": what the execution was started with, and its name (the run's id). */
export const PlanReportRunInputSchema = z.object({ input: ReportExecutionInputSchema, executionName: z.string().min(1).max(80) });

/** "Deliver report": one recipient of a run. */
export const DeliverReportInputSchema = z.object({ reportId: z.string().min(1).max(40), runId: z.string().min(1).max(80), email: z.email() });

/** "Finish report run": the run to count and close. */
export const FinishReportRunInputSchema = z.object({ reportId: z.string().min(1).max(40), runId: z.string().min(1).max(80) });

/** The report tick's event from its schedule: the time it was scheduled for. */
export const ReportTickEventSchema = z.object({ time: z.iso.datetime({ offset: true }), schedule: z.string().min(1).max(64) });

/** Invoice execution input: `{ "invoiceId": "<uuid>" }`. */
export const InvoiceExecutionInputSchema = z.object({ invoiceId: z.uuid() });

/** "Check invoice" and "Post invoice": the invoice, and the execution asking (only its own may). */
export const InvoiceStepInputSchema = z.object({ invoiceId: z.uuid(), executionName: z.string().min(1).max(80) });

/** Late-edit execution input: `{ "editId": "<uuid>" }`. */
export const TimesheetEditExecutionInputSchema = z.object({ editId: z.uuid() });

/** Intake execution input: `{ "proposalId": "<uuid>" }`. */
export const IntakeExecutionInputSchema = z.object({ proposalId: z.string().min(1).max(128) });

/** "Score proposal": the proposal to score, and the execution asking (only its current one may). */
export const ScoreProposalInputSchema = z.object({ proposalId: z.string().min(1).max(128), executionName: z.string().min(1).max(80) });

/** What one approval's callback task returns: a decision, or why there is none. */
export const ApprovalResultSchema = z.union([ReviewDecisionSchema, z.object({ decision: z.enum(['superseded', 'expired', 'withdrawn']) })]);

/** "Advance review": the subject, and the level whose approvers just answered (0 when the review starts). */
export const AdvanceReviewInputSchema = z.object({
  subject: SubjectRefSchema,
  executionName: z.string().min(1).max(80),
  completedLevel: z.number().int().min(0),
  results: z.array(ApprovalResultSchema),
});
export type AdvanceReviewInput = z.infer<typeof AdvanceReviewInputSchema>;

/** What every approval of a level shares; "Advance review" plans it, each "Request approval" receives it. */
export const LevelRequestSchema = z.object({
  level: z.number().int().min(1),
  levelName: z.string().min(1),
  levelCount: z.number().int().min(1),
  /** Where the level stands in the review's plan (1 for its first): levels a condition left out are skipped. */
  position: z.number().int().min(1).optional(),
  quorum: z.enum(['any', 'all']),
  slotCount: z.number().int().min(1),
  timeoutSeconds: z.number().positive(),
  reminderAfterSeconds: z.number().positive(),
  escalateAfterSeconds: z.number().positive().optional(),
  escalateTo: ApproverSpecSchema.optional(),
  attention: z.string().optional(),
});
export type LevelRequest = z.infer<typeof LevelRequestSchema>;

/** One approver of a level, by slot: the person asked, or their delegate on their behalf. */
export const LevelAssigneeSchema = z.object({ slot: z.number().int().min(0), approver: PersonRefSchema, onBehalfOf: PersonRefSchema.optional() });
export type LevelAssignee = z.infer<typeof LevelAssigneeSchema>;

/** "Request approval" (a callback task, once per approver of a level). */
export const RequestApprovalInputSchema = z.object({
  subject: SubjectRefSchema,
  executionName: z.string().min(1).max(80),
  request: LevelRequestSchema,
  assignee: LevelAssigneeSchema,
  taskToken: z.string().min(1),
});
export type RequestApprovalInput = z.infer<typeof RequestApprovalInputSchema>;

/** The final decision of a review as "Advance review" reports it. */
export type ReviewDecision = z.infer<typeof ReviewOutcomeSchema>;

/** What "Advance review" returns: the next level to ask, or the review's outcome. */
export type ReviewProgress =
  | { readonly done: false; readonly level: number; readonly nextLevel: { readonly request: LevelRequest; readonly assignees: LevelAssignee[] } }
  | { readonly done: true; readonly level: number; readonly decision: ReviewDecision };

/** "Record outcome": ends the review of a subject (a decision, or why there is none, or a failure). */
export const RecordOutcomeInputSchema = z.object({
  subject: SubjectRefSchema,
  executionName: z.string().min(1).max(80),
  outcome: ReviewOutcomeSchema,
});
export type RecordOutcomeInput = z.infer<typeof RecordOutcomeInputSchema>;

// ---- Timesheet chase ---------------------------------------------------------------------------

/**
 * Timesheet chase execution input: the week to chase (its Monday), or none for the last completed
 * week in the organisation's zone; a scheduled run also carries the time it was scheduled for.
 */
export const TimesheetChaseInputSchema = z.object({
  weekStart: WeekStartSchema.optional(),
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});
export type TimesheetChaseInput = z.infer<typeof TimesheetChaseInputSchema>;

/** "Find missing timesheets": the execution's input as given, its name (the run id) and start time. */
export const FindMissingTimesheetsInputSchema = z.object({
  input: TimesheetChaseInputSchema,
  executionName: z.string().min(1).max(80),
  startedAt: z.iso.datetime({ offset: true }),
});

/** What "Find missing timesheets" returns: the week, the run's round, and the reminder batches to send, by index. */
export interface ChaseFound {
  readonly weekStart: string;
  readonly runId: string;
  readonly round: number;
  readonly batches: number[];
  readonly considered: number;
  readonly missing: number;
}

/** What one chase step is about: the week, the run and its round. */
const ChaseRunSchema = z.object({
  weekStart: WeekStartSchema,
  runId: z.string().min(1).max(80),
  round: z.number().int().min(1),
});

/** "Send reminders" (one Map iteration): one batch of a run. */
export const SendTimesheetRemindersInputSchema = ChaseRunSchema.extend({ batch: z.number().int().min(0) });

/** What one batch's reminders came to: sent now, sent by an earlier attempt of the same round, refused by SES. */
export const ReminderBatchResultSchema = z.object({
  sent: z.number().int().min(0),
  alreadySent: z.number().int().min(0),
  failed: z.number().int().min(0),
});
export type ReminderBatchResult = z.infer<typeof ReminderBatchResultSchema>;

/** "Send PMO digest": the run, and what each batch's reminders came to. */
export const SendTimesheetDigestInputSchema = ChaseRunSchema.extend({ reminders: z.array(ReminderBatchResultSchema) });
