import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { FunctionKey } from '#handlers/catalogue.ts';

/** Properties of {@link Alarms}. */
export interface AlarmsProps {
  /** Every workflow's state machine, by registry key; each gets failed, timed-out and aborted alarms. */
  readonly stateMachines: Readonly<Record<string, sfn.IStateMachine>>;
  /** Every product function; each gets an errors alarm. */
  readonly functions: Record<FunctionKey, lambda.IFunction>;
  /** The function the schedule runs every few minutes; it gets an alarm when it stops running. */
  readonly sweeper: lambda.IFunction;
  /**
   * How long the sweeper may go without an invocation before the alarm fires.
   * @default 15 minutes: three runs of its five-minute schedule
   */
  readonly sweeperMaxSilence?: Duration;
  /** The public API stage; its 5xx responses raise an alarm (the web app turns exceptions into 500s). */
  readonly webStage: apigwv2.IHttpStage;
  /** The product table; throttled requests of the operations the functions use raise an alarm. */
  readonly table: dynamodb.ITable;
  /** The DynamoDB operations the functions are granted: those whose throttling is watched. */
  readonly tableOperations: readonly dynamodb.Operation[];
  /** Where undelivered events and failed asynchronous invocations wait; anything in it raises an alarm. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * What the operator is told about: executions of any workflow that failed, timed out or were
 * aborted, function errors, a sweeper that stopped running, server errors of the web API,
 * throttled table requests, and events that no function could handle. Alarms notify an SNS topic
 * (KMS-encrypted, TLS-only); context `alarmEmail` subscribes an address to it.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    // A customer-managed key, because CloudWatch cannot publish to a topic encrypted with the
    // AWS-managed aws/sns key (its key policy cannot grant cloudwatch.amazonaws.com).
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the PMO Pipeline alarm topic',
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'PMO Pipeline alarms',
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail !== '') {
      this.topic.addSubscription(new subscriptions.EmailSubscription(alarmEmail));
    }
    this.action = new actions.SnsAction(this.topic);

    const fiveMinutes = Duration.minutes(5);
    for (const [key, stateMachine] of Object.entries(props.stateMachines)) {
      this.add(`${capitalise(key)}Failed`, `A ${key} execution failed; its subject is marked FAILED.`, stateMachine.metricFailed({ period: fiveMinutes }));
      this.add(`${capitalise(key)}TimedOut`, `A ${key} execution timed out.`, stateMachine.metricTimedOut({ period: fiveMinutes }));
      this.add(`${capitalise(key)}Aborted`, `A ${key} execution was stopped (aborted) by hand.`, stateMachine.metricAborted({ period: fiveMinutes }));
    }
    for (const [key, fn] of Object.entries(props.functions)) {
      this.add(`${capitalise(key)}Errors`, `The ${key} function reported errors.`, fn.metricErrors({ period: fiveMinutes }));
    }
    this.add('WebServerErrors', 'The web API answered with 5xx responses.', props.webStage.metricServerError({ period: fiveMinutes }));
    // On-demand tables throttle too: above twice the previous peak, or at the account's table limits.
    // ThrottledRequests counts a request throttled on the table or any of its indexes.
    this.add(
      'TableThrottled',
      'DynamoDB throttled requests to the product table (the SDK retries them, but users wait and steps may fail).',
      props.table.metricThrottledRequestsForOperations({ operations: [...props.tableOperations], period: fiveMinutes }),
    );
    this.alarms.push(
      new cloudwatch.Alarm(this, 'UndeliveredEvents', {
        alarmDescription:
          'An event (a stopped execution, a bounce or complaint) could not be handled and waits in the dead-letter queue: look at it, fix the cause, and replay it.',
        metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    const window = props.sweeperMaxSilence ?? Duration.minutes(15);
    this.alarms.push(
      new cloudwatch.Alarm(this, 'SweeperNotRunning', {
        alarmDescription: `The approval sweeper has not run for ${window.toMinutes()} minutes: overdue approvals are not expired.`,
        metric: props.sweeper.metricInvocations({ period: window, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // No invocations means no data points at all.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    );
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(this.action);
    }
  }

  /** Adds an alarm that fires when `metric` (a count, summed) is at least one in a period. */
  private add(id: string, description: string, metric: cloudwatch.IMetric): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
