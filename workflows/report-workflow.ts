import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { DeliverReportInputSchema, FinishReportRunInputSchema, PayloadOf, PlanReportRunInputSchema } from './contracts.ts';
import { withRetries } from './task-defaults.ts';
import { PERMANENT_ERROR } from './workflow-errors.ts';

/** The Lambda functions the report workflow calls. */
export interface ReportWorkflowFunctions {
  readonly planReportRun: lambda.IFunction;
  readonly deliverReport: lambda.IFunction;
  readonly finishReportRun: lambda.IFunction;
}

/** How many recipients' copies are computed and sent at once. */
export const REPORT_DELIVERY_CONCURRENCY = 4;

/**
 * Builds the report workflow: plan the run (definition, recipients, period), deliver each
 * recipient's copy (a Map, a few at once; each copy retried on a transient failure, SES throttling
 * among them, and recorded as failed when it still fails), then finish: count the copies, end the
 * run, alert the PMO lead to failures.
 *
 * Execution input: `{ "reportId"?: string, "scheduledFor"?: string, "requestedBy"?: string }`;
 * `{}` sends the default weekly portfolio report (see ReportExecutionInputSchema).
 */
export function buildReportWorkflow(scope: Construct, functions: ReportWorkflowFunctions): sfn.IChainable {
  const plan = withRetries(
    new tasks.LambdaInvoke(scope, 'Plan report run', {
      lambdaFunction: functions.planReportRun,
      payload: sfn.TaskInput.fromObject({ input: sfn.JsonPath.objectAt('$'), executionName: sfn.JsonPath.stringAt('$$.Execution.Name') } satisfies PayloadOf<typeof PlanReportRunInputSchema>),
      resultSelector: { 'reportId.$': '$.Payload.reportId', 'runId.$': '$.Payload.runId', 'recipients.$': '$.Payload.recipients' },
      resultPath: '$.plan',
    }),
  );

  const deliver = new tasks.LambdaInvoke(scope, 'Deliver report', {
    lambdaFunction: functions.deliverReport,
    payload: sfn.TaskInput.fromObject({ reportId: sfn.JsonPath.stringAt('$.reportId'), runId: sfn.JsonPath.stringAt('$.runId'), email: sfn.JsonPath.stringAt('$.email') } satisfies PayloadOf<typeof DeliverReportInputSchema>),
    resultSelector: { 'status.$': '$.Payload.status' },
  });
  // A throttled or failing send gets more patience than the default: a report may wait minutes.
  deliver.addRetry({ errors: [PERMANENT_ERROR], maxAttempts: 0 });
  deliver.addRetry({ errors: [sfn.Errors.TASKS_FAILED], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 4, jitterStrategy: sfn.JitterType.FULL });
  // The copy's failure is recorded by the step itself; the run goes on for the others.
  deliver.addCatch(new sfn.Pass(scope, 'Copy failed', { result: sfn.Result.fromObject({ status: 'FAILED' }) }), { errors: [sfn.Errors.ALL], resultPath: sfn.JsonPath.DISCARD });

  const copies = new sfn.Map(scope, 'Deliver each copy', {
    itemsPath: '$.plan.recipients',
    itemSelector: { 'reportId.$': '$.plan.reportId', 'runId.$': '$.plan.runId', 'email.$': '$$.Map.Item.Value' },
    maxConcurrency: REPORT_DELIVERY_CONCURRENCY,
    resultPath: sfn.JsonPath.DISCARD,
  });
  copies.itemProcessor(deliver);

  const finish = withRetries(
    new tasks.LambdaInvoke(scope, 'Finish report run', {
      lambdaFunction: functions.finishReportRun,
      payload: sfn.TaskInput.fromObject({ reportId: sfn.JsonPath.stringAt('$.plan.reportId'), runId: sfn.JsonPath.stringAt('$.plan.runId') } satisfies PayloadOf<typeof FinishReportRunInputSchema>),
      resultSelector: { 'status.$': '$.Payload.status', 'sent.$': '$.Payload.sent', 'skipped.$': '$.Payload.skipped', 'failed.$': '$.Payload.failed' },
      resultPath: '$.result',
    }),
  );

  return plan.next(copies).next(finish).next(new sfn.Succeed(scope, 'Report run finished'));
}
