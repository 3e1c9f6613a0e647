import { beforeAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FUNCTION_CATALOGUE, type FunctionKey } from '#handlers/catalogue.ts';
import { SCHEDULES, schedulesFor } from '#workflows/schedules.ts';
import { statementsOfRole, synthesizeStack, TEST_SENDER, type SynthesizedStack } from './synth-stack.ts';

/*
 * The stack's constructs, one describe each. Synthesizing is the slow part, so the file
 * synthesizes twice: with the defaults, and with every operator option of cdk.json's context set.
 */

const KEYS = Object.keys(FUNCTION_CATALOGUE) as FunctionKey[];
/** The functions that send e-mail. */
const EMAIL_SENDERS = [
  'web',
  'advanceReview',
  'requestApproval',
  'recordOutcome',
  'approvalSweeper',
  'executionStatusChanged',
  'emailEvents',
  'sendTimesheetReminders',
  'sendTimesheetDigest',
] as const satisfies FunctionKey[];
/** The functions that always know the public base URL, for links in the e-mail they send. */
const LINKERS = ['advanceReview', 'requestApproval', 'recordOutcome', 'approvalSweeper', 'executionStatusChanged', 'sendTimesheetReminders'] as const satisfies FunctionKey[];
/** The functions an EventBridge rule invokes. */
const EVENT_TARGETS = ['executionStatusChanged', 'emailEvents'] as const satisfies FunctionKey[];
/** The functions that never touch the table (Cognito's token trigger), and are not told its name. */
const WITHOUT_TABLE = ['addTokenClaims', 'startTimesheetChase'] as const satisfies FunctionKey[];

interface FunctionResource {
  Properties: {
    Runtime: string;
    Architectures: string[];
    TracingConfig: { Mode: string };
    LoggingConfig: { LogFormat: string; LogGroup: { Ref: string } };
    Environment: { Variables: Record<string, unknown> };
    Description: string;
  };
}

/** The newest Node.js runtime aws-cdk-lib knows, found the way cdk-nag's rule L1 finds it. */
function newestNodeRuntime(): string {
  const versions = lambda.Runtime.ALL.map((runtime) => runtime.name)
    .filter((name) => /^nodejs\d+/.test(name))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return versions.at(-1) as string;
}

let defaults: SynthesizedStack;
/** Synthesized with a custom domain, an alarm address, the sender identity, a time zone, and no sender default. */
let operator: SynthesizedStack;
beforeAll(() => {
  defaults = synthesizeStack();
  operator = synthesizeStack({
    senderAddress: undefined,
    publicBaseUrl: 'https://pmo.example.org',
    alarmEmail: 'ops@example.org',
    createSenderIdentity: 'true',
    orgTimeZone: 'America/New_York',
    timesheetToleranceHours: '1.25',
  });
});

describe('table', () => {
  it('is the only table, keyed by string pk and sk', () => {
    defaults.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    defaults.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
    });
  });

  it('bills on demand', () => {
    defaults.template.hasResourceProperties('AWS::DynamoDB::Table', { BillingMode: 'PAY_PER_REQUEST' });
  });

  it('has point-in-time recovery', () => {
    defaults.template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('expires items by their expiresAt attribute', () => {
    defaults.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('is encrypted with the AWS-managed key', () => {
    defaults.template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, KMSMasterKeyId: Match.absent() },
    });
  });

  it('is retained when the stack is deleted or the table replaced', () => {
    defaults.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it.each(['gsi1', 'gsi2', 'gsi3'])('has the generic index %s on string keys, projecting all attributes', (index) => {
    defaults.template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: index,
          KeySchema: [
            { AttributeName: `${index}pk`, KeyType: 'HASH' },
            { AttributeName: `${index}sk`, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ]),
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: `${index}pk`, AttributeType: 'S' },
        { AttributeName: `${index}sk`, AttributeType: 'S' },
      ]),
    });
  });
});

