import { FileStore } from './constructs/file-store.ts';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { FUNCTION_CATALOGUE, type FunctionKey } from '#handlers/catalogue.ts';
import type { WorkflowKey } from '#workflows/contracts.ts';
import { arnVariableOf, WORKFLOWS } from '#workflows/registry.ts';
import { DEFAULT_ORG_TIME_ZONE, schedulesFor } from '#workflows/schedules.ts';
import { CHASE_STEP_TIMEOUTS } from '#workflows/timesheet-chase-workflow.ts';
import { Alarms } from './constructs/alarms.ts';
import { DeadLetterQueue } from './constructs/dead-letter-queue.ts';
import { Email } from './constructs/email.ts';
import { EmailEvents } from './constructs/email-events.ts';
import { PmoFunction } from './constructs/pmo-function.ts';
import { PmoWorkflow } from './constructs/pmo-workflow.ts';
import { PmoTable, type TableAccess, type TableAction } from './constructs/pmo-table.ts';
import { Schedules } from './constructs/schedules.ts';
import { DEFAULT_IDENTITY_PROVIDER_NAME, type Federation, SignIn } from './constructs/sign-in.ts';
import { WebApi } from './constructs/web-api.ts';
import { WorkflowEvents } from './constructs/workflow-events.ts';

/** What a function needs from the stack beyond the {@link PmoFunction} defaults. */
interface FunctionSettings {
  /**
   * The DynamoDB actions its code uses, and no more (functions/adapters/*-repository.ts,
   * idempotency-store.ts, email-sender.ts, followed from the handler through its services).
   * Absent: it never touches the table, and is not even told its name.
   */
  readonly tableAccess?: TableAccess;
  /** It sends e-mail: the sender, the configuration set and `ses:SendEmail` from the sender. */
  readonly sendsEmail?: boolean;
  /** Its e-mail links to the web pages: it gets the public base URL. */
  readonly linksToPages?: boolean;
  /** An EventBridge rule invokes it (asynchronously): a failed invocation goes to the dead-letter queue. */
  readonly eventTarget?: boolean;
  /** @default 30 seconds (PmoFunction) */
  readonly timeout?: Duration;
}

/** Reads and writes single items; DeleteItem only releases an e-mail "sent" marker when SES refuses the message. */
const ITEM_READ_WRITE = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] as const satisfies TableAction[];

/**
 * Per function, in one place: table access (least privilege), e-mail, links and timeouts. A
 * record over every catalogue key, so a new function must say what it needs. No deployed function
 * scans, batch-writes (only the local seed imports a directory) or reads streams.
 */
