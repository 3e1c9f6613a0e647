import './polyfills.ts';
import './dynalite-iterators.ts';
import { mkdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { DynamoDBClient, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import dynalite from 'dynalite';
import * as sesLocalModule from 'aws-ses-v2-local';
import { DirectoryFileSchema } from '#domain/directory.ts';
import { subjectLabel } from '#domain/subject.ts';
import { FUNCTION_CATALOGUE } from '#handlers/catalogue.ts';
import { WORKFLOW_SUBJECTS, workflowKeyOfStateMachine } from '#workflows/contracts.ts';
import { arnVariableOf, longestApprovalWaitOf, WORKFLOWS } from '#workflows/registry.ts';
import { DEFAULT_ORG_TIME_ZONE, type ScheduleDefinition, schedulesFor } from '#workflows/schedules.ts';
import { DynamoDbFront } from './dynamodb-front.ts';
import { LocalFaults } from './faults.ts';
import { beforeDeadline, InFlight } from './in-flight.ts';
import { LocalLambdaRuntime } from './lambda-runtime.ts';
import { installMailPersistence, uninstallMailPersistence } from './mail-store.ts';
import { LOCAL_CLIENT_ID, startLocalOidcProvider, type RunningLocalOidcProvider } from './oidc/local-oidc-provider.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, functionKeyOf, localFunctionArn, localStateMachineName, renderLocalStateMachines } from './render-state-machines.ts';
import { LocalScheduler } from './scheduler.ts';
import { seedHolidayCalendars } from './holiday-calendar-seed.ts';
import { installSesFront } from './ses-front.ts';
import { type ExecutionStatusChangeEvent, LocalStepFunctions, ensureExecutionTable } from './step-functions/local-step-functions.ts';
import { ensureProductTable } from './table-definition.ts';
import { LocalWebServer } from './web-server.ts';
import { LOCAL_FILES_BUCKET, startLocalFileStore, type RunningFileStore } from './file-store.ts';

/** Where and how the local stack runs. Port 0 picks a free port (tests). */
export interface LocalStackOptions {
  readonly dataDir: string;
  readonly host?: string;
  readonly ports?: Partial<Record<'web' | 'mailbox' | 'dynamodb' | 'sfn' | 'oidc' | 'files', number>>;
  /** Base URL in emailed links; defaults to the web server's own URL. */
  readonly publicBaseUrl?: string;
  /** An intake approval policy file to use instead of functions/config/approval-policies/proposal.json. */
  readonly approvalPolicyPath?: string;
  /** Start the cron schedules (off in tests, which run schedules by hand with a chosen time). */
  readonly runSchedules?: boolean;
  /** Seed the demo directory into an empty store. */
  readonly seedDemoDirectory?: boolean;
  /** The longest a stop waits for the work under way before it cuts it (default 10 s). */
  readonly drainTimeoutMs?: number;
  /**
   * Sign-in (default `on`): the local OpenID Connect provider on `ports.oidc` (default 3001), and
   * the app as Lambda runs it (`#handlers/web.ts`), signing people in there. `off` (`PMO_AUTH=off`,
   * the local stack only): no provider, and the app with every route open, as before sign-in.
   */
  readonly auth?: 'on' | 'off';
  readonly log?: (message: string) => void;
}

/** What a stop did: how long it took, and what it had to cut at its deadline. */
export interface StopReport {
  readonly durationMs: number;
  /** Web requests still unanswered at the deadline; their connections were dropped. */
  readonly cutRequests: readonly string[];
  /** Handler invocations still running at the deadline. */
  readonly cutInvocations: readonly string[];
  /** Database requests still under way when the database closed. */
  readonly cutDatabaseRequests: readonly string[];
  /** Whether the Step Functions service stopped in time (its waiting executions resume at the next start). */
  readonly stepFunctionsClosed: boolean;
  /** Whether the database (LevelDB) closed. */
  readonly databaseClosed: boolean;
}

/** A running local stack. */
export interface LocalStack {
  /** `oidc`: the sign-in provider's URL, its issuer (absent with sign-in off). */
  readonly urls: { web: string; mailbox: string; dynamodb: string; sfn: string; oidc?: string; files?: string };
  readonly ports: { web: number; mailbox: number; dynamodb: number; sfn: number; oidc?: number; files?: number };
  readonly auth: 'on' | 'off';
  /**
   * A bearer access token for someone active in the directory, from the local provider: what
   * signing in would give (1 hour). Fails for anyone else, and with sign-in off.
   */
  mintAccessToken(email: string): Promise<string>;
  readonly stepFunctions: LocalStepFunctions;
  /** The ARN of every workflow's state machine, by registry key. */
  readonly stateMachineArns: Readonly<Record<string, string>>;
  readonly intakeStateMachineArn: string;
  /** Faults of the stand-ins that tests switch on (SES throttling or refusing, a failing handler, racing writes). */
  readonly faults: LocalFaults;
  /** Runs a schedule's target now, as if the schedule fired at `scheduledTime`. */
  runSchedule(name: string, scheduledTime: Date): Promise<unknown>;
  /** Whether every part answers: what GET /healthz reports. */
  health(): Promise<{ ok: boolean; parts: Record<string, boolean> }>;
  /**
   * Stops gracefully: takes no new work, lets the work under way finish (within the drain
   * timeout), then stops Step Functions, then the database. Calling it again returns the same stop.
   */
  close(): Promise<StopReport>;
}

export const TABLE_NAME = 'pmo';
const EXECUTIONS_TABLE_NAME = 'pmo-local-executions';
const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
// aws-ses-v2-local is CommonJS with an `exports.default`; Node's ESM loader wraps it once more.
const sesLocal = ((sesLocalModule as unknown as { default: { default?: unknown } }).default.default ??
  (sesLocalModule as unknown as { default: unknown }).default) as typeof sesLocalModule.default;
const DEMO_DIRECTORY = new URL('./demo-directory.json', import.meta.url);
const PROJECT_ROOT = new URL('../../', import.meta.url);
/** The tags the CDK app puts on every resource (infra/app.ts), so that the local state machines carry them too. */
const STACK_TAGS = { project: 'pmo-pipeline' };
/** The statuses the AWS stack's EventBridge rule passes to `executionStatusChanged`. */
const STOPPED_STATUSES: ReadonlySet<string> = new Set(['ABORTED', 'TIMED_OUT', 'FAILED']);

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

type WebFetch = { fetch: (request: Request, env: unknown) => Response | Promise<Response> };

/**
 * The web app: with sign-in on, the Lambda handler's own app (which reads AUTH_ISSUER and
 * AUTH_CLIENT_ID, set before this import); with sign-in off, the same app built with every route
 * open, an option only this stack can give (the Lambda handler has no way to it).
 */
async function webApp(auth: 'on' | 'off'): Promise<WebFetch> {
  if (auth === 'on') return ((await import('#handlers/web.ts')) as { app: WebFetch }).app;
  // What #handlers/web.ts imports besides the app: the subject types the review engine serves.
  await import('#services/subject-types.ts');
  const { createWebApp } = await import('#web/app.tsx');
  return createWebApp({ auth: { mode: 'off' } });
}

/**
 * Calls a catalogued handler in-process, the way Lambda would: JSON in, JSON out, named errors,
 * each invocation in its own invoke context. The module is the catalogue's entry, imported on
 * first use, after the environment points the SDK at the stand-ins.
 */
function localInvoker(runtime: LocalLambdaRuntime): (functionNameOrArn: string, payload: unknown) => Promise<unknown> {
  return async (functionNameOrArn, payload) => {
    const key = functionKeyOf(functionNameOrArn);
    if (!key) throw Object.assign(new Error(`Function ${functionNameOrArn} is not in the catalogue`), { name: 'Lambda.ResourceNotFoundException' });
    return runtime.invoke(new URL(FUNCTION_CATALOGUE[key].entry, PROJECT_ROOT).href, key, payload);
  };
}

/** The subject a workflow's execution is about, from its input: `proposal:7f1c…`. */
function describeSubject(stateMachineArn: string, input: unknown): string | undefined {
  const key = workflowKeyOfStateMachine(stateMachineArn);
  const subjectOf = key ? WORKFLOW_SUBJECTS[key] : undefined;
  if (!subjectOf || typeof input !== 'object' || input === null) return undefined;
  const { subjectType, idField } = subjectOf;
  const id = (input as Record<string, unknown>)[idField];
  return typeof id === 'string' && id !== '' ? subjectLabel({ type: subjectType, id }) : undefined;
}

/** A log line's structured fields, compactly: ` (stateMachine=pmo-intake, error=…)`. */
function formatExtra(extra: object | undefined): string {
  const entries = Object.entries(extra ?? {}).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return '';
  return ` (${entries.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(', ')})`;
}

/** The parts of a local stack, as far as they started; a stop closes those that did. */
interface Parts {
  web?: LocalWebServer;
  oidc?: RunningLocalOidcProvider;
  scheduler?: LocalScheduler;
  stepFunctions?: LocalStepFunctions;
  sfnClient?: SFNClient;
  database?: DynamoDbFront;
  dynamoServer?: Server;
  dynamoClient?: DynamoDBClient;
  mailServer?: Server;
  mailDir?: string;
  files?: RunningFileStore;
}

/**
 * The graceful stop, in the order the work flows: the web server and the scheduler take nothing
 * new; the requests under way are answered; the handler invocations they and the workflows started
 * finish (a workflow moves on until it waits for a decision); then Step Functions stops (executions
 * still waiting stay RUNNING in the table and resume at the next start), then the database. All of
 * it within `drainTimeoutMs`; what is still under way then is cut, and said so.
 */
async function stop(parts: Parts, invocations: InFlight, drainTimeoutMs: number, log: (message: string) => void): Promise<StopReport> {
  const startedAt = Date.now();
  const deadline = startedAt + drainTimeoutMs;
  parts.scheduler?.stop();
  parts.web?.beginDrain(deadline);
  const answered = (await parts.web?.settle(deadline)) ?? true;
  const cutRequests = answered ? [] : parts.web!.describeInFlight();
  await invocations.idle(deadline);
  const stepFunctionsClosed = parts.stepFunctions ? await beforeDeadline(parts.stepFunctions.close(), deadline) : true;
  // Steps of the executions Step Functions just abandoned may still be running.
  const invoked = await invocations.settle(deadline);
  const cutInvocations = invoked ? [] : invocations.describe();
  await parts.web?.close();
  // After the web app (whose requests under way may still exchange a code or fetch its keys), and
  // before the database (the provider reads the directory).
  await parts.oidc?.close(deadline);
  parts.sfnClient?.destroy();
  const database = parts.database
    ? await parts.database.close(deadline)
    : { cutRequests: [], closed: parts.dynamoServer ? await beforeDeadline(closeServer(parts.dynamoServer), deadline) : true };
  parts.dynamoClient?.destroy();
  if (parts.mailServer) await closeServer(parts.mailServer);
  await parts.files?.close();
  if (parts.mailDir) uninstallMailPersistence(parts.mailDir);
  const report: StopReport = {
    durationMs: Date.now() - startedAt,
    cutRequests,
    cutInvocations,
    cutDatabaseRequests: database.cutRequests,
    stepFunctionsClosed,
    databaseClosed: database.closed,
  };
  const cut = [
    cutRequests.length > 0 ? `web requests without an answer: ${cutRequests.join(', ')}` : '',
    cutInvocations.length > 0 ? `handler invocations: ${cutInvocations.join(', ')}` : '',
    stepFunctionsClosed ? '' : 'Step Functions had not stopped (its executions resume at the next start)',
    database.cutRequests.length > 0 ? `database requests: ${database.cutRequests.join(', ')}` : '',
    database.closed ? '' : 'the database did not close',
  ].filter(Boolean);
  if (cut.length > 0) log(`warning: the stop cut, after ${Math.round(drainTimeoutMs / 100) / 10} s: ${cut.join('; ')}`);
  else log(`Stopped after finishing the work under way (${report.durationMs} ms)`);
  return report;
}

/**
 * Starts the whole product on this machine: DynamoDB (dynalite), SES (aws-ses-v2-local), Step
 * Functions (our endpoint over aws-local-stepfunctions), the schedules (croner) and the web app,
 * with the same handlers and state machine definitions as on AWS.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  await mkdir(join(options.dataDir, 'dynamodb'), { recursive: true });
  // Before any handler module is loaded: Powertools decides how to keep its state on first use.
  const runtime = await LocalLambdaRuntime.start();
  const faults = new LocalFaults();
  const invocations = new InFlight();
  const invokeWithFaults = faults.wrapInvoker(localInvoker(runtime), functionKeyOf);
  // Every invocation is counted, so that a stop waits for it before closing the database.
  const invokeLocally = (functionNameOrArn: string, payload: unknown) =>
    invocations.track(functionKeyOf(functionNameOrArn) ?? functionNameOrArn, invokeWithFaults(functionNameOrArn, payload));

  const parts: Parts = {};
  let stopping: Promise<StopReport> | undefined;
  const close = () => {
    stopping ??= stop(parts, invocations, options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS, log);
    return stopping;
  };
  try {
    const dynamoServer: Server = dynalite({ path: join(options.dataDir, 'dynamodb'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    parts.dynamoServer = dynamoServer;
    parts.database = new DynamoDbFront(dynamoServer, faults);
    const dynamodbPort = await listen(dynamoServer, options.ports?.dynamodb ?? 8000, host);

    const mailDir = join(options.dataDir, 'mail');
    const storedMail = installMailPersistence(mailDir);
    parts.mailDir = mailDir;
    if (storedMail > 0) log(`Local inbox: ${storedMail} email(s) kept from earlier runs`);
    const mailServer = await sesLocal({ host, port: options.ports?.mailbox ?? 8005 });
    parts.mailServer = mailServer;
    installSesFront(mailServer, faults);
    const mailboxPort = (mailServer.address() as AddressInfo).port;

    const files = await startLocalFileStore({ host, port: options.ports?.files ?? 4569, directory: join(options.dataDir, 'files') });
    parts.files = files;

    const urls: LocalStack['urls'] = {
      dynamodb: `http://${host}:${dynamodbPort}`,
      mailbox: `http://${host}:${mailboxPort}`,
      files: files.url,
      sfn: '',
      web: '',
    };

    const region = LOCAL_REGION;
    // The S3 stand-in (s3rver) knows one key pair, its own; the other stand-ins take any.
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const dynamoClient = new DynamoDBClient({ endpoint: urls.dynamodb, region, credentials });
    parts.dynamoClient = dynamoClient;
    await ensureProductTable(dynamoClient, TABLE_NAME);
    await ensureExecutionTable(dynamoClient, EXECUTIONS_TABLE_NAME);

    const stepFunctions = new LocalStepFunctions({
      documentClient: DynamoDBDocumentClient.from(dynamoClient, { marshallOptions: { removeUndefinedValues: true } }),
      tableName: EXECUTIONS_TABLE_NAME,
      region,
      accountId: LOCAL_ACCOUNT,
      invoke: invokeLocally,
      logger: {
        info: (message) => log(message),
        warn: (message, extra) => log(`warning: ${message}${formatExtra(extra)}`),
        error: (message, extra) => log(`error: ${message}${formatExtra(extra)}`),
      },
      describeSubject,
      // What the AWS stack's EventBridge rule does: stopped, timed-out and failed executions reach
      // the product's handler, so that no subject waits on a dead workflow.
      onStatusChange: (event: ExecutionStatusChangeEvent) => {
        if (!STOPPED_STATUSES.has(event.detail.status)) return;
        void invokeLocally(localFunctionArn('executionStatusChanged'), event).catch((error: unknown) =>
          log(`error: executionStatusChanged failed for ${event.detail.status} execution ${event.detail.name}: ${error instanceof Error ? error.message : String(error)}`),
        );
      },
    });
    parts.stepFunctions = stepFunctions;
    // The functions read the intake policy through APPROVAL_POLICY_PATH; the definitions use the same file.
    if (options.approvalPolicyPath) process.env.APPROVAL_POLICY_PATH = options.approvalPolicyPath;
    const policyOverrides = new Map<string, unknown>();
    for (const workflow of WORKFLOWS) {
      const overridePath = workflow.approvalPolicy ? process.env[workflow.approvalPolicy.overridePathVariable] : undefined;
      if (overridePath) policyOverrides.set(workflow.key, JSON.parse(await readFile(overridePath, 'utf8')));
    }
    const rendered = renderLocalStateMachines({ longestApprovalWait: (workflow) => longestApprovalWaitOf(workflow, policyOverrides.get(workflow.key)) });
    // Registered as the AWS stack deploys them: logging ALL without execution data, tracing on, its tags.
    const arns = new Map(rendered.map((machine) => [machine.name, stepFunctions.registerStateMachine(machine.name, machine.definition, { tags: STACK_TAGS })]));
    const stateMachineArns = Object.fromEntries(WORKFLOWS.map((workflow) => [workflow.key, arns.get(localStateMachineName(workflow.key))!]));
    const sfn = await stepFunctions.listen(options.ports?.sfn ?? 8083, host);
    urls.sfn = sfn.url;

    // Reserve the web port first: the public base URL (in emailed links) must be known before
    // the handlers are loaded.
    const web = await LocalWebServer.listen(options.ports?.web ?? 3000, host);
    parts.web = web;
    urls.web = `http://${host}:${web.port}`;
    const publicBaseUrl = (options.publicBaseUrl ?? urls.web).replace(/\/+$/, '');

    const auth = options.auth ?? 'on';
    const demoDirectory = DirectoryFileSchema.parse(JSON.parse(await readFile(DEMO_DIRECTORY, 'utf8')));
    if (auth === 'on') {
      // The stand-in for Cognito. It reads the directory on requests only, after the environment below is set.
      const oidc = await startLocalOidcProvider({
        host,
        port: options.ports?.oidc ?? 3001,
        dataDir: options.dataDir,
        createSigningKey: true,
        publicBaseUrl,
        findPerson: async (email) => (await import('#adapters/directory-repository.ts')).directoryRepository.getPerson(email),
        suggestedPeople: demoDirectory.people.map((person) => person.email),
        log,
      });
      parts.oidc = oidc;
      urls.oidc = oidc.issuer;
    }

    Object.assign(process.env, {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: urls.dynamodb,
      AWS_ENDPOINT_URL_SESV2: urls.mailbox,
      AWS_ENDPOINT_URL_SFN: urls.sfn,
      AWS_ENDPOINT_URL_S3: files.url,
      // s3rver serves buckets by path, not by host name.
      S3_FORCE_PATH_STYLE: 'true',
      FILES_BUCKET: LOCAL_FILES_BUCKET,
      TABLE_NAME,
      ...Object.fromEntries(WORKFLOWS.map((workflow) => [arnVariableOf(workflow), stateMachineArns[workflow.key]])),
      EMAIL_FROM: process.env.EMAIL_FROM ?? 'PMO Pipeline <pmo@example.org>',
      PUBLIC_BASE_URL: publicBaseUrl,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // Tracing is off outside Lambda anyway; manual mode keeps the X-Ray SDK from hooking every
      // async step of the whole process.
      AWS_XRAY_MANUAL_MODE: 'true',
    });
    delete process.env.AWS_PROFILE;
    // Read by #handlers/web.ts's app at its first request (functions/adapters/environment.ts).
    if (parts.oidc) Object.assign(process.env, { AUTH_ISSUER: parts.oidc.issuer, AUTH_CLIENT_ID: LOCAL_CLIENT_ID });

    if (options.seedDemoDirectory ?? true) {
      const { directoryRepository } = await import('#adapters/directory-repository.ts');
      if (await directoryRepository.isEmpty()) {
        await directoryRepository.importPeople(demoDirectory.people);
        log(`Seeded the demo directory (${demoDirectory.people.length} people)`);
      }
      await seedHolidayCalendars();
    }

    // In the organisation's zone, as the functions read it (ORG_TIME_ZONE), like the stack's context orgTimeZone.
    const schedules = schedulesFor(process.env.ORG_TIME_ZONE?.trim() || DEFAULT_ORG_TIME_ZONE);
    const runSchedule = async (schedule: ScheduleDefinition, scheduledTime: Date) =>
      invokeLocally(localFunctionArn(schedule.target), { ...schedule.input, time: scheduledTime.toISOString(), schedule: schedule.name });
    const scheduler = new LocalScheduler(schedules, async (schedule, time) => {
      await runSchedule(schedule, time).catch((error: unknown) => log(`error: schedule ${schedule.name} failed: ${String(error)}`));
    });
    if (options.runSchedules ?? true) {
      scheduler.start();
      parts.scheduler = scheduler;
    }

    const sfnClient = new SFNClient({ endpoint: urls.sfn, region, credentials });
    parts.sfnClient = sfnClient;
    let ready = false;
    const health = async () => {
      const check = async (probe: () => Promise<unknown>) => probe().then(() => true, () => false);
      const answering = {
        dynamodb: await check(async () => {
          const { Table } = await dynamoClient.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
          if (Table?.TableStatus !== 'ACTIVE') throw new Error('table not active');
        }),
        mailbox: await check(async () => {
          const response = await fetch(`${urls.mailbox}/health-check`);
          if (!response.ok) throw new Error('mailbox not ready');
        }),
        stepFunctions: await check(() => sfnClient.send(new ListStateMachinesCommand({}))),
        scheduler: !(options.runSchedules ?? true) || scheduler.running,
        ...(parts.oidc ? { signIn: await parts.oidc.healthy() } : {}),
        web: ready,
      };
      return { ok: Object.values(answering).every(Boolean), parts: answering };
    };

    const app = await webApp(auth);
    web.serve(async (request, env) => {
      if (new URL(request.url).pathname === '/healthz') {
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          return Response.json({ error: 'MethodNotAllowed', message: 'Use GET or HEAD on /healthz' }, { status: 405, headers: { Allow: 'GET, HEAD' } });
        }
        const report = await health();
        return Response.json({ status: report.ok ? 'ok' : 'starting', parts: report.parts }, { status: report.ok ? 200 : 503 });
      }
      return app.fetch(request, env);
    });
    ready = true;

    const resumed = await stepFunctions.resumeRunningExecutions();
    if (resumed > 0) log(`Resumed ${resumed} workflow execution(s) that were waiting when the stack stopped`);

    return {
      urls,
      ports: { web: web.port, mailbox: mailboxPort, dynamodb: dynamodbPort, sfn: sfn.port, files: files.port, ...(parts.oidc ? { oidc: parts.oidc.port } : {}) },
      auth,
      mintAccessToken: async (email) => {
        if (!parts.oidc) throw new Error('Sign-in is off in this local stack: there is no provider to issue tokens');
        return parts.oidc.mintAccessToken(email);
      },
      stepFunctions,
      stateMachineArns,
      intakeStateMachineArn: stateMachineArns.intake!,
      faults,
      runSchedule: async (name, scheduledTime) => {
        const schedule = schedules.find((candidate) => candidate.name === name);
        if (!schedule) throw new Error(`No schedule named ${name}`);
        return runSchedule(schedule, scheduledTime);
      },
      health,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