describe('functions', () => {
  const fn = (key: FunctionKey) => defaults.template.toJSON().Resources[defaults.functionId(key)] as FunctionResource;

  it('are deployed one for each catalogue entry, and nothing else is a function', () => {
    defaults.template.resourceCountIs('AWS::Lambda::Function', KEYS.length);
  });

  describe.each(KEYS)('%s', (key) => {
    it('runs on arm64', () => {
      expect(fn(key).Properties.Architectures).toEqual(['arm64']);
    });

    it('runs on the newest Node.js runtime', () => {
      expect(fn(key).Properties.Runtime).toBe(newestNodeRuntime());
    });

    it('is described as in the catalogue', () => {
      expect(fn(key).Properties.Description).toBe(FUNCTION_CATALOGUE[key].description);
    });

    it('traces with X-Ray', () => {
      expect(fn(key).Properties.TracingConfig).toEqual({ Mode: 'Active' });
    });

    it('logs JSON to a log group of its own, with a retention period', () => {
      const logging = fn(key).Properties.LoggingConfig;
      expect(logging.LogFormat).toBe('JSON');
      const logGroup = defaults.template.toJSON().Resources[logging.LogGroup.Ref];
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
    });

    it('names its service for Powertools and enables source maps', () => {
      expect(fn(key).Properties.Environment.Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'pmo-pipeline', NODE_OPTIONS: '--enable-source-maps' });
    });

    it((WITHOUT_TABLE as readonly FunctionKey[]).includes(key) ? 'is not told the table, which it never touches' : 'knows the table', () => {
      const variables = fn(key).Properties.Environment.Variables;
      if ((WITHOUT_TABLE as readonly FunctionKey[]).includes(key)) expect(variables).not.toHaveProperty('TABLE_NAME');
      else expect(variables.TABLE_NAME).toEqual({ Ref: defaults.logicalId(defaults.stack.table) });
    });
  });

  describe('environment', () => {
    const variables = (synthesized: SynthesizedStack, key: FunctionKey) =>
      (synthesized.template.toJSON().Resources[synthesized.functionId(key)] as FunctionResource).Properties.Environment.Variables;

    it("gives web the intake state machine's ARN, formed from its fixed name", () => {
      expect(JSON.stringify(variables(defaults, 'web').INTAKE_STATE_MACHINE_ARN)).toContain(':stateMachine:PmoPipeline-intake');
    });

    it("gives web no public base URL by default: it derives links from the request, which comes to the API's URL", () => {
      expect(variables(defaults, 'web')).not.toHaveProperty('PUBLIC_BASE_URL');
    });

    it('gives web context publicBaseUrl when a custom domain fronts the API', () => {
      expect(variables(operator, 'web').PUBLIC_BASE_URL).toBe('https://pmo.example.org');
    });

    it.each(EMAIL_SENDERS)('gives %s the sender and the configuration set', (key) => {
      expect(variables(defaults, key)).toMatchObject({
        EMAIL_FROM: { Ref: 'SenderAddress' },
        EMAIL_CONFIGURATION_SET: { Ref: defaults.logicalId(defaults.stack.email.configurationSet) },
      });
    });

    it("sets no time zone by default: the functions use the organisation's default", () => {
      for (const key of KEYS) expect(variables(defaults, key)).not.toHaveProperty('ORG_TIME_ZONE');
    });

    it.each(KEYS)('gives %s context orgTimeZone, in which pages and e-mail give dates', (key) => {
      expect(variables(operator, key).ORG_TIME_ZONE).toBe('America/New_York');
    });

    it('refuses a context orgTimeZone that is not a time zone, naming it', () => {
      expect(() => synthesizeStack({ orgTimeZone: 'Mars/Olympus' })).toThrow(/orgTimeZone.*Mars\/Olympus/);
    });

    it("gives findMissingTimesheets no tolerance by default: the functions' default applies", () => {
      expect(variables(defaults, 'findMissingTimesheets')).not.toHaveProperty('TIMESHEET_TOLERANCE_HOURS');
    });

    it('gives findMissingTimesheets context timesheetToleranceHours, and no other function', () => {
      expect(variables(operator, 'findMissingTimesheets').TIMESHEET_TOLERANCE_HOURS).toBe('1.25');
      for (const key of KEYS.filter((other) => other !== 'findMissingTimesheets')) expect(variables(operator, key)).not.toHaveProperty('TIMESHEET_TOLERANCE_HOURS');
    });

    it.each(['-1', '41', '0.3', 'half an hour'])('refuses a context timesheetToleranceHours of %s, naming it', (value) => {
      expect(() => synthesizeStack({ timesheetToleranceHours: value })).toThrow(/timesheetToleranceHours/);
    });

    it("gives startTimesheetChase the timesheet chase's ARN, formed from its fixed name", () => {
      expect(JSON.stringify(variables(defaults, 'startTimesheetChase').TIMESHEET_CHASE_STATE_MACHINE_ARN)).toContain(':stateMachine:PmoPipeline-timesheetChase');
    });

    it('gives emailEvents no public base URL: its e-mail to the PMO has no links', () => {
      expect(variables(defaults, 'emailEvents')).not.toHaveProperty('PUBLIC_BASE_URL');
    });

    it('gives scoreProposal no e-mail settings and no public base URL', () => {
      expect(variables(defaults, 'scoreProposal')).not.toHaveProperty('EMAIL_FROM');
      expect(variables(defaults, 'scoreProposal')).not.toHaveProperty('PUBLIC_BASE_URL');
    });

    it.each(LINKERS)("links %s to the API's URL by default", (key) => {
      expect(JSON.stringify(variables(defaults, key).PUBLIC_BASE_URL)).toContain(defaults.logicalId(defaults.stack.webApi.httpApi));
    });

    it.each(LINKERS)('links %s to context publicBaseUrl when a custom domain fronts the API', (key) => {
      expect(variables(operator, key).PUBLIC_BASE_URL).toBe('https://pmo.example.org');
    });
  });
});