const FUNCTION_SETTINGS: Record<FunctionKey, FunctionSettings> = {
  // Every page and the API: submissions (idempotency records), decisions, withdrawals, delegation
  // (access keys), projects; lists through the indexes, audit trails by the subject's own key.
  web: {
    tableAccess: { items: [...ITEM_READ_WRITE, 'Query'], queriesIndexes: true },
    sendsEmail: true,
    // Answers people through the API, which gives up after 30 s anyway.
    timeout: Duration.seconds(10),
  },
  // Reads the proposal, stores its score, appends to its audit trail.
  scoreProposal: { tableAccess: { items: ['GetItem', 'PutItem', 'UpdateItem'] } },
  // Plans the review (role members by the role's key), tells the submitter it arrived.
  advanceReview: { tableAccess: { items: [...ITEM_READ_WRITE, 'Query'] }, sendsEmail: true, linksToPages: true },
  // Creates or re-binds the approval; earlier levels' decisions through the subject index.
  requestApproval: { tableAccess: { items: [...ITEM_READ_WRITE], queriesIndexes: true }, sendsEmail: true, linksToPages: true },
  // Records the outcome, creates the project, lists the review's approvals, tells the PMO leads.
  recordOutcome: { tableAccess: { items: [...ITEM_READ_WRITE, 'Query'], queriesIndexes: true }, sendsEmail: true, linksToPages: true },
  // The open-approvals and delegation indexes, an approver's queue, escalation targets by role.
  approvalSweeper: {
    tableAccess: { items: [...ITEM_READ_WRITE, 'Query'], queriesIndexes: true },
    sendsEmail: true,
    linksToPages: true,
    timeout: Duration.minutes(2),
  },
  // Closes the stopped execution's approvals (subject index) and records the outcome as recordOutcome does.
  executionStatusChanged: {
    tableAccess: { items: [...ITEM_READ_WRITE, 'Query'], queriesIndexes: true },
    sendsEmail: true,
    linksToPages: true,
    eventTarget: true,
  },
  // Marks the person (and their role memberships), tells the PMO leads (by the role's key).
  emailEvents: { tableAccess: { items: [...ITEM_READ_WRITE, 'Query'] }, sendsEmail: true, eventTarget: true },
  // Starts the timesheet chase by a name made of the week and the scheduled time; reads nothing.
  startTimesheetChase: {},
  // Records the run (conditional put) and lists the week's runs (base-table query); the week's
  // timesheets (by-week index), the directory (by-name index), calendars and leave of those who may be
  // missing; writes the reminder batches and the findings.
  findMissingTimesheets: { tableAccess: { items: ['GetItem', 'PutItem', 'Query'], queriesIndexes: true }, timeout: CHASE_STEP_TIMEOUTS.findMissingTimesheets },
  // Reads its batch, claims "sent" markers, issues each person's week link (reads the person).
  sendTimesheetReminders: {
    tableAccess: { items: ['GetItem', 'PutItem', 'DeleteItem'] },
    sendsEmail: true,
    linksToPages: true,
    timeout: CHASE_STEP_TIMEOUTS.sendTimesheetReminders,
  },
  // Reads the run's findings and batches, claims "sent" markers; the digest has no links.
  sendTimesheetDigest: { tableAccess: { items: ['GetItem', 'PutItem', 'DeleteItem'] }, sendsEmail: true, timeout: CHASE_STEP_TIMEOUTS.sendTimesheetDigest },
  // Cognito's pre token generation trigger: reads the event only. Cognito waits 5 seconds for a trigger.
  addTokenClaims: { timeout: Duration.seconds(5) },
  // The invoice, its vendor's invoices of the window and the same number (indexes), the projects,
  // their ledgers and POs; commits amounts (conditional updates), moves the status, audits.
  checkInvoice: { tableAccess: { items: ['GetItem', 'PutItem', 'UpdateItem'], queriesIndexes: true } },
  // Posts to each project's ledger and PO (conditional updates), moves the status, claims "sent"
  // markers, emails finance (by role) and the budget alerts.
  postInvoice: { tableAccess: { items: [...ITEM_READ_WRITE, 'Query'] }, sendsEmail: true, linksToPages: true },
  // The report tick: the defaults' marker and definitions (by key), the due index, a conditional
  // move of each due definition's next run.
  startDueReports: { tableAccess: { items: ['GetItem', 'PutItem', 'UpdateItem'], queriesIndexes: true } },
  // Plans a run: the definition, role members (a base-table query), the run (conditional put).
  planReportRun: { tableAccess: { items: ['GetItem', 'PutItem', 'Query'], queriesIndexes: true } },
  // One copy: the reader's projects (indexes), ledgers, hours, approvals and invoices; archives it
  // (the files bucket's reports/), claims the "sent" marker, records the copy.
  deliverReport: { tableAccess: { items: [...ITEM_READ_WRITE, 'Query'], queriesIndexes: true }, sendsEmail: true, timeout: Duration.minutes(2) },
  // Counts the copies (base-table query), ends the run, emails the PMO leads of failures.
  finishReportRun: { tableAccess: { items: [...ITEM_READ_WRITE, 'Query'] }, sendsEmail: true, linksToPages: true },
};

