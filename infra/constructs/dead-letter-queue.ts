import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * Where events that could not be handled wait for an operator: an EventBridge rule's target
 * puts an event it could not deliver here, and Lambda an asynchronous invocation that still
 * failed after its retries. Kept for the longest time SQS allows, encrypted, TLS only; the
 * alarms watch that it stays empty.
 */
export class DeadLetterQueue extends sqs.Queue {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
  }
}
