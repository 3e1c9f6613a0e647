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
  readonly target: 'approvalSweeper' | 'startTimesheetChase' | 'startDueReports';
  /**
   * Fixed fields of the target's event, besides the two every run gets: `time` (the scheduled
   * time, not the delivery time) and `schedule` (the name).
   */
  readonly input?: Readonly<Record<string, string>>;
}

/** The organisation's time zone when none is configured (context `orgTimeZone`, `ORG_TIME_ZONE`), as the functions default to it. */
export const DEFAULT_ORG_TIME_ZONE = 'Europe/Berlin';

/**
 * The product's schedules, those about people's working week in the organisation's time zone:
 * the timesheet chase runs on Friday at 15:00 about the current week (before people leave for the
 * weekend) and on Monday at 09:00 about the week that just ended.
 */
export function schedulesFor(orgTimeZone: string): readonly ScheduleDefinition[] {
  return [
    {
      name: 'pmo-approval-sweep',
      description: 'Expires approvals past their deadline and resumes workflows whose decision was recorded but not delivered.',
      cron: 'cron(0/5 * * * ? *)',
      timeZone: 'UTC',
      target: 'approvalSweeper',
    },
    {
      name: 'pmo-report-tick',
      description: 'Starts the scheduled reports that are due (each definition has its own cron and time zone).',
      cron: 'cron(0/5 * * * ? *)',
      timeZone: 'UTC',
      target: 'startDueReports',
    },
    {
      name: 'pmo-timesheet-chase-friday',
      description: 'Reminds everyone whose timesheet for the current week is missing, in draft or short (Friday 15:00).',
      // EventBridge numbers weekdays from Sunday (1): 6 is Friday.
      cron: 'cron(0 15 ? * 6 *)',
      timeZone: orgTimeZone,
      target: 'startTimesheetChase',
      input: { week: 'current' },
    },
    {
      name: 'pmo-timesheet-chase-monday',
      description: 'Reminds everyone whose timesheet for the week just ended is missing, in draft or short (Monday 09:00).',
      cron: 'cron(0 9 ? * 2 *)',
      timeZone: orgTimeZone,
      target: 'startTimesheetChase',
      input: { week: 'last' },
    },
  ];
}

/** The schedules with the default time zone: what a stack without context `orgTimeZone` deploys. */
export const SCHEDULES: readonly ScheduleDefinition[] = schedulesFor(DEFAULT_ORG_TIME_ZONE);