/**
 * PMO Pipeline on AWS: one table, the catalogued functions, every workflow of the registry, the
 * public web API, e-mail with its bounce and complaint events, the events of stopped executions,
 * schedules and alarms. Only wiring lives here; each concern is a construct.
 *
 * Context: `senderAddress`, `createSenderIdentity`, `publicBaseUrl` (when a custom domain fronts
 * the API), `alarmEmail`, `orgTimeZone`, `timesheetToleranceHours`, `authDomainPrefix`, `authMfa`, federation (`samlMetadataUrl`,
 * `samlEmailAttribute`, or `oidcIssuer`, `oidcClientId`, `oidcClientSecretName`; and
 * `identityProviderName`) (and `stackName`, read by the app); README.md says how.
 */
export class PmoStack extends Stack {
  readonly table: PmoTable;
  readonly fileStore: FileStore;
  readonly functions: Record<FunctionKey, PmoFunction>;
  /** Every workflow of the registry, by key. */
  readonly workflows: Record<WorkflowKey, PmoWorkflow>;
  readonly intakeWorkflow: PmoWorkflow;
  readonly timesheetChaseWorkflow: PmoWorkflow;
  readonly webApi: WebApi;
  /** The user pool, its managed login and the web app's client; the JSON API accepts its access tokens. */
  readonly signIn: SignIn;
  readonly email: Email;
  readonly emailEvents: EmailEvents;
  readonly workflowEvents: WorkflowEvents;
  /** Events no function could handle, and failed asynchronous invocations. */
  readonly deadLetterQueue: DeadLetterQueue;
  readonly schedules: Schedules;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.table = new PmoTable(this, 'Table');
    this.email = new Email(this, 'Email');
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue');

    this.functions = Object.fromEntries(
      (Object.keys(FUNCTION_CATALOGUE) as FunctionKey[]).map((key) => {
        const settings = FUNCTION_SETTINGS[key];
        const fn = new PmoFunction(this, constructIdOf(key), {
          functionKey: key,
          ...(settings.tableAccess ? { environment: { TABLE_NAME: this.table.tableName } } : {}),
          ...(settings.timeout ? { timeout: settings.timeout } : {}),
          ...(settings.eventTarget ? { deadLetterQueue: this.deadLetterQueue } : {}),
        });
        if (settings.tableAccess) this.table.grantAccess(fn, settings.tableAccess);
        // Every function that sends e-mail sends from the one sender, through the configuration set.
        if (settings.sendsEmail) {
          for (const [name, value] of Object.entries(this.email.environment)) fn.addEnvironment(name, value);
          this.email.grantSend(fn);
        }
        return [key, fn];
      }),
    ) as Record<FunctionKey, PmoFunction>;
    const { web, approvalSweeper, executionStatusChanged, emailEvents, addTokenClaims, startTimesheetChase, findMissingTimesheets } = this.functions;

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
    this.timesheetChaseWorkflow = this.workflows.timesheetChase;
    this.webApi = new WebApi(this, 'WebApi', { handler: web });

    // Links in e-mail point at the custom domain (context publicBaseUrl) or else the API's own URL.
    // Web gets PUBLIC_BASE_URL only from context: otherwise it derives the URL from the request
    // (requestContext.domainName), which is the API's own URL.
    const publicBaseUrl: unknown = this.node.tryGetContext('publicBaseUrl');
    const customBaseUrl = typeof publicBaseUrl === 'string' && publicBaseUrl !== '' ? publicBaseUrl : undefined;
    for (const key of Object.keys(FUNCTION_SETTINGS) as FunctionKey[]) {
      if (FUNCTION_SETTINGS[key].linksToPages) this.functions[key].addEnvironment('PUBLIC_BASE_URL', customBaseUrl ?? this.webApi.url);
    }
    if (customBaseUrl !== undefined) web.addEnvironment('PUBLIC_BASE_URL', customBaseUrl);

