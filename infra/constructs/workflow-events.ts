import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PmoWorkflow } from './pmo-workflow.ts';

/** The execution statuses that end a workflow without the outcome it exists to record. */
export const STOPPED_STATUSES = ['ABORTED', 'TIMED_OUT', 'FAILED'] as const;

/** Properties of {@link WorkflowEvents}. */
export interface WorkflowEventsProps {
  /** Every workflow of the registry; the rule matches their executions only. */
  readonly workflows: readonly PmoWorkflow[];
  /** The function that closes the review of a stopped execution's subject (`executionStatusChanged`). */
  readonly handler: lambda.IFunction;
  /** Where an event that could not be delivered to the handler goes. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * Brings the end of an execution that stopped, timed out or failed back to the product: an
 * EventBridge rule on the default bus matches Step Functions "Execution Status Change" events
 * of the product's state machines with those statuses and invokes the handler, so no subject is
 * left waiting on a dead execution. (The local Step Functions endpoint emits the same events to
 * the same handler.)
 *
 * The rule names each state machine by its formed ARN, like the functions that start them. A
 * delivery that fails (throttling, the function unavailable) is retried for up to a day, then
 * put on the dead-letter queue; the handler is idempotent, as EventBridge delivers at least once.
 */
export class WorkflowEvents extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: WorkflowEventsProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'ExecutionStopped', {
      description: 'A PMO Pipeline workflow execution was aborted, timed out or failed: its subject must be told.',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: [...STOPPED_STATUSES],
          stateMachineArn: props.workflows.map((workflow) => workflow.stateMachineArn),
        },
      },
      targets: [
        new targets.LambdaFunction(props.handler, {
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}
