import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The EventBridge detail types of the SES events the product acts on. */
export const EMAIL_FEEDBACK_DETAIL_TYPES = ['Email Bounced', 'Email Complaint Received'] as const;

/** Properties of {@link EmailEvents}. */
export interface EmailEventsProps {
  /** The configuration set every product e-mail is sent through. */
  readonly configurationSet: ses.IConfigurationSet;
  /** The function that marks the address in the directory and tells the PMO (`emailEvents`). */
  readonly handler: lambda.IFunction;
  /** Where an event that could not be delivered to the handler goes. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * Bounces and complaints of the product's e-mail, brought back to the product: the configuration
 * set publishes them to the default EventBridge bus (the only bus SES publishes to), and a rule
 * that matches them, for this configuration set only, invokes the handler. Soft bounces reach
 * SES's event only once it has given up retrying. A delivery that fails is retried for up to a
 * day, then put on the dead-letter queue.
 */
export class EmailEvents extends Construct {
  readonly destination: ses.ConfigurationSetEventDestination;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: EmailEventsProps) {
    super(scope, id);
    const defaultBus = events.EventBus.fromEventBusArn(
      this,
      'DefaultBus',
      Stack.of(this).formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' }),
    );
    this.destination = new ses.ConfigurationSetEventDestination(this, 'Feedback', {
      configurationSet: props.configurationSet,
      destination: ses.EventDestination.eventBus(defaultBus),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    this.rule = new events.Rule(this, 'BouncedOrComplained', {
      description: 'A PMO Pipeline e-mail bounced or its recipient complained: mark the address and tell the PMO.',
      eventPattern: {
        source: ['aws.ses'],
        detailType: [...EMAIL_FEEDBACK_DETAIL_TYPES],
        detail: { mail: { tags: { 'ses:configuration-set': [props.configurationSet.configurationSetName] } } },
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