describe('web API', () => {
  const accessLogFormat = () =>
    (Object.values(defaults.template.findResources('AWS::ApiGatewayV2::Stage'))[0] as { Properties: { AccessLogSettings: { Format: string } } })
      .Properties.AccessLogSettings.Format;

  it('is an HTTP API', () => {
    defaults.template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    defaults.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
  });

  it('sends every request to the web function, with payload format 2.0: each route, $default included, to its one integration', () => {
    defaults.template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    const [integrationId, integration] = Object.entries(defaults.template.findResources('AWS::ApiGatewayV2::Integration'))[0] as [string, { Properties: Record<string, unknown> }];
    expect(integration.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [defaults.functionId('web'), 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
    const routes = Object.values(defaults.template.findResources('AWS::ApiGatewayV2::Route')) as { Properties: { RouteKey: string; Target: unknown } }[];
    expect(routes.map((route) => route.Properties.RouteKey)).toContain('$default');
    for (const route of routes) expect(route.Properties.Target).toEqual({ 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] });
  });

  it('serves from an auto-deployed $default stage', () => {
    defaults.template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    defaults.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: '$default', AutoDeploy: true });
  });

  it('throttles the stage', () => {
    defaults.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 50 },
    });
  });

  it('writes access logs to its log group', () => {
    defaults.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [defaults.logicalId(defaults.stack.webApi.accessLogGroup), 'Arn'] } },
    });
  });

  it('logs each request as JSON with its route and path', () => {
    expect(JSON.parse(accessLogFormat())).toMatchObject({ routeKey: '$context.routeKey', path: '$context.path', status: '$context.status' });
  });

  it('never logs query strings, where approval links carry their secret', () => {
    expect(accessLogFormat()).not.toMatch(/query|\$request\.|requestUri|\$input/i);
  });
});

