import type { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { PayloadOf, RecordOutcomeInputSchema } from './contracts.ts';
import { ReviewLoop } from './review-loop.ts';
import { withRetries } from './task-defaults.ts';

/** The Lambda functions the late-edit workflow calls: the review engine's own. */
export interface TimesheetEditWorkflowFunctions {
  readonly advanceReview: lambda.IFunction;
  readonly requestApproval: lambda.IFunction;
  readonly recordOutcome: lambda.IFunction;
}

/**
 * Builds the late-edit workflow: the review engine's loop over the late-edit policy (the person's
 * line manager), then the outcome, which writes an approved change to the week. Every task has a
 * Catch that leads to a recorded outcome, so no request stays PENDING when its workflow fails.
 *
 * Execution input: `{ "editId": string }` (see TimesheetEditExecutionInputSchema).
 */
export function buildTimesheetEditWorkflow(scope: Construct, functions: TimesheetEditWorkflowFunctions, options: { readonly longestApprovalWait: Duration }): sfn.IChainable {
  const executionName = sfn.JsonPath.stringAt('$$.Execution.Name');
  const subject = { type: 'timesheet-edit', id: sfn.JsonPath.stringAt('$.editId') };

  const failed = new sfn.Fail(scope, 'Late edit failed', {
    error: 'LateEditFailed',
    cause: 'A step failed. If this execution was the request’s current one, the request is marked FAILED and the person told; the week is unchanged.',
  });
  const recordFailure = withRetries(
    new tasks.LambdaInvoke(scope, 'Record failure', {
      lambdaFunction: functions.recordOutcome,
      payload: sfn.TaskInput.fromObject({
        subject,
        executionName,
        outcome: { decision: 'failed', error: sfn.JsonPath.stringAt('$.error.Error') },
      } satisfies PayloadOf<typeof RecordOutcomeInputSchema>),
      resultSelector: { 'status.$': '$.Payload.status' },
      resultPath: '$.outcome',
    }),
  );
  recordFailure.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.recordingError' });
  recordFailure.next(failed);

  const recordOutcome = withRetries(
    new tasks.LambdaInvoke(scope, 'Record outcome', {
      lambdaFunction: functions.recordOutcome,
      payload: sfn.TaskInput.fromObject({
        subject,
        executionName,
        outcome: sfn.JsonPath.objectAt('$.progress.review.decision'),
      } satisfies PayloadOf<typeof RecordOutcomeInputSchema>),
      resultSelector: { 'status.$': '$.Payload.status' },
      resultPath: '$.outcome',
    }),
  );
  recordOutcome.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
  recordOutcome.next(new sfn.Succeed(scope, 'Late edit decided'));

  return new ReviewLoop(scope, 'Review', {
    subjectType: 'timesheet-edit',
    subjectIdPath: '$.editId',
    functions,
    longestApprovalWait: options.longestApprovalWait,
    whenDecided: recordOutcome,
    onFailure: recordFailure,
  });
}
