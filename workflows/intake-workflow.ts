import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { PERMANENT_ERROR, APPROVAL_EXPIRED_ERROR } from './workflow-errors.ts';

/** The Lambda functions the intake workflow calls, by role. */
export interface IntakeWorkflowFunctions {
  readonly scoreProposal: lambda.IFunction;
  readonly requestApproval: lambda.IFunction;
  readonly recordOutcome: lambda.IFunction;
}

/** Settings of the intake workflow that are fixed when the definition is rendered. */
export interface IntakeWorkflowOptions {
  /** How long an approver has to decide; the approval's deadline is computed from it. */
  readonly approvalTimeout: Duration;
}

/**
 * The sweeper expires approvals at their deadline; the task's own timeout is a backstop for the
 * case where the sweeper is not running, so it fires a little later.
 */
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
 * Builds the intake workflow: score the proposal, wait for the PMO lead's decision (a callback
 * task), then record the outcome and tell the submitter. Every task has a Catch that leads to a
 * recorded outcome, so no execution ends without the proposal's status saying what happened.
 *
 * The same builder renders the deployed state machine (with real functions) and the local one
 * (with functions imported by ARN), so both runtimes execute one definition.
 *
 * Execution input: `{ "proposalId": string }`.
 */
export function buildIntakeWorkflow(
  scope: Construct,
  functions: IntakeWorkflowFunctions,
  options: IntakeWorkflowOptions,
): sfn.IChainable {
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
        proposalId: sfn.JsonPath.stringAt('$.proposalId'),
        executionName: sfn.JsonPath.stringAt('$$.Execution.Name'),
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
      payload: sfn.TaskInput.fromObject({
        proposalId: sfn.JsonPath.stringAt('$.proposalId'),
        executionName: sfn.JsonPath.stringAt('$$.Execution.Name'),
        outcome: sfn.JsonPath.objectAt('$.decision'),
      }),
      resultSelector: { 'status.$': '$.Payload.status' },
      resultPath: '$.outcome',
    }),
  );
  recordOutcome.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

  const markExpired = new sfn.Pass(scope, 'Approval expired', {
    result: sfn.Result.fromObject({ decision: 'expired' }),
    resultPath: '$.decision',
  }).next(recordOutcome);

  const scoreProposal = withRetries(
    new tasks.LambdaInvoke(scope, 'Score proposal', {
      lambdaFunction: functions.scoreProposal,
      payload: sfn.TaskInput.fromObject({ proposalId: sfn.JsonPath.stringAt('$.proposalId') }),
      resultSelector: { 'total.$': '$.Payload.total', 'rubricVersion.$': '$.Payload.rubricVersion' },
      resultPath: '$.score',
    }),
  );
  scoreProposal.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

  const requestApproval = withRetries(
    new tasks.LambdaInvoke(scope, 'Request PMO approval', {
      lambdaFunction: functions.requestApproval,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        proposalId: sfn.JsonPath.stringAt('$.proposalId'),
        executionName: sfn.JsonPath.stringAt('$$.Execution.Name'),
        level: 1,
        role: 'pmo-lead',
        timeoutSeconds: options.approvalTimeout.toSeconds(),
        taskToken: sfn.JsonPath.taskToken,
      }),
      taskTimeout: sfn.Timeout.duration(options.approvalTimeout.plus(TIMEOUT_BACKSTOP)),
      resultPath: '$.decision',
    }),
  );
  requestApproval.addCatch(markExpired, {
    errors: [APPROVAL_EXPIRED_ERROR, sfn.Errors.TIMEOUT],
    resultPath: '$.error',
  });
  requestApproval.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

  return scoreProposal.next(requestApproval).next(recordOutcome).next(new sfn.Succeed(scope, 'Intake complete'));
}
