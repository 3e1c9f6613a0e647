import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FUNCTION_CATALOGUE, type FunctionKey } from '#handlers/catalogue.ts';
import type { WorkflowKey } from '#workflows/contracts.ts';
import { arnVariableOf, WORKFLOWS } from '#workflows/registry.ts';
import { Alarms } from './constructs/alarms.ts';
import { Email } from './constructs/email.ts';
import { PmoFunction } from './constructs/pmo-function.ts';
import { PmoWorkflow } from './constructs/pmo-workflow.ts';
import { PmoTable } from './constructs/pmo-table.ts';
import { Schedules } from './constructs/schedules.ts';
import { WebApi } from './constructs/web-api.ts';

/** Per-function settings that differ from the {@link PmoFunction} defaults. */
const FUNCTION_SETTINGS: Partial<Record<FunctionKey, { timeout: Duration }>> = {
  // Answers people through the API, which gives up after 30 s anyway.
  web: { timeout: Duration.seconds(10) },
  approvalSweeper: { timeout: Duration.minutes(2) },
};

/**
 * PMO Pipeline on AWS: one table, the catalogued functions, the intake workflow, the public web
 * API, e-mail, schedules and alarms. Only wiring lives here; each concern is a construct.
 *
 * Context: `senderAddress`, `createSenderIdentity`, `publicBaseUrl`
 * (when a custom domain fronts the API), `alarmEmail`.
 */
export class PmoStack extends Stack {
  readonly table: PmoTable;
  readonly functions: Record<FunctionKey, PmoFunction>;
  /** Every workflow of the registry, by key. */
  readonly workflows: Record<WorkflowKey, PmoWorkflow>;
  readonly intakeWorkflow: PmoWorkflow;
  readonly webApi: WebApi;
  readonly email: Email;
  readonly schedules: Schedules;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.table = new PmoTable(this, 'Table');
    this.email = new Email(this, 'Email');

    this.functions = Object.fromEntries(
      (Object.keys(FUNCTION_CATALOGUE) as FunctionKey[]).map((key) => [
        key,
        new PmoFunction(this, constructIdOf(key), {
          functionKey: key,
          environment: { TABLE_NAME: this.table.tableName },
          ...FUNCTION_SETTINGS[key],
        }),
      ]),
    ) as Record<FunctionKey, PmoFunction>;
    const { web, advanceReview, requestApproval, recordOutcome, approvalSweeper } = this.functions;
    for (const fn of Object.values(this.functions)) this.table.grantItemReadWrite(fn);

    // Every workflow of the registry; the functions reach each state machine by its formed ARN,
    // never by reference (see PmoWorkflow), and only those the registry names may start or resume it.
    this.workflows = Object.fromEntries(
      WORKFLOWS.map((workflow) => {
        const deployed = new PmoWorkflow(this, `${constructIdOf(workflow.key)}Workflow`, { workflow, functions: this.functions });
        for (const key of workflow.startedBy) {
          this.functions[key].addEnvironment(arnVariableOf(workflow), deployed.stateMachineArn);
          deployed.grantStartExecution(this.functions[key]);
        }
        for (const key of workflow.respondedBy) deployed.grantTaskResponse(this.functions[key]);
        return [workflow.key, deployed];
      }),
    ) as Record<WorkflowKey, PmoWorkflow>;
    this.intakeWorkflow = this.workflows.intake;
    this.webApi = new WebApi(this, 'WebApi', { handler: web });

    // Every function that sends e-mail sends from the one sender, through the configuration set.
    for (const fn of [web, advanceReview, requestApproval, recordOutcome, approvalSweeper]) {
      for (const [name, value] of Object.entries(this.email.environment)) fn.addEnvironment(name, value);
      this.email.grantSend(fn);
    }
    // Links in e-mail point at the custom domain (context publicBaseUrl) or else the API's own URL.
    // Web gets PUBLIC_BASE_URL only from context: otherwise it derives the URL from the request
    // (requestContext.domainName), since the API's URL would make web depend on its own API: a cycle.
    const publicBaseUrl: unknown = this.node.tryGetContext('publicBaseUrl');
    const customBaseUrl = typeof publicBaseUrl === 'string' && publicBaseUrl !== '' ? publicBaseUrl : undefined;
    for (const fn of [advanceReview, requestApproval, recordOutcome, approvalSweeper]) {
      fn.addEnvironment('PUBLIC_BASE_URL', customBaseUrl ?? this.webApi.url);
    }
    if (customBaseUrl !== undefined) web.addEnvironment('PUBLIC_BASE_URL', customBaseUrl);

    this.schedules = new Schedules(this, 'Schedules', { targets: { approvalSweeper } });
    this.alarms = new Alarms(this, 'Alarms', {
      stateMachines: Object.fromEntries(Object.entries(this.workflows).map(([key, workflow]) => [key, workflow.stateMachine])),
      functions: this.functions,
      sweeper: approvalSweeper,
      webStage: this.webApi.stage,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.webApi.url, description: 'Public URL of the intake form and approval pages' });
    new CfnOutput(this, 'IntakeStateMachineArn', { value: this.intakeWorkflow.stateMachineArn });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn, description: 'Subscribe to be told about failures' });
  }
}

/** `requestApproval` → `RequestApproval`: construct ids read like the catalogue keys. */
function constructIdOf(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1);
}
