import { createHash } from 'node:crypto';
import * as z from 'zod';
import { minorToDecimalText, toMinorUnits } from './money.ts';
import { PermanentError } from './errors.ts';
import { PersonRefSchema, type PersonRef } from './person-ref.ts';
import type { Proposal } from './proposal.ts';

/** Where a project is in its life; CLOSED is final. */
export const PROJECT_STATUSES = ['ACTIVE', 'ON_HOLD', 'CLOSED'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

const STATUS_MESSAGE = 'Choose a status: ACTIVE, ON_HOLD or CLOSED';
export const ProjectStatusSchema = z.enum(PROJECT_STATUSES, { error: STATUS_MESSAGE });

/** A status in words, for pages and audit summaries. */
export const PROJECT_STATUS_LABELS: Readonly<Record<ProjectStatus, string>> = {
  ACTIVE: 'Active',
  ON_HOLD: 'On hold',
  CLOSED: 'Closed',
};

const CURRENCY_CODES = new Set(Intl.supportedValuesOf('currency'));

/**
 * A budget in integer minor units of its currency (cents, fils, yen), so that sums of actuals
 * and invoices stay exact.
 */
export const BudgetSchema = z.object({
  amountMinor: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  currency: z.string().refine((code) => CURRENCY_CODES.has(code), { message: 'Use an ISO 4217 currency code such as EUR' }),
});
export type Budget = z.infer<typeof BudgetSchema>;

const isoDate = z.iso.date();

/** A stored project: what an approved proposal becomes. */
export const ProjectSchema = z.object({
  id: z.uuid(),
  /** The approved proposal it came from (and whose id its own id is derived from). */
  proposalId: z.string().min(1),
  title: z.string(),
  department: z.string(),
  /** Who proposed it: the proposal's submitter. */
  sponsor: PersonRefSchema,
  /** Who runs it: the sponsor at first, until the PMO names someone else. */
  manager: PersonRefSchema,
  budget: BudgetSchema,
  plannedStart: isoDate,
  plannedEnd: isoDate,
  status: ProjectStatusSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Counts writes: every change is conditional on the version it read. */
  version: z.number().int().min(1),
});
export type Project = z.infer<typeof ProjectSchema>;

/** What a change of anything but the manager or status is told. */
export const UNCHANGEABLE_MESSAGE = 'This field cannot be changed; send managerEmail, status or both';

/** What the PMO may change on a project: its manager, its status, or both. */
export const ProjectUpdateSchema = z
  .strictObject(
    {
      managerEmail: z
        .email({ error: 'Enter the manager’s email address, such as name@example.org' })
        .max(254, 'Use at most 254 characters')
        .transform((email) => email.toLowerCase())
        .optional(),
      status: ProjectStatusSchema.optional(),
    },
    // Every other field is fixed by the approved proposal: refuse it rather than drop it silently.
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys' ? UNCHANGEABLE_MESSAGE : issue.code === 'invalid_type' ? 'Send an object with managerEmail, status or both' : undefined,
    },
  )
  .refine((update) => update.managerEmail !== undefined || update.status !== undefined, {
    message: 'Send managerEmail, status or both',
  });
export type ProjectUpdate = z.infer<typeof ProjectUpdateSchema>;

/** A change to apply to a project, after its checks passed. */
export interface ProjectChange {
  readonly manager?: PersonRef;
  readonly status?: ProjectStatus;
}

/** Whether a change changes anything: the same manager or status again is no change. */
export function effectiveChange(project: Project, change: ProjectChange): ProjectChange {
  return {
    ...(change.manager && change.manager.email !== project.manager.email ? { manager: change.manager } : {}),
    ...(change.status && change.status !== project.status ? { status: change.status } : {}),
  };
}

/** A refused change, with the field it is about. */
export interface ProjectProblem {
  readonly path: string;
  readonly message: string;
}

// Fixed forever: changing it would give every existing proposal a second project id.
const PROJECT_ID_NAME_PREFIX = 'pmo-pipeline/project-of-proposal/';

/**
 * The id of the project an approved proposal becomes: a name-based UUID (RFC 9562 version 8,
 * from SHA-256 of the proposal id), so a replayed or retried step finds the project it made
 * instead of making a second.
 */
export function projectIdFor(proposalId: string): string {
  const bytes = createHash('sha256').update(`${PROJECT_ID_NAME_PREFIX}${proposalId}`, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}



/** The exact decimal text of a budget in major units: 1234567 JPY → "1234567", 1234567 KWD → "1234.567". */
function budgetAmountText(budget: Budget): `${number}` {
  return minorToDecimalText(budget.amountMinor, budget.currency);
}

/** A budget as a reader of its currency expects it (en-GB separators, like the proposal pages). */
export function formatBudget(budget: Budget): string {
  // Intl formats a decimal string exactly, so no float stands between the stored integer and the page.
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency: budget.currency }).format(budgetAmountText(budget));
}

/**
 * The project an approved proposal becomes: its sponsor and first manager are the submitter, its
 * budget the estimated cost, its plan the proposal's dates.
 */
export function projectFromProposal(proposal: Proposal, now: Date): Project {
  if (proposal.status !== 'APPROVED') {
    throw new PermanentError(`Proposal ${proposal.id} is ${proposal.status}: only an approved proposal becomes a project`);
  }
  const at = now.toISOString();
  const sponsor = { name: proposal.submitter.name, email: proposal.submitter.email };
  return {
    id: projectIdFor(proposal.id),
    proposalId: proposal.id,
    title: proposal.title,
    department: proposal.department,
    sponsor,
    manager: sponsor,
    budget: {
      amountMinor: toMinorUnits(proposal.estimatedCost.amount, proposal.estimatedCost.currency),
      currency: proposal.estimatedCost.currency,
    },
    plannedStart: proposal.startDate,
    plannedEnd: proposal.endDate,
    status: 'ACTIVE',
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

/** Why a project may not move from one status to another, or undefined when it may. */
export function statusChangeProblem(from: ProjectStatus, to: ProjectStatus): ProjectProblem | undefined {
  if (from === 'CLOSED' && to !== 'CLOSED') {
    return { path: 'status', message: `This project is closed, and CLOSED is final: it cannot become ${to}` };
  }
  return undefined;
}
