import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ApprovalPolicySchema, longestApprovalHours, parseApprovalPolicy } from '#domain/approval-policy.ts';
import type { FunctionKey } from '#handlers/catalogue.ts';
import bundledProposalPolicy from '../functions/config/approval-policies/proposal.json' with { type: 'json' };
import { stateMachineArnVariable, type WorkflowKey } from './contracts.ts';
import { buildIntakeWorkflow } from './intake-workflow.ts';
import { buildInvoiceWorkflow } from './invoice-workflow.ts';
import bundledInvoicePolicy from '../functions/config/approval-policies/invoice.json' with { type: 'json' };
import { buildTimesheetChaseWorkflow } from './timesheet-chase-workflow.ts';
import { buildTimesheetEditWorkflow } from './timesheet-edit-workflow.ts';
import { buildReportWorkflow } from './report-workflow.ts';
import bundledTimesheetEditPolicy from '../functions/config/approval-policies/timesheet-edit.json' with { type: 'json' };

/** What both runtimes need to know of a workflow to render, deploy and wire it. */
export interface WorkflowDefinition {
  readonly key: WorkflowKey;
  readonly description: string;
  /** The catalogued functions its tasks invoke. */
  readonly invokes: readonly FunctionKey[];
  /** The functions that start its executions. */
  readonly startedBy: readonly FunctionKey[];
  /** The functions that hand answers to its callback tasks. */
  readonly respondedBy: readonly FunctionKey[];
  /** The process's approval policy as bundled, and the variable that names another file locally. */
  readonly approvalPolicy?: { readonly bundled: unknown; readonly overridePathVariable: string };
  /** Builds the definition from the functions (real ones on AWS, imported by ARN locally). */
  build(scope: Construct, functions: Readonly<Record<FunctionKey, lambda.IFunction>>, options: { longestApprovalWait: Duration }): sfn.IChainable;
}

/**
 * Every state machine of the product, in one list that both runtimes read: infra renders each
 * with the PmoWorkflow construct, the local stack registers each with its Step Functions endpoint.
 */
export const WORKFLOWS: readonly WorkflowDefinition[] = [
  {
    key: 'intake',
    description: 'Project intake: scores a proposal, reviews it level by level, records the outcome.',
    invokes: ['scoreProposal', 'advanceReview', 'requestApproval', 'recordOutcome'],
    // web submits, resubmits and restarts; the sweeper starts reviews whose start was lost.
    startedBy: ['web', 'approvalSweeper'],
    respondedBy: ['web', 'requestApproval', 'approvalSweeper'],
    approvalPolicy: { bundled: bundledProposalPolicy, overridePathVariable: 'APPROVAL_POLICY_PATH' },
    build: (scope, functions, options) => buildIntakeWorkflow(scope, functions, options),
  },
  {
    key: 'timesheetChase',
    description: 'Timesheet chase: reminds everyone whose timesheet for a week is missing, in draft or short; from round 3 their managers; the PMO gets a digest.',
    invokes: ['findMissingTimesheets', 'sendTimesheetReminders', 'sendTimesheetDigest'],
    // The Friday and Monday schedules start it through this function; the PMO may start one by hand.
    startedBy: ['startTimesheetChase'],
    respondedBy: [],
    build: (scope, functions) => buildTimesheetChaseWorkflow(scope, functions),
  },
  {
    key: 'timesheetEdit',
    description: "Timesheet late edit: the person's line manager approves a change to a locked week, which is applied only then.",
    invokes: ['advanceReview', 'requestApproval', 'recordOutcome'],
    startedBy: ['web'],
    respondedBy: ['web', 'requestApproval', 'approvalSweeper'],
    approvalPolicy: { bundled: bundledTimesheetEditPolicy, overridePathVariable: 'TIMESHEET_EDIT_POLICY_PATH' },
    build: (scope, functions, options) => buildTimesheetEditWorkflow(scope, functions, options),
  },
  {
    key: 'invoice',
    description: "Invoice processing: checks an invoice against duplicates, budgets and purchase orders, reviews it by amount (or approves it by policy), and posts it to the projects' actuals once.",
    invokes: ['checkInvoice', 'postInvoice', 'advanceReview', 'requestApproval', 'recordOutcome'],
    startedBy: ['web'],
    respondedBy: ['web', 'requestApproval', 'approvalSweeper'],
    approvalPolicy: { bundled: bundledInvoicePolicy, overridePathVariable: 'INVOICE_POLICY_PATH' },
    build: (scope, functions, options) => buildInvoiceWorkflow(scope, functions, options),
  },
  {
    key: 'report',
    description: 'Scheduled reports: computes each recipient’s copy from what they may read, archives it and emails it once with its CSV files; the PMO lead hears of failed copies.',
    invokes: ['planReportRun', 'deliverReport', 'finishReportRun'],
    // The report tick starts due runs; the web's "Send now" starts one by hand.
    startedBy: ['startDueReports', 'web'],
    respondedBy: [],
    build: (scope, functions) => buildReportWorkflow(scope, functions),
  },
];

/** The environment variable that gives the functions a workflow's state machine ARN. */
export function arnVariableOf(workflow: WorkflowDefinition): string {
  return stateMachineArnVariable(workflow.key);
}

/**
 * The longest an approval of this workflow can wait, from its process's policy (`policyJson`
 * when given, else the bundled one); without a review, a day.
 */
export function longestApprovalWaitOf(workflow: WorkflowDefinition, policyJson?: unknown): Duration {
  if (!workflow.approvalPolicy) return Duration.days(1);
  return Duration.hours(longestApprovalHours(parseApprovalPolicy(policyJson ?? workflow.approvalPolicy.bundled, ApprovalPolicySchema)));
}
