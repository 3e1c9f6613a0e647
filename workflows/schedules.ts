/**
 * Every schedule of the product, in one list that both runtimes read: EventBridge Scheduler on
 * AWS (infra/constructs/schedules.ts) and croner locally (infra/local/scheduler.ts).
 */
export interface ScheduleDefinition {
  /** Stable name; also the schedule's name on AWS. */
  readonly name: string;
  /** What the schedule does, for people reading the console. */
  readonly description: string;
  /** EventBridge Scheduler cron expression: six fields, `cron(min hour dom month dow year)`. */
  readonly cron: string;
  /** IANA time zone the expression is read in. */
  readonly timeZone: string;
  /** The function the schedule invokes, by its key in the function catalogue. */
  readonly target: 'approvalSweeper';
}

export const SCHEDULES: readonly ScheduleDefinition[] = [
  {
    name: 'pmo-approval-sweep',
    description: 'Expires approvals past their deadline and resumes workflows whose decision was recorded but not delivered.',
    cron: 'cron(0/5 * * * ? *)',
    timeZone: 'UTC',
    target: 'approvalSweeper',
  },
];
