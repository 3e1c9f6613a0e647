import type { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { PayloadOf, RecordOutcomeInputSchema, ScoreProposalInputSchema } from './contracts.ts';
import { ReviewLoop } from './review-loop.ts';
import { withRetries } from './task-defaults.ts';

/** The Lambda functions the intake workflow calls, by role. */
export interface IntakeWorkflowFunctions {
  readonly scoreProposal: lambda.IFunction;
  readonly advanceReview: lambda.IFunction;
  readonly requestApproval: lambda.IFunction;
  readonly recordOutcome: lambda.IFunction;
}

/** Settings of the intake workflow that are fixed when the definition is rendered. */
export interface IntakeWorkflowOptions {
  /** The longest an approval can wait under the intake's policy (see {@link ReviewLoop}). */
  readonly longestApprovalWait: Duration;
}

/**
 * Builds the intake workflow: score the proposal, then the review engine's loop over the approval
 * levels the intake policy gives it, and finally record the outcome (which tells the submitter and
 * makes an approved proposal a project). Every task has a Catch that leads to a recorded outcome,
 * so no execution ends without the proposal's status saying what happened.
 *
 * The same builder renders the deployed state machine (with real functions) and the local one
 * (with functions imported by ARN), so both runtimes execute one definition.
 *
 * Execution input: `{ "proposalId": string }` (see IntakeExecutionInputSchema).
 */
export function buildIntakeWorkflow(scope: Construct, functions: IntakeWorkflowFunctions, options: IntakeWorkflowOptions): sfn.IChainable {
  const executionName = sfn.JsonPath.stringAt('$$.Execution.Name');
  const proposalId = sfn.JsonPath.stringAt('$.proposalId');
  const subject = { type: 'proposal', id: proposalId };

  // The execution fails (and the failed-executions alarm fires) only after the failure is recorded
  // on the proposal, or when even that is impossible.
  const intakeFailed = new sfn.Fail(scope, 'Intake failed', {
    error: 'IntakeFailed',
    cause:
      'A step failed. If this execution was the proposal’s current one, the proposal is marked FAILED (unless recording that failed too); an execution started for a proposal another one reviews changes nothing.',
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
  recordFailure.addCatch(intakeFailed, { errors: [sfn.Errors.ALL], resultPath: '$.recordingError' });
  recordFailure.next(intakeFailed);

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
  recordOutcome.next(new sfn.Succeed(scope, 'Intake complete'));

  const scoreProposal = withRetries(
    new tasks.LambdaInvoke(scope, 'Score proposal', {
      lambdaFunction: functions.scoreProposal,
      payload: sfn.TaskInput.fromObject({ proposalId, executionName } satisfies PayloadOf<typeof ScoreProposalInputSchema>),
      resultSelector: { 'total.$': '$.Payload.total', 'rubricVersion.$': '$.Payload.rubricVersion' },
      resultPath: '$.score',
    }),
  );
  scoreProposal.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

  const review = new ReviewLoop(scope, 'Review', {
    subjectType: 'proposal',
    subjectIdPath: '$.proposalId',
    functions,
    longestApprovalWait: options.longestApprovalWait,
    whenDecided: recordOutcome,
    onFailure: recordFailure,
  });

  return scoreProposal.next(review);
}
