import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { FindMissingTimesheetsInputSchema, PayloadOf, SendTimesheetDigestInputSchema, SendTimesheetRemindersInputSchema } from './contracts.ts';
import { withRetries } from './task-defaults.ts';

/** The Lambda functions the timesheet chase calls, by role. */
export interface TimesheetChaseFunctions {
  readonly findMissingTimesheets: lambda.IFunction;
  readonly sendTimesheetReminders: lambda.IFunction;
  readonly sendTimesheetDigest: lambda.IFunction;
}

/**
 * How long each step's function may run: the functions' timeouts (infra/pmo-stack.ts) and the
 * tasks' own, which the local runner needs (its default is 60 s). Finding reads the whole
 * directory and the week's timesheets, and calendars and leave of those who may be missing.
 */
export const CHASE_STEP_TIMEOUTS = {
  findMissingTimesheets: Duration.minutes(5),
  sendTimesheetReminders: Duration.minutes(2),
  sendTimesheetDigest: Duration.minutes(2),
} as const satisfies Record<keyof TimesheetChaseFunctions, Duration>;

/** Reminder batches sent at once: each is up to 25 people, so about 125 emails under way at most. */
export const REMINDER_MAP_CONCURRENCY = 5;

/**
 * Builds the timesheet chase: find who is missing (recording the run and its round, and storing
 * the reminders in batches of up to 25 people, a manager's people together), a Map over the
 * batches with bounded concurrency that reminds each person and, from round 3, copies and
 * digests their manager, then the PMO's digest of the run. The batches travel as indexes: the
 * people are in the table, so a chase of thousands stays far below the 256 KB state limit.
 *
 * Every step is idempotent (a run's round is found again, each email is sent once per person,
 * week and round), so the Lambda retries of Step Functions and a replay are safe. A step that
 * still fails fails the execution, which the failed-executions alarm reports.
 *
 * Execution input: `{ "weekStart"?: "YYYY-MM-DD", "scheduledTime"?: ISO time }` (see
 * TimesheetChaseInputSchema); without a week, the last completed week in the organisation's zone.
 */
export function buildTimesheetChaseWorkflow(scope: Construct, functions: TimesheetChaseFunctions): sfn.IChainable {
  const run = {
    weekStart: sfn.JsonPath.stringAt('$.chase.weekStart'),
    runId: sfn.JsonPath.stringAt('$.chase.runId'),
    round: sfn.JsonPath.numberAt('$.chase.round'),
  };

  const findMissing = withRetries(
    new tasks.LambdaInvoke(scope, 'Find missing timesheets', {
      lambdaFunction: functions.findMissingTimesheets,
      payload: sfn.TaskInput.fromObject({
        input: sfn.JsonPath.objectAt('$'),
        executionName: sfn.JsonPath.stringAt('$$.Execution.Name'),
        startedAt: sfn.JsonPath.stringAt('$$.Execution.StartTime'),
      } satisfies PayloadOf<typeof FindMissingTimesheetsInputSchema>),
      resultSelector: {
        'weekStart.$': '$.Payload.weekStart',
        'runId.$': '$.Payload.runId',
        'round.$': '$.Payload.round',
        'batches.$': '$.Payload.batches',
      },
      resultPath: '$.chase',
      taskTimeout: sfn.Timeout.duration(CHASE_STEP_TIMEOUTS.findMissingTimesheets),
    }),
  );

  const sendReminders = withRetries(
    new tasks.LambdaInvoke(scope, 'Send reminders', {
      lambdaFunction: functions.sendTimesheetReminders,
      payload: sfn.TaskInput.fromObject({
        weekStart: sfn.JsonPath.stringAt('$.weekStart'),
        runId: sfn.JsonPath.stringAt('$.runId'),
        round: sfn.JsonPath.numberAt('$.round'),
        batch: sfn.JsonPath.numberAt('$.batch'),
      } satisfies PayloadOf<typeof SendTimesheetRemindersInputSchema>),
      resultSelector: { 'sent.$': '$.Payload.sent', 'alreadySent.$': '$.Payload.alreadySent', 'failed.$': '$.Payload.failed' },
      taskTimeout: sfn.Timeout.duration(CHASE_STEP_TIMEOUTS.sendTimesheetReminders),
    }),
  );
  const remindBatches = new sfn.Map(scope, 'Remind each batch', {
    itemsPath: '$.chase.batches',
    itemSelector: { ...run, batch: sfn.JsonPath.numberAt('$$.Map.Item.Value') },
    maxConcurrency: REMINDER_MAP_CONCURRENCY,
    resultPath: '$.reminders',
  });
  remindBatches.itemProcessor(sendReminders);

  const sendDigest = withRetries(
    new tasks.LambdaInvoke(scope, 'Send PMO digest', {
      lambdaFunction: functions.sendTimesheetDigest,
      payload: sfn.TaskInput.fromObject({
        ...run,
        reminders: sfn.JsonPath.listAt('$.reminders'),
      } satisfies PayloadOf<typeof SendTimesheetDigestInputSchema>),
      resultSelector: { 'outcome.$': '$.Payload' },
      outputPath: '$.outcome',
      taskTimeout: sfn.Timeout.duration(CHASE_STEP_TIMEOUTS.sendTimesheetDigest),
    }),
  );

  return findMissing.next(remindBatches).next(sendDigest).next(new sfn.Succeed(scope, 'Chase complete'));
}