describe('e-mail', () => {
  it('has a configuration set with reputation metrics and sending enabled', () => {
    defaults.template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      ReputationOptions: { ReputationMetricsEnabled: true },
      SendingOptions: { SendingEnabled: true },
    });
  });

  it('takes the sender address as a parameter, defaulting to context senderAddress', () => {
    expect(defaults.template.toJSON().Parameters.SenderAddress).toMatchObject({ Type: 'String', Default: TEST_SENDER });
  });

  it('leaves the sender parameter without a default when no context gives one, so deploy asks for it', () => {
    expect(operator.template.toJSON().Parameters.SenderAddress.Default).toBeUndefined();
  });

  it('creates no SES identity by default: verifying the sender is the operator’s step', () => {
    defaults.template.resourceCountIs('AWS::SES::EmailIdentity', 0);
  });

  it('creates the sender identity, in the configuration set, when context createSenderIdentity is true', () => {
    operator.template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: { Ref: 'SenderAddress' },
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: operator.logicalId(operator.stack.email.configurationSet) } },
    });
  });
});

describe('dead-letter queue', () => {
  const queueId = () => defaults.logicalId(defaults.stack.deadLetterQueue);

  it('keeps what it holds for 14 days, encrypted', () => {
    defaults.template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
  });

  it('refuses requests without TLS', () => {
    defaults.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId() }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it.each(EVENT_TARGETS)('takes the invocations of %s that failed after their retries', (key) => {
    const fn = defaults.template.toJSON().Resources[defaults.functionId(key)];
    expect(fn.Properties.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId(), 'Arn'] } });
  });

  it('is where nothing else is sent: the functions called synchronously or by a schedule have no dead-letter queue', () => {
    const others = KEYS.filter((key) => !(EVENT_TARGETS as readonly FunctionKey[]).includes(key));
    for (const key of others) expect(defaults.template.toJSON().Resources[defaults.functionId(key)].Properties.DeadLetterConfig).toBeUndefined();
  });
});

describe('stopped executions', () => {
  const rule = () => defaults.template.toJSON().Resources[defaults.logicalId(defaults.stack.workflowEvents.rule)] as { Properties: { EventPattern: Record<string, unknown>; Targets: Record<string, unknown>[] } };

  it('matches Step Functions execution status changes to ABORTED, TIMED_OUT and FAILED only', () => {
    expect(rule().Properties.EventPattern).toMatchObject({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['ABORTED', 'TIMED_OUT', 'FAILED'] },
    });
  });

  it("matches the executions of every workflow of the registry, named by its formed ARN, and no other state machine's", () => {
    const arns = (rule().Properties.EventPattern.detail as { stateMachineArn: unknown[] }).stateMachineArn;
    expect(arns).toHaveLength(Object.keys(defaults.stack.workflows).length);
    for (const workflow of Object.values(defaults.stack.workflows)) {
      expect(arns).toContainEqual(defaults.stack.resolve(workflow.stateMachineArn));
    }
    expect(JSON.stringify(arns)).toContain(':stateMachine:PmoPipeline-intake');
  });

  it('invokes executionStatusChanged, retrying for a day, then putting the event on the dead-letter queue', () => {
    expect(rule().Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [defaults.functionId('executionStatusChanged'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [defaults.logicalId(defaults.stack.deadLetterQueue), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 24 * 3600 },
      }),
    ]);
  });

  it('lets only this rule invoke executionStatusChanged', () => {
    const permissions = Object.values(defaults.template.findResources('AWS::Lambda::Permission', { Properties: { FunctionName: { 'Fn::GetAtt': [defaults.functionId('executionStatusChanged'), 'Arn'] } } }));
    expect(permissions.map((permission) => permission.Properties)).toEqual([
      expect.objectContaining({ Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [defaults.logicalId(defaults.stack.workflowEvents.rule), 'Arn'] } }),
    ]);
  });
});

