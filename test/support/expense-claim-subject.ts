import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Duration } from 'aws-cdk-lib';
import { ApprovalPolicySchema, parseApprovalPolicy } from '#domain/approval-policy.ts';
import type { ReviewOutcome, ReviewPlan } from '#domain/subject.ts';
import { registerSubjectType, type ReviewSubject, type SubjectRegistration } from '#services/review/subject-registry.ts';
import { renderLocalWorkflow, type RenderedStateMachine } from '#local/render-state-machines.ts';
import { ReviewLoop } from '#workflows/review-loop.ts';

/**
 * A subject type that exists only in tests: an expense claim, kept in memory. It shows that a new
 * process is a registration and a workflow around the review loop, with no edit to the engine.
 */
export interface ExpenseClaim {
  readonly id: string;
  readonly title: string;
  readonly amount: number;
  readonly claimant: { readonly name: string; readonly email: string };
  status: 'SUBMITTED' | 'IN_REVIEW' | 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'WITHDRAWN' | 'FAILED' | 'STOPPED';
  executionName: string;
  /** Every plan the engine reported, in order (planned, then each next level). */
  readonly progress: ReviewPlan[];
  outcome?: ReviewOutcome;
  /** How often the outcome step ran for it (it must be idempotent, not necessarily once). */
  outcomeCalls: number;
  /** How its workflow ended, when it ended without an outcome. */
  stoppedBy?: string;
}

/** Two levels: both the PMO lead and finance must approve; from 1,000 EUR the executive too. */
export const EXPENSE_POLICY = parseApprovalPolicy(
  {
    version: 'expense-test-v1',
    baseCurrency: 'EUR',
    exchangeRates: {},
    reminderAfterHours: 24,
    escalateAfterHours: 48,
    levels: [
      { level: 1, name: 'Budget holders', minAmount: 0, approvers: [{ role: 'pmo-lead' }, { role: 'finance' }], quorum: 'all', timeoutHours: 72 },
      { level: 2, name: 'Executive', minAmount: 1000, approvers: [{ role: 'executive' }], quorum: 'any', timeoutHours: 72, escalateTo: { role: 'pmo-deputy' } },
    ],
  },
  ApprovalPolicySchema,
);

export const EXPENSE_CLAIMS = new Map<string, ExpenseClaim>();

function asSubject(claim: ExpenseClaim): ReviewSubject {
  return {
    view: {
      subject: { type: 'expense-claim', id: claim.id },
      noun: 'expense claim',
      title: claim.title,
      submitter: claim.claimant,
      facts: [
        { label: 'Claimed by', value: claim.claimant.name },
        { label: 'Amount', value: `EUR ${claim.amount}` },
      ],
      headline: `EUR ${claim.amount}`,
      pagePath: `/expense-claims/${claim.id}`,
    },
    amount: { amount: claim.amount, currency: 'EUR' },
    state: claim.status === 'WITHDRAWN' ? 'withdrawn' : ['APPROVED', 'REJECTED', 'EXPIRED', 'FAILED', 'STOPPED'].includes(claim.status) ? 'closed' : 'open',
    currentExecution: claim.executionName,
  };
}

const STATUS_OF: Record<ReviewOutcome['decision'], ExpenseClaim['status']> = {
  approve: 'APPROVED',
  reject: 'REJECTED',
  expired: 'EXPIRED',
  withdrawn: 'WITHDRAWN',
  failed: 'FAILED',
};

export const expenseClaimRegistration: SubjectRegistration = {
  type: 'expense-claim',
  collection: 'expense-claims',
  noun: 'expense claim',
  policy: EXPENSE_POLICY,
  async load(id) {
    const claim = EXPENSE_CLAIMS.get(id);
    return claim ? asSubject(claim) : undefined;
  },
  async onProgress(subject, plan) {
    const claim = EXPENSE_CLAIMS.get(subject.view.subject.id)!;
    if (claim.status === 'WITHDRAWN') return 'withdrawn';
    if (claim.status !== 'SUBMITTED' && claim.status !== 'IN_REVIEW') return 'closed';
    claim.status = 'IN_REVIEW';
    claim.progress.push(plan);
    return 'ok';
  },
  async onStopped(subject, stop) {
    const claim = EXPENSE_CLAIMS.get(subject.view.subject.id)!;
    claim.status = 'STOPPED';
    claim.stoppedBy = stop.status;
  },
  async onOutcome(subject, outcome) {
    const claim = EXPENSE_CLAIMS.get(subject.view.subject.id)!;
    claim.outcomeCalls += 1;
    if (!claim.outcome) {
      claim.outcome = outcome;
      claim.status = STATUS_OF[outcome.decision];
    }
    return { status: claim.status };
  },
};

/** Registers the test subject type with the engine (in this process, which runs the handlers too). */
export function registerExpenseClaims(): void {
  registerSubjectType(expenseClaimRegistration);
}

/** A state machine around the engine's review loop for expense claims: input `{ "claimId": … }`. */
export function expenseWorkflow(): RenderedStateMachine {
  return renderLocalWorkflow('test-expense-claims', (scope, functions) => {
    const subject = { type: 'expense-claim', id: sfn.JsonPath.stringAt('$.claimId') };
    const failed = new sfn.Fail(scope, 'Claim failed', { error: 'ClaimFailed' });
    const recordOutcome = new tasks.LambdaInvoke(scope, 'Record outcome', {
      lambdaFunction: functions.recordOutcome,
      payload: sfn.TaskInput.fromObject({ subject, executionName: sfn.JsonPath.stringAt('$$.Execution.Name'), outcome: sfn.JsonPath.objectAt('$.progress.review.decision') }),
      resultSelector: { 'status.$': '$.Payload.status' },
      resultPath: '$.outcome',
    });
    recordOutcome.next(new sfn.Succeed(scope, 'Claim decided'));
    return new ReviewLoop(scope, 'Review', {
      subjectType: 'expense-claim',
      subjectIdPath: '$.claimId',
      functions,
      longestApprovalWait: Duration.hours(72),
      whenDecided: recordOutcome,
      onFailure: failed,
    });
  });
}

/** A new claim in the in-memory store, named for its execution. */
export function newClaim(id: string, title: string, amount: number, claimant = { name: 'Sam Carter', email: 'sam.carter@example.org' }): ExpenseClaim {
  const claim: ExpenseClaim = { id, title, amount, claimant, status: 'SUBMITTED', executionName: `expense-${id}`, progress: [], outcomeCalls: 0 };
  EXPENSE_CLAIMS.set(id, claim);
  return claim;
}
