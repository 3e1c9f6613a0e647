/**
 * The product's Lambda functions, by key. The key is the function's name on the local stack;
 * `entry` is the module the CDK bundles. Both runtimes read this one list, so a function added
 * here is deployed and run locally alike.
 */
export const FUNCTION_CATALOGUE = {
  web: {
    entry: 'functions/handlers/web.ts',
    description: 'Intake form, approval pages, portfolio pages and JSON API (HTTP API).',
  },
  scoreProposal: {
    entry: 'functions/handlers/score-proposal.ts',
    description: 'Intake workflow: scores a proposal against the rubric.',
  },
  advanceReview: {
    entry: 'functions/handlers/advance-review.ts',
    description: 'Intake workflow: routes a proposal through the approval policy, level by level.',
  },
  requestApproval: {
    entry: 'functions/handlers/request-approval.ts',
    description: 'Intake workflow: creates an approval, binds the callback token and emails the approver.',
  },
  recordOutcome: {
    entry: 'functions/handlers/record-outcome.ts',
    description: "Intake workflow: records the proposal's final status and tells the submitter.",
  },
  approvalSweeper: {
    entry: 'functions/handlers/approval-sweeper.ts',
    description: 'Scheduled: reminds, escalates, redirects to delegates, expires, and re-delivers undelivered answers.',
  },
  executionStatusChanged: {
    entry: 'functions/handlers/execution-status-changed.ts',
    description: 'EventBridge (Step Functions Execution Status Change): closes the review of a subject whose workflow was stopped, timed out or failed, and tells the PMO.',
  },
  emailEvents: {
    entry: 'functions/handlers/email-events.ts',
    description: 'EventBridge (SES bounces and complaints): marks the address undeliverable in the directory and tells the PMO lead.',
  },
  startTimesheetChase: {
    entry: 'functions/handlers/start-timesheet-chase.ts',
    description: 'Scheduled (Friday afternoon, Monday morning): starts the timesheet chase for the week the schedule is about.',
  },
  findMissingTimesheets: {
    entry: 'functions/handlers/find-missing-timesheets.ts',
    description: 'Timesheet chase: finds the round and who is missing, in draft or short, and batches their reminders.',
  },
  sendTimesheetReminders: {
    entry: 'functions/handlers/send-timesheet-reminders.ts',
    description: 'Timesheet chase: reminds one batch of people (their manager copied from round 3) and sends their managers a digest.',
  },
  sendTimesheetDigest: {
    entry: 'functions/handlers/send-timesheet-digest.ts',
    description: 'Timesheet chase: sends the PMO a digest of the run (counts, compliance by manager and department, who is missing).',
  },
  checkInvoice: {
    entry: 'functions/handlers/check-invoice.ts',
    description: 'Invoice workflow: flags suspected duplicates, matches budgets and purchase orders, commits the amounts, and decides between a review and approval by policy.',
  },
  postInvoice: {
    entry: 'functions/handlers/post-invoice.ts',
    description: "Invoice workflow: posts an approved invoice to its projects' actuals once, sends finance a summary and the budget alerts.",
  },
  startDueReports: {
    entry: 'functions/handlers/start-due-reports.ts',
    description: 'Scheduled (every 5 minutes): starts a run of each report definition that is due, once per due slot.',
  },
  planReportRun: {
    entry: 'functions/handlers/plan-report-run.ts',
    description: 'Report workflow: the definition, its recipients and period, recorded as a run once.',
  },
  deliverReport: {
    entry: 'functions/handlers/deliver-report.ts',
    description: "Report workflow: one recipient's copy, computed from what they may read, archived and emailed once with its CSV files.",
  },
  finishReportRun: {
    entry: 'functions/handlers/finish-report-run.ts',
    description: 'Report workflow: counts the copies, ends the run, and tells the PMO lead of failed ones.',
  },
  addTokenClaims: {
    entry: 'functions/handlers/add-token-claims.ts',
    description: "Cognito pre token generation (V2_0): adds the user's e-mail address to the access token, by which the API finds the directory person.",
  },
} as const;

/** A key of {@link FUNCTION_CATALOGUE}. */
export type FunctionKey = keyof typeof FUNCTION_CATALOGUE;