describe('bounces and complaints', () => {
  const rule = () => defaults.template.toJSON().Resources[defaults.logicalId(defaults.stack.emailEvents.rule)] as { Properties: { EventPattern: Record<string, unknown>; Targets: Record<string, unknown>[] } };
  const configurationSet = () => ({ Ref: defaults.logicalId(defaults.stack.email.configurationSet) });

  it('are published by the configuration set to the default EventBridge bus, and nothing else is', () => {
    defaults.template.resourceCountIs('AWS::SES::ConfigurationSetEventDestination', 1);
    const destination = Object.values(defaults.template.findResources('AWS::SES::ConfigurationSetEventDestination'))[0]?.Properties;
    expect(destination.ConfigurationSetName).toEqual(configurationSet());
    expect(destination.EventDestination.MatchingEventTypes).toEqual(['bounce', 'complaint']);
    expect(JSON.stringify(destination.EventDestination.EventBridgeDestination.EventBusArn)).toContain(':event-bus/default');
  });

  it("are matched as SES's Email Bounced and Email Complaint Received events of this configuration set only", () => {
    expect(rule().Properties.EventPattern).toEqual({
      source: ['aws.ses'],
      'detail-type': ['Email Bounced', 'Email Complaint Received'],
      detail: { mail: { tags: { 'ses:configuration-set': [configurationSet()] } } },
    });
  });

  it('invoke emailEvents, retrying for a day, then putting the event on the dead-letter queue', () => {
    expect(rule().Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [defaults.functionId('emailEvents'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [defaults.logicalId(defaults.stack.deadLetterQueue), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 24 * 3600 },
      }),
    ]);
  });
});

describe('schedules', () => {
  it('deploys exactly the schedules of the shared list', () => {
    defaults.template.resourceCountIs('AWS::Scheduler::Schedule', SCHEDULES.length);
  });

  describe.each(SCHEDULES.map((definition) => [definition.name, definition] as const))('%s', (_name, definition) => {
    it('runs on its cron expression, in its time zone, in the stack’s schedule group', () => {
      defaults.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: definition.name,
        ScheduleExpression: definition.cron,
        ScheduleExpressionTimezone: definition.timeZone,
        GroupName: defaults.stack.schedules.group.scheduleGroupName,
        State: 'ENABLED',
      });
    });

    it('invokes its target function, retrying failed deliveries for up to an hour', () => {
      defaults.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: definition.name,
        Target: {
          Arn: { 'Fn::GetAtt': [defaults.functionId(definition.target), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
        },
      });
    });

    it('passes its scheduled time (not the delivery time), its name and its fixed input', () => {
      const schedule = Object.values(defaults.template.findResources('AWS::Scheduler::Schedule', { Properties: { Name: definition.name } }))[0];
      expect(JSON.parse(schedule?.Properties.Target.Input)).toEqual({ ...definition.input, time: '<aws.scheduler.scheduled-time>', schedule: definition.name });
    });

    it('is created after its group, which it names by a literal', () => {
      const schedule = Object.values(defaults.template.findResources('AWS::Scheduler::Schedule', { Properties: { Name: definition.name } }))[0];
      expect(schedule?.DependsOn).toContain(defaults.logicalId(defaults.stack.schedules.group));
    });
  });

  it('chases timesheets on Friday at 15:00 about the current week and on Monday at 09:00 about the week just ended', () => {
    const chases = SCHEDULES.filter((definition) => definition.target === 'startTimesheetChase');
    expect(chases.map(({ cron, input }) => ({ cron, input }))).toEqual([
      { cron: 'cron(0 15 ? * 6 *)', input: { week: 'current' } },
      { cron: 'cron(0 9 ? * 2 *)', input: { week: 'last' } },
    ]);
  });

  it("runs the timesheet chases in the organisation's zone: Europe/Berlin by default, context orgTimeZone when given", () => {
    for (const definition of SCHEDULES.filter((candidate) => candidate.target === 'startTimesheetChase')) expect(definition.timeZone).toBe('Europe/Berlin');
    for (const definition of schedulesFor('America/New_York').filter((candidate) => candidate.target === 'startTimesheetChase')) {
      operator.template.hasResourceProperties('AWS::Scheduler::Schedule', { Name: definition.name, ScheduleExpressionTimezone: 'America/New_York' });
    }
  });

  it('keeps the approval sweep on UTC whatever the organisation’s zone', () => {
    operator.template.hasResourceProperties('AWS::Scheduler::Schedule', { Name: 'pmo-approval-sweep', ScheduleExpressionTimezone: 'UTC' });
  });

  it('invokes through a role only EventBridge Scheduler of this account may assume, and only for invoking the targets', () => {
    const roleId = defaults.logicalId(defaults.stack.schedules.invokeRole);
    const role = defaults.template.toJSON().Resources[roleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
      }),
    ]);
    const actions = statementsOfRole(defaults.template, roleId).flatMap((statement) => statement.Action);
    expect(new Set(actions)).toEqual(new Set(['lambda:InvokeFunction']));
  });
});