    // Sign-in: Cognito returns people to the same base URL the links use. The web function knows
    // the client through its environment, the client knows the API's URL: no cycle, because the
    // API itself refers to neither (its routes, integration and authorizer are resources of their own).
    const domainPrefix = nonEmptyString(this.node.tryGetContext('authDomainPrefix'));
    const mfa = mfaFromContext(this.node.tryGetContext('authMfa'));
    const federation = federationFromContext((key) => nonEmptyString(this.node.tryGetContext(key)));
    this.signIn = new SignIn(this, 'SignIn', {
      appBaseUrl: customBaseUrl === undefined ? this.webApi.url : `${customBaseUrl.replace(/\/+$/, '')}/`,
      tokenClaimsFunction: addTokenClaims,
      ...(domainPrefix !== undefined ? { domainPrefix } : {}),
      ...(federation !== undefined ? { federation } : {}),
      ...(mfa !== undefined ? { mfa } : {}),
    });
    for (const [name, value] of Object.entries(this.signIn.webEnvironment)) web.addEnvironment(name, value);

    // Invoice PDFs: the web function signs their uploads and downloads, and checks each upload.
    this.fileStore = new FileStore(this, 'Files');
    this.fileStore.grantFiles(web, 'invoices/');
    web.addEnvironment('FILES_BUCKET', this.fileStore.bucket.bucketName);
    // Report copies are archived by the function that makes them.
    this.fileStore.grantFiles(this.functions.deliverReport, 'reports/');
    this.functions.deliverReport.addEnvironment('FILES_BUCKET', this.fileStore.bucket.bucketName);
    this.webApi.requireSignIn(this.signIn);

    // Dates on pages and in e-mail are in the organisation's time zone (the functions default to Europe/Berlin).
    const orgTimeZone = timeZoneFromContext(this.node.tryGetContext('orgTimeZone'));
    if (orgTimeZone !== undefined) for (const fn of Object.values(this.functions)) fn.addEnvironment('ORG_TIME_ZONE', orgTimeZone);
    // How far short of the expected hours a submitted week may be before the chase reminds its person.
    const tolerance = toleranceFromContext(this.node.tryGetContext('timesheetToleranceHours'));
    if (tolerance !== undefined) findMissingTimesheets.addEnvironment('TIMESHEET_TOLERANCE_HOURS', String(tolerance));

    // What happens outside a request comes back as events: stopped executions, bounces and complaints.
    this.workflowEvents = new WorkflowEvents(this, 'WorkflowEvents', {
      workflows: Object.values(this.workflows),
      handler: executionStatusChanged,
      deadLetterQueue: this.deadLetterQueue,
    });
    this.emailEvents = new EmailEvents(this, 'EmailFeedbackEvents', {
      configurationSet: this.email.configurationSet,
      handler: emailEvents,
      deadLetterQueue: this.deadLetterQueue,
    });

    // The timesheet chase runs in the organisation's working week: its zone, as the functions have it.
    this.schedules = new Schedules(this, 'Schedules', {
      targets: { approvalSweeper, startTimesheetChase, startDueReports: this.functions.startDueReports },
      schedules: schedulesFor(orgTimeZone ?? DEFAULT_ORG_TIME_ZONE),
    });
    this.alarms = new Alarms(this, 'Alarms', {
      stateMachines: Object.fromEntries(Object.entries(this.workflows).map(([key, workflow]) => [key, workflow.stateMachine])),
      functions: this.functions,
      sweeper: approvalSweeper,
      webStage: this.webApi.stage,
      table: this.table,
      tableOperations: tableOperationsOf(Object.values(FUNCTION_SETTINGS)),
      deadLetterQueue: this.deadLetterQueue,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.webApi.url, description: 'Public URL of the intake form and approval pages' });
    new CfnOutput(this, 'SignInUrl', { value: this.signIn.signInUrl, description: 'Where people sign in (the app sends them on to the managed login)' });
    new CfnOutput(this, 'UserPoolId', { value: this.signIn.userPool.userPoolId, description: 'Create accounts here: aws cognito-idp admin-create-user --user-pool-id …' });
    new CfnOutput(this, 'UserPoolClientId', { value: this.signIn.clientId, description: "The web app's client: the audience of the API's bearer tokens" });
    new CfnOutput(this, 'IntakeStateMachineArn', { value: this.intakeWorkflow.stateMachineArn });
    new CfnOutput(this, 'TimesheetChaseStateMachineArn', {
      value: this.timesheetChaseWorkflow.stateMachineArn,
      description: 'Chase a week by hand: aws stepfunctions start-execution --input \'{"weekStart":"YYYY-MM-DD"}\'',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn, description: 'Subscribe to be told about failures' });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: this.deadLetterQueue.queueUrl,
      description: 'Events no function could handle (stopped executions, bounces, complaints), to look at and replay',
    });
  }
}

