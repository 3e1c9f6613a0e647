import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { AdvanceReviewInputSchema, PayloadOf, RequestApprovalInputSchema } from './contracts.ts';
import { withRetries } from './task-defaults.ts';
import { APPROVAL_EXPIRED_ERROR } from './workflow-errors.ts';

/** The review engine's functions, which every workflow with a review calls. */
export interface ReviewLoopFunctions {
  readonly advanceReview: lambda.IFunction;
  readonly requestApproval: lambda.IFunction;
}

/** How a workflow includes the review loop. */
export interface ReviewLoopProps {
  /** The subject type the workflow reviews, as its process registered it: `proposal`. */
  readonly subjectType: string;
  /** Where the subject's id is in the execution's state: `$.proposalId`. */
  readonly subjectIdPath: string;
  readonly functions: ReviewLoopFunctions;
  /**
   * The longest an approval can wait under the process's policy. The sweeper expires each approval
   * at its own deadline; the callback task's timeout, an hour past this, is only a backstop for when
   * the sweeper is not running.
   */
  readonly longestApprovalWait: Duration;
  /** Where a decided review goes; the outcome is at `$.progress.review.decision`. */
  readonly whenDecided: sfn.IChainable;
  /** Where any failure of the loop goes (the workflow records it on the subject). */
  readonly onFailure: sfn.IChainable;
}

const TIMEOUT_BACKSTOP = Duration.hours(1);

/**
 * The review engine's part of a workflow: advance the review (plan it, then tally each level),
 * ask the level's approvers in parallel with one callback task each, and loop until the review is
 * decided, then go on to `whenDecided` with the outcome at `$.progress.review.decision`.
 *
 * Any state machine includes it with its own subject type and id; the state names are the same in
 * every workflow, so operators read one vocabulary.
 */
export class ReviewLoop extends sfn.StateMachineFragment {
  readonly startState: sfn.State;
  readonly endStates: sfn.INextable[];

  constructor(scope: Construct, id: string, props: ReviewLoopProps) {
    super(scope, id);
    const executionName = sfn.JsonPath.stringAt('$$.Execution.Name');
    const subject = { type: props.subjectType, id: sfn.JsonPath.stringAt(props.subjectIdPath) };

    const startReview = new sfn.Pass(this, 'Start review', {
      result: sfn.Result.fromObject({ review: { level: 0, done: false }, levelResults: [] }),
      resultPath: '$.progress',
    });

    const advanceReview = withRetries(
      new tasks.LambdaInvoke(this, 'Advance review', {
        lambdaFunction: props.functions.advanceReview,
        payload: sfn.TaskInput.fromObject({
          subject,
          executionName,
          completedLevel: sfn.JsonPath.numberAt('$.progress.review.level'),
          results: sfn.JsonPath.listAt('$.progress.levelResults'),
        } satisfies PayloadOf<typeof AdvanceReviewInputSchema>),
        resultSelector: { 'review.$': '$.Payload' },
        resultPath: '$.progress',
      }),
    );
    advanceReview.addCatch(props.onFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

    // One callback per approver of the level; each iteration ends with that approver's result.
    const requestApproval = withRetries(
      new tasks.LambdaInvoke(this, 'Request approval', {
        lambdaFunction: props.functions.requestApproval,
        integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: sfn.TaskInput.fromObject({
          subject: sfn.JsonPath.objectAt('$.subject'),
          executionName: sfn.JsonPath.stringAt('$.executionName'),
          request: sfn.JsonPath.objectAt('$.request'),
          assignee: sfn.JsonPath.objectAt('$.assignee'),
          taskToken: sfn.JsonPath.taskToken,
        } satisfies PayloadOf<typeof RequestApprovalInputSchema>),
        taskTimeout: sfn.Timeout.duration(props.longestApprovalWait.plus(TIMEOUT_BACKSTOP)),
      }),
    );
    requestApproval.addCatch(new sfn.Pass(this, 'No answer in time', { result: sfn.Result.fromObject({ decision: 'expired' }) }), {
      errors: [APPROVAL_EXPIRED_ERROR, sfn.Errors.TIMEOUT],
    });

    const askApprovers = new sfn.Map(this, 'Ask level approvers', {
      itemsPath: '$.progress.review.nextLevel.assignees',
      itemSelector: {
        subject,
        executionName,
        request: sfn.JsonPath.objectAt('$.progress.review.nextLevel.request'),
        assignee: sfn.JsonPath.objectAt('$$.Map.Item.Value'),
      },
      maxConcurrency: 40,
      resultPath: '$.progress.levelResults',
    });
    askApprovers.itemProcessor(requestApproval);
    askApprovers.addCatch(props.onFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    askApprovers.next(advanceReview);

    const reviewFinished = new sfn.Choice(this, 'Review finished?')
      .when(sfn.Condition.booleanEquals('$.progress.review.done', true), props.whenDecided)
      .otherwise(askApprovers);
    startReview.next(advanceReview).next(reviewFinished);

    this.startState = startReview;
    // Every path leaves through `whenDecided` or `onFailure`: nothing chains after the loop itself.
    this.endStates = [];
  }
}
