import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { APPROVAL_EXPIRED_ERROR, PERMANENT_ERROR } from './workflow-errors.ts';

/** The Lambda functions the intake workflow calls, by role. */
export interface IntakeWorkflowFunctions {
  readonly scoreProposal: lambda.IFunction;
  readonly advanceReview: lambda.IFunction;
  readonly requestApproval: lambda.IFunction;
  readonly recordOutcome: lambda.IFunction;
}

/** Settings of the intake workflow that are fixed when the definition is rendered. */
export interface IntakeWorkflowOptions {
  /**
   * The longest an approval can wait for its deadline under the approval policy. The sweeper
   * expires each approval at its own deadline; the callback task's timeout, an hour past this, is
   * only a backstop for when the sweeper is not running.
   */
  readonly longestApprovalWait: Duration;
}

const TIMEOUT_BACKSTOP = Duration.hours(1);

/**
 * Transient failures are retried with backoff. Errors named {@link PERMANENT_ERROR} (bad data,
 * missing directory entries) and {@link APPROVAL_EXPIRED_ERROR} (an answer, not a fault) are not:
 * a retry cannot change them, and they must reach their Catch at once.
 */
function withRetries<T extends sfn.TaskStateBase>(task: T): T {
  task.addRetry({ errors: [PERMANENT_ERROR, APPROVAL_EXPIRED_ERROR], maxAttempts: 0 });
  task.addRetry({
    errors: [sfn.Errors.TASKS_FAILED],
    interval: Duration.seconds(1),
    backoffRate: 2,
    maxAttempts: 3,
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}

/**
 * Builds the intake workflow: score the proposal, then loop over the approval levels the policy
 * gives it (the "Advance review" task decides the next level, or the outcome), asking each level's
 * approvers in parallel with one callback task each, and finally record the outcome and tell the
 * submitter. Every task has a Catch that leads to a recorded outcome, so no execution ends without
 * the proposal's status saying what happened.
 *
 * The same builder renders the deployed state machine (with real functions) and the local one
 * (with functions imported by ARN), so both runtimes execute one definition.
 *
 * Execution input: `{ "proposalId": string }`.
 */
export function buildIntakeWorkflow(scope: Construct, functions: IntakeWorkflowFunctions, options: IntakeWorkflowOptions): sfn.IChainable {
  const executionName = sfn.JsonPath.stringAt('$$.Execution.Name');
  const proposalId = sfn.JsonPath.stringAt('$.proposalId');

  // The execution fails (and the failed-executions alarm fires) only after the failure is recorded
  // on the proposal, or when even that is impossible.
  const intakeFailed = new sfn.Fail(scope, 'Intake failed', {
    error: 'IntakeFailed',
    cause: 'A step failed; the proposal is marked FAILED unless recording that failed too.',
  });
  const recordFailure = withRetries(
    new tasks.LambdaInvoke(scope, 'Record failure', {
      lambdaFunction: functions.recordOutcome,
      payload: sfn.TaskInput.fromObject({
        proposalId,
        executionName,
        outcome: { decision: 'failed', error: sfn.JsonPath.stringAt('$.error.Error') },
      }),
      resultSelector: { 'status.$': '$.Payload.status' },
      resultPath: '$.outcome',
    }),
  );
  recordFailure.addCatch(intakeFailed, { errors: [sfn.Errors.ALL], resultPath: '$.recordingError' });
  recordFailure.next(intakeFailed);

  const recordOutcome = withRetries(
    new tasks.LambdaInvoke(scope, 'Record outcome', {
      lambdaFunction: functions.recordOutcome,
      payload: sfn.TaskInput.fromObject({ proposalId, executionName, outcome: sfn.JsonPath.objectAt('$.progress.review.decision') }),
      resultSelector: { 'status.$': '$.Payload.status' },
      resultPath: '$.outcome',
    }),
  );
  recordOutcome.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
  recordOutcome.next(new sfn.Succeed(scope, 'Intake complete'));

  const scoreProposal = withRetries(
    new tasks.LambdaInvoke(scope, 'Score proposal', {
      lambdaFunction: functions.scoreProposal,
      payload: sfn.TaskInput.fromObject({ proposalId }),
      resultSelector: { 'total.$': '$.Payload.total', 'rubricVersion.$': '$.Payload.rubricVersion' },
      resultPath: '$.score',
    }),
  );
  scoreProposal.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

  const startReview = new sfn.Pass(scope, 'Start review', {
    result: sfn.Result.fromObject({ review: { level: 0, done: false }, levelResults: [] }),
    resultPath: '$.progress',
  });

  const advanceReview = withRetries(
    new tasks.LambdaInvoke(scope, 'Advance review', {
      lambdaFunction: functions.advanceReview,
      payload: sfn.TaskInput.fromObject({
        proposalId,
        executionName,
        completedLevel: sfn.JsonPath.numberAt('$.progress.review.level'),
        results: sfn.JsonPath.listAt('$.progress.levelResults'),
      }),
      resultSelector: { 'review.$': '$.Payload' },
      resultPath: '$.progress',
    }),
  );
  advanceReview.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

  // One callback per approver of the level; each iteration ends with that approver's result.
  const requestApproval = withRetries(
    new tasks.LambdaInvoke(scope, 'Request approval', {
      lambdaFunction: functions.requestApproval,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        proposalId,
        executionName: sfn.JsonPath.stringAt('$.executionName'),
        request: sfn.JsonPath.objectAt('$.request'),
        assignee: sfn.JsonPath.objectAt('$.assignee'),
        taskToken: sfn.JsonPath.taskToken,
      }),
      taskTimeout: sfn.Timeout.duration(options.longestApprovalWait.plus(TIMEOUT_BACKSTOP)),
    }),
  );
  requestApproval.addCatch(
    new sfn.Pass(scope, 'No answer in time', { result: sfn.Result.fromObject({ decision: 'expired' }) }),
    { errors: [APPROVAL_EXPIRED_ERROR, sfn.Errors.TIMEOUT] },
  );

  const askApprovers = new sfn.Map(scope, 'Ask level approvers', {
    itemsPath: '$.progress.review.nextLevel.assignees',
    itemSelector: {
      proposalId: sfn.JsonPath.stringAt('$.proposalId'),
      executionName,
      request: sfn.JsonPath.objectAt('$.progress.review.nextLevel.request'),
      assignee: sfn.JsonPath.objectAt('$$.Map.Item.Value'),
    },
    maxConcurrency: 40,
    resultPath: '$.progress.levelResults',
  });
  askApprovers.itemProcessor(requestApproval);
  askApprovers.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
  askApprovers.next(advanceReview);

  const reviewFinished = new sfn.Choice(scope, 'Review finished?')
    .when(sfn.Condition.booleanEquals('$.progress.review.done', true), recordOutcome)
    .otherwise(askApprovers);

  return scoreProposal.next(startReview).next(advanceReview).next(reviewFinished);
}