describe('alarms', () => {
  const topicId = () => defaults.logicalId(defaults.stack.alarms.topic);

  it.each(['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'])('watch intake executions: %s', (metricName) => {
    defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/States',
      MetricName: metricName,
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: defaults.logicalId(defaults.stack.intakeWorkflow.stateMachine) } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it.each(KEYS)('watch the errors of %s', (key) => {
    defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: defaults.functionId(key) } }],
      Threshold: 1,
    });
  });

  it('tell when the approval sweeper stops running', () => {
    defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: defaults.functionId('approvalSweeper') } }],
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('watch server errors of the web API', () => {
    defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/ApiGateway', MetricName: '5xx' });
  });

  it('watch every workflow of the registry for failed, timed-out and aborted executions', () => {
    for (const workflow of Object.values(defaults.stack.workflows)) {
      for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
        defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: metricName,
          Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: defaults.logicalId(workflow.stateMachine) } }],
        });
      }
    }
  });

  it('watch throttled requests to the table, summed over every operation the functions are granted', () => {
    const throttled = Object.values(defaults.template.findResources('AWS::CloudWatch::Alarm')).find((alarm) =>
      JSON.stringify(alarm.Properties.Metrics ?? []).includes('ThrottledRequests'),
    )?.Properties as { Metrics: { Expression?: string; ReturnData: boolean; MetricStat?: { Metric: { Namespace: string; Dimensions: { Name: string; Value: unknown }[] } } }[]; Threshold: number };
    expect(throttled).toBeDefined();
    const stats = throttled.Metrics.filter((metric) => metric.MetricStat);
    const operations = stats.map((metric) => metric.MetricStat?.Metric.Dimensions.find((dimension) => dimension.Name === 'Operation')?.Value).sort();
    expect(operations).toEqual(['DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem']);
    for (const metric of stats) {
      expect(metric.MetricStat?.Metric.Namespace).toBe('AWS/DynamoDB');
      expect(metric.MetricStat?.Metric.Dimensions).toContainEqual({ Name: 'TableName', Value: { Ref: defaults.logicalId(defaults.stack.table) } });
    }
    expect(throttled.Metrics.filter((metric) => metric.ReturnData !== false)).toEqual([expect.objectContaining({ Expression: expect.stringContaining('+') })]);
    expect(throttled.Threshold).toBe(1);
  });

  it('tell when anything waits in the dead-letter queue', () => {
    defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [defaults.logicalId(defaults.stack.deadLetterQueue), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('all notify the alarm topic', () => {
    const alarms = Object.values(defaults.template.findResources('AWS::CloudWatch::Alarm')) as { Properties: { AlarmActions?: unknown[] } }[];
    expect(alarms.length).toBeGreaterThanOrEqual(KEYS.length + 6);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId() }]);
  });

  it('publish to a topic encrypted with a rotating customer-managed key that CloudWatch may use', () => {
    const topic = defaults.template.toJSON().Resources[topicId()];
    const keyId = (topic.Properties.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const key = defaults.template.toJSON().Resources[keyId];
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.Properties.KeyPolicy.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
      ]),
    );
  });

  it('publish to a topic that refuses publishing without TLS', () => {
    defaults.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('have no subscriber unless context alarmEmail names one', () => {
    defaults.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('e-mail the address in context alarmEmail', () => {
    operator.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
  });
});
