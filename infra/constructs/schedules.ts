import { Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { invokeWildcardFinding } from './nag-findings.ts';
import { SCHEDULES, type ScheduleDefinition } from '#workflows/schedules.ts';

/** Properties of {@link Schedules}. */
export interface SchedulesProps {
  /** The function each schedule target names. */
  readonly targets: Record<ScheduleDefinition['target'], lambda.IFunction>;
  /** @default SCHEDULES, the product's schedule list (the one the local scheduler reads too) */
  readonly schedules?: readonly ScheduleDefinition[];
}

/**
 * The product's schedules on EventBridge Scheduler, in a schedule group of their own (schedule
 * names are unique per group, so two stacks in one account do not collide).
 *
 * A failed delivery (throttling, a function error) is retried for up to an hour. There is no
 * dead-letter queue: every scheduled job is idempotent and its next run repeats the work, so
 * there is nothing to replay by hand; a sweeper that stops running raises an alarm instead.
 */
export class Schedules extends Construct {
  readonly group: scheduler.ScheduleGroup;
  readonly schedules: scheduler.Schedule[];
  /** The role EventBridge Scheduler assumes to invoke the targets; each target grants itself. */
  readonly invokeRole: iam.Role;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    // Holds nothing but the schedules, which go with it.
    this.group = new scheduler.ScheduleGroup(this, 'Group', { removalPolicy: RemovalPolicy.DESTROY });
    const stack = Stack.of(this);
    this.invokeRole = new iam.Role(this, 'InvokeRole', {
      description: 'Assumed by EventBridge Scheduler to invoke the PMO Pipeline schedule targets',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.group.scheduleGroupName}/*` }),
          },
        },
      }),
    });
    const definitions = props.schedules ?? SCHEDULES;
    this.schedules = definitions.map((definition) => {
      const schedule = new scheduler.Schedule(this, definition.name, {
        scheduleName: definition.name,
        description: definition.description,
        scheduleGroup: this.group,
        schedule: scheduler.ScheduleExpression.expression(definition.cron, TimeZone.of(definition.timeZone)),
        target: new targets.LambdaInvoke(props.targets[definition.target], {
          role: this.invokeRole,
          // The scheduled time, not the delivery time: a late or retried run acts as of when it was due.
          input: scheduler.ScheduleTargetInput.fromObject({ ...definition.input, time: scheduler.ContextAttribute.scheduledTime, schedule: definition.name }),
          retryAttempts: 5,
          maxEventAge: Duration.hours(1),
        }),
      });
      // The schedule names its group by a literal name, which CloudFormation does not order by.
      schedule.node.addDependency(this.group);
      return schedule;
    });
    const targetFunctions = new Set(definitions.map((definition) => props.targets[definition.target]));
    Validations.of(this.invokeRole).acknowledge(
      ...[...targetFunctions].map((fn) => ({
        id: invokeWildcardFinding(fn),
        reason: `The Lambda target grants lambda:InvokeFunction on ${fn.node.id} and its versions and aliases (\`<arn>:*\`); the schedule invokes that one function.`,
      })),
    );
  }
}
