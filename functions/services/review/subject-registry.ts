import type { Viewer } from '#domain/access.ts';
import type { ApprovalPolicy } from '#domain/approval-policy.ts';
import { PermanentError } from '#domain/errors.ts';
import type { Money } from '#domain/money.ts';
import type { PersonRef } from '#domain/person-ref.ts';
import type { ReviewOutcome, ReviewPlan, SubjectRef, SubjectState, SubjectView } from '#domain/subject.ts';

/** A subject as the review engine sees it at one moment: what to show, who submitted it, where it stands. */
export interface ReviewSubject {
  readonly view: SubjectView;
  /** The amount the policy routes by; none routes to the first level only. */
  readonly amount?: Money;
  readonly state: SubjectState;
  /** A warning every approver of its review sees (e.g. a score under the policy's floor). */
  readonly attention?: string;
  /** The conditions its policy's conditional levels (`when`) look for, e.g. `suspected-duplicate`. */
  readonly conditions?: readonly string[];
  /**
   * The workflow execution that reviews the subject now. Only that execution may act on it: a
   * second execution started by hand, or an old one, is refused.
   */
  readonly currentExecution?: string;
}

/** What a process answers when its review moves on: whether the subject can still be reviewed. */
export type ProgressAnswer = 'ok' | 'withdrawn' | 'closed';

/**
 * What a process registers so the review engine can review its subjects: how to read one, its
 * approval policy, and what happens as the review starts, moves and ends. The engine never reads
 * a process's records itself.
 */
export interface SubjectRegistration {
  /** The subject type, as in `{ type, id }`: `proposal`. */
  readonly type: string;
  /** The collection in URLs: `/api/proposals/:id/history`. */
  readonly collection: string;
  /** One of them, in words: `proposal`. */
  readonly noun: string;
  /** The process's approval policy (validated when its module loaded). */
  readonly policy: ApprovalPolicy;
  /** The subject, or undefined when there is none with this id. */
  load(id: string): Promise<ReviewSubject | undefined>;
  /**
   * The people a policy's `{ relation }` approver names for one subject (its person's line manager,
   * its projects' managers). Required when the policy uses relations; an unknown relation throws.
   */
  relatedPeople?(id: string, relation: string): Promise<PersonRef[]>;
  /**
   * Whether a reader may read the subject and its audit trail. Without it, only the PMO may:
   * a process says who its readers are, or its records stay the PMO's.
   */
  mayRead?(viewer: Viewer, id: string): Promise<boolean>;
  /**
   * The review was planned, or moved to its next level: the subject records where it stands.
   * Answers `withdrawn` or `closed` when it can no longer be reviewed.
   */
  onProgress(subject: ReviewSubject, plan: ReviewPlan, now: Date): Promise<ProgressAnswer>;
  /** The review started (once per execution): e.g. tell the submitter it arrived. Idempotent. */
  onStarted?(subject: ReviewSubject, plan: ReviewPlan, now: Date): Promise<void>;
  /**
   * The review ended with `outcome` (or failed): record it and tell people. Idempotent by
   * execution; called only for the subject's current execution. Returns the subject's new status.
   */
  onOutcome(subject: ReviewSubject, outcome: ReviewOutcome, executionName: string, now: Date): Promise<{ status: string }>;
  /**
   * The subject's current workflow ended without an outcome (stopped, timed out, or failed before
   * it could record one): say so on the subject and tell the PMO. Idempotent; called only for
   * the current execution, after its open approvals were closed.
   */
  onStopped(subject: ReviewSubject, stop: { readonly executionName: string; readonly status: StoppedStatus; readonly cause?: string }, now: Date): Promise<void>;
  /**
   * Starts the workflow of every subject saved but left without a running review since before
   * `olderThan` (a crash between saving and starting). Starting is idempotent by execution name.
   * Returns how many it started.
   */
  repairUnstarted?(olderThan: Date): Promise<number>;
}

/** How a workflow can end without recording an outcome. */
export type StoppedStatus = 'ABORTED' | 'TIMED_OUT' | 'FAILED';

const registrations = new Map<string, SubjectRegistration>();

/**
 * Makes a subject type known to the engine. The functions register every process at start
 * (functions/services/subject-types.ts); a test may register one of its own.
 */
export function registerSubjectType(registration: SubjectRegistration): void {
  const existing = registrations.get(registration.type);
  if (existing && existing !== registration) throw new Error(`Subject type ${registration.type} is registered twice`);
  registrations.set(registration.type, registration);
}

/** The registration of a subject type; an unknown type is a permanent failure of the step. */
export function registrationOf(type: string): SubjectRegistration {
  const registration = registrations.get(type);
  if (!registration) throw new PermanentError(`No process registers subjects of type "${type}"`);
  return registration;
}

/** Every registered subject type. */
export function allRegistrations(): SubjectRegistration[] {
  return [...registrations.values()];
}

/** The registration for a URL collection (`proposals`), if any. */
export function registrationForCollection(collection: string): SubjectRegistration | undefined {
  return [...registrations.values()].find((registration) => registration.collection === collection);
}

/** A subject by reference, with its registration; a missing subject is a permanent failure. */
export async function loadSubject(ref: SubjectRef): Promise<{ registration: SubjectRegistration; subject: ReviewSubject }> {
  const registration = registrationOf(ref.type);
  const subject = await registration.load(ref.id);
  if (!subject) throw new PermanentError(`There is no ${ref.type} ${ref.id}`);
  return { registration, subject };
}

/**
 * Refuses a step of an execution that is not the subject's current one: a second execution
 * started by hand (or an old one) must not touch the subject or send mail.
 */
export class ForeignExecutionError extends PermanentError {}

/** Throws {@link ForeignExecutionError} unless `executionName` reviews the subject now. */
export function assertCurrentExecution(ref: SubjectRef, subject: ReviewSubject, executionName: string): void {
  if (subject.currentExecution !== executionName) {
    throw new ForeignExecutionError(`Execution ${executionName} does not review ${ref.type} ${ref.id} (its review is ${subject.currentExecution ?? 'not started'})`);
  }
}
