import type { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { InvoiceStepInputSchema, PayloadOf, RecordOutcomeInputSchema } from './contracts.ts';
import { ReviewLoop } from './review-loop.ts';
import { withRetries } from './task-defaults.ts';

/** The Lambda functions the invoice workflow calls, by role. */
export interface InvoiceWorkflowFunctions {
  readonly checkInvoice: lambda.IFunction;
  readonly postInvoice: lambda.IFunction;
  readonly advanceReview: lambda.IFunction;
  readonly requestApproval: lambda.IFunction;
  readonly recordOutcome: lambda.IFunction;
}

/**
 * Builds the invoice workflow: check the invoice (suspected duplicates, budgets, POs; amounts
 * committed), then either the review engine's loop over the invoice policy's levels or approval by
 * the policy, then posting to the projects' actuals. Every task has a Catch that leads to a
 * recorded outcome (FAILED, commitments released), so no invoice is left half way.
 *
 * Execution input: `{ "invoiceId": string }` (see InvoiceExecutionInputSchema).
 */
export function buildInvoiceWorkflow(scope: Construct, functions: InvoiceWorkflowFunctions, options: { readonly longestApprovalWait: Duration }): sfn.IChainable {
  const executionName = sfn.JsonPath.stringAt('$$.Execution.Name');
  const invoiceId = sfn.JsonPath.stringAt('$.invoiceId');
  const subject = { type: 'invoice', id: invoiceId };

  const failed = new sfn.Fail(scope, 'Invoice failed', {
    error: 'InvoiceFailed',
    cause: 'A step failed. If this execution was the invoice’s own, the invoice is marked FAILED with its commitments released (unless it was approved already, when posting is what failed).',
  });
  const recordFailure = withRetries(
    new tasks.LambdaInvoke(scope, 'Record failure', {
      lambdaFunction: functions.recordOutcome,
      payload: sfn.TaskInput.fromObject({ subject, executionName, outcome: { decision: 'failed', error: sfn.JsonPath.stringAt('$.error.Error') } } satisfies PayloadOf<typeof RecordOutcomeInputSchema>),
      resultSelector: { 'status.$': '$.Payload.status' },
      resultPath: '$.outcome',
    }),
  );
  recordFailure.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.recordingError' });
  recordFailure.next(failed);

  const step = { invoiceId, executionName } satisfies PayloadOf<typeof InvoiceStepInputSchema>;
  const posted = new sfn.Succeed(scope, 'Invoice posted');
  const postInvoice = withRetries(
    new tasks.LambdaInvoke(scope, 'Post invoice', {
      lambdaFunction: functions.postInvoice,
      payload: sfn.TaskInput.fromObject(step),
      resultSelector: { 'status.$': '$.Payload.status' },
      resultPath: '$.posting',
    }),
  );
  postInvoice.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
  postInvoice.next(posted);

  const recordOutcome = withRetries(
    new tasks.LambdaInvoke(scope, 'Record outcome', {
      lambdaFunction: functions.recordOutcome,
      payload: sfn.TaskInput.fromObject({ subject, executionName, outcome: sfn.JsonPath.objectAt('$.progress.review.decision') } satisfies PayloadOf<typeof RecordOutcomeInputSchema>),
      resultSelector: { 'status.$': '$.Payload.status' },
      resultPath: '$.outcome',
    }),
  );
  recordOutcome.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
  recordOutcome.next(
    new sfn.Choice(scope, 'Approved?')
      .when(sfn.Condition.stringEquals('$.outcome.status', 'APPROVED'), postInvoice)
      .otherwise(new sfn.Succeed(scope, 'Invoice not approved')),
  );

  const review = new ReviewLoop(scope, 'Review', {
    subjectType: 'invoice',
    subjectIdPath: '$.invoiceId',
    functions,
    longestApprovalWait: options.longestApprovalWait,
    whenDecided: recordOutcome,
    onFailure: recordFailure,
  });

  const checkInvoice = withRetries(
    new tasks.LambdaInvoke(scope, 'Check invoice', {
      lambdaFunction: functions.checkInvoice,
      payload: sfn.TaskInput.fromObject(step),
      resultSelector: { 'review.$': '$.Payload.review', 'status.$': '$.Payload.status' },
      resultPath: '$.check',
    }),
  );
  checkInvoice.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
  return checkInvoice.next(
    new sfn.Choice(scope, 'Review needed?')
      .when(sfn.Condition.booleanEquals('$.check.review', true), review)
      .when(sfn.Condition.stringEquals('$.check.status', 'APPROVED'), postInvoice)
      .otherwise(new sfn.Succeed(scope, 'Invoice settled')),
  );
}