/** A context value that is a non-empty string; undefined otherwise (unset, or `-c key=`). */
function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Context `authMfa`: `required` or `optional`; anything else fails the synth. */
function mfaFromContext(value: unknown): 'optional' | 'required' | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'optional' || value === 'required') return value;
  throw new Error(`Context authMfa is ${JSON.stringify(value)}, not "required" or "optional"`);
}

/**
 * The organisation's identity provider from context: `samlMetadataUrl` (and `samlEmailAttribute`),
 * or `oidcIssuer` with `oidcClientId` and `oidcClientSecretName`; `identityProviderName` names either.
 */
function federationFromContext(context: (key: string) => string | undefined): Federation | undefined {
  const saml = context('samlMetadataUrl');
  const oidc = context('oidcIssuer');
  const name = context('identityProviderName') ?? DEFAULT_IDENTITY_PROVIDER_NAME;
  if (saml !== undefined && oidc !== undefined) throw new Error('Context samlMetadataUrl and oidcIssuer are both set: federate with one identity provider');
  if (saml !== undefined) {
    const emailAttribute = context('samlEmailAttribute');
    return { kind: 'saml', metadataUrl: saml, name, ...(emailAttribute !== undefined ? { emailAttribute } : {}) };
  }
  if (oidc === undefined) return undefined;
  const clientId = context('oidcClientId');
  const clientSecretName = context('oidcClientSecretName');
  if (clientId === undefined || clientSecretName === undefined) {
    throw new Error('Context oidcIssuer needs oidcClientId and oidcClientSecretName (a Secrets Manager secret holding the client secret)');
  }
  return { kind: 'oidc', issuerUrl: oidc, clientId, clientSecretName, name };
}

/** Context `orgTimeZone`, an IANA time zone; a name Intl does not know fails the synth. */
function timeZoneFromContext(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    if (typeof value !== 'string') throw new RangeError('not a string');
    return new Intl.DateTimeFormat('en-GB', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    throw new Error(`Context orgTimeZone is ${JSON.stringify(value)}, not a time zone such as Europe/Berlin`);
  }
}

/** Context `timesheetToleranceHours`: hours from 0 to 40 in quarter hours; anything else fails the synth. */
function toleranceFromContext(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  const hours = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(hours) || hours < 0 || hours > 40 || !Number.isInteger(hours * 4)) {
    throw new Error(`Context timesheetToleranceHours is ${JSON.stringify(value)}, not a number of hours from 0 to 40 in quarter hours such as 0.5`);
  }
  return hours;
}

/** `requestApproval` → `RequestApproval`: construct ids read like the catalogue keys. */
function constructIdOf(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1);
}

/** The CloudWatch `Operation` dimension of each table action. */
const OPERATION_OF: Record<TableAction, dynamodb.Operation> = {
  GetItem: dynamodb.Operation.GET_ITEM,
  PutItem: dynamodb.Operation.PUT_ITEM,
  UpdateItem: dynamodb.Operation.UPDATE_ITEM,
  DeleteItem: dynamodb.Operation.DELETE_ITEM,
  Query: dynamodb.Operation.QUERY,
  BatchWriteItem: dynamodb.Operation.BATCH_WRITE_ITEM,
};

/** The DynamoDB operations any function is granted: the ones whose throttling matters. */
function tableOperationsOf(settings: readonly FunctionSettings[]): dynamodb.Operation[] {
  const actions = new Set<TableAction>(
    settings.flatMap(({ tableAccess }) => (tableAccess ? [...tableAccess.items, ...(tableAccess.queriesIndexes ? (['Query'] as const) : [])] : [])),
  );
  return [...actions].sort().map((action) => OPERATION_OF[action]);
}
