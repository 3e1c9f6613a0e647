import './polyfills.ts';
import { mkdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { DynamoDBClient, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { serve, type ServerType } from '@hono/node-server';
import dynalite from 'dynalite';
import * as sesLocalModule from 'aws-ses-v2-local';
import { DirectoryFileSchema } from '#domain/directory.ts';
import { subjectLabel } from '#domain/subject.ts';
import { FUNCTION_CATALOGUE } from '#handlers/catalogue.ts';
import { WORKFLOW_SUBJECTS, workflowKeyOfStateMachine } from '#workflows/contracts.ts';
import { arnVariableOf, longestApprovalWaitOf, WORKFLOWS } from '#workflows/registry.ts';
import { SCHEDULES, type ScheduleDefinition } from '#workflows/schedules.ts';
import { LocalLambdaRuntime } from './lambda-runtime.ts';
import { installMailPersistence, uninstallMailPersistence } from './mail-store.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, functionKeyOf, localFunctionArn, localStateMachineName, renderLocalStateMachines } from './render-state-machines.ts';
import { LocalScheduler } from './scheduler.ts';
import { type ExecutionStatusChangeEvent, LocalStepFunctions, ensureExecutionTable } from './step-functions/local-step-functions.ts';
import { ensureProductTable } from './table-definition.ts';

/** Where and how the local stack runs. Port 0 picks a free port (tests). */
export interface LocalStackOptions {
  readonly dataDir: string;
  readonly host?: string;
  readonly ports?: Partial<Record<'web' | 'mailbox' | 'dynamodb' | 'sfn', number>>;
  /** Base URL in emailed links; defaults to the web server's own URL. */
  readonly publicBaseUrl?: string;
  /** An intake approval policy file to use instead of functions/config/approval-policies/proposal.json. */
  readonly approvalPolicyPath?: string;
  /** Start the cron schedules (off in tests, which run schedules by hand with a chosen time). */
  readonly runSchedules?: boolean;
  /** Seed the demo directory into an empty store. */
  readonly seedDemoDirectory?: boolean;
  readonly log?: (message: string) => void;
}

/** A running local stack. */
export interface LocalStack {
  readonly urls: { web: string; mailbox: string; dynamodb: string; sfn: string };
  readonly ports: { web: number; mailbox: number; dynamodb: number; sfn: number };
  readonly stepFunctions: LocalStepFunctions;
  /** The ARN of every workflow's state machine, by registry key. */
  readonly stateMachineArns: Readonly<Record<string, string>>;
  readonly intakeStateMachineArn: string;
  /** Runs a schedule's target now, as if the schedule fired at `scheduledTime`. */
  runSchedule(name: string, scheduledTime: Date): Promise<unknown>;
  /** Whether every part answers: what GET /healthz reports. */
  health(): Promise<{ ok: boolean; parts: Record<string, boolean> }>;
  close(): Promise<void>;
}

export const TABLE_NAME = 'pmo';
const EXECUTIONS_TABLE_NAME = 'pmo-local-executions';
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

function closeServer(server: Server | ServerType | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise((resolve) => {
    (server as Server).closeAllConnections?.();
    server.close(() => resolve());
  });
}

/**
 * Work in flight (handler invocations, web requests): the stack waits for it before closing the
 * database, which would otherwise fail under a handler that is still writing.
 */
class InFlight {
  readonly #pending = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.#pending.add(work);
    work.then(
      () => this.#pending.delete(work),
      () => this.#pending.delete(work),
    );
    return work;
  }

  /** Resolves when everything started so far has settled, or after `timeoutMs`. */
  async settle(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled([...this.#pending]), timeout]);
    clearTimeout(timer);
  }
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
  if (!key || typeof input !== 'object' || input === null) return undefined;
  const { subjectType, idField } = WORKFLOW_SUBJECTS[key];
  const id = (input as Record<string, unknown>)[idField];
  return typeof id === 'string' && id !== '' ? subjectLabel({ type: subjectType, id }) : undefined;
}

/** A log line's structured fields, compactly: ` (stateMachine=pmo-intake, error=…)`. */
function formatExtra(extra: object | undefined): string {
  const entries = Object.entries(extra ?? {}).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return '';
  return ` (${entries.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(', ')})`;
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
  const invokeLocally = localInvoker(runtime);

  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => {});
  };
  try {
    const dynamoServer: Server = dynalite({ path: join(options.dataDir, 'dynamodb'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    const dynamodbPort = await listen(dynamoServer, options.ports?.dynamodb ?? 8000, host);
    closers.push(() => closeServer(dynamoServer));

    const mailDir = join(options.dataDir, 'mail');
    const storedMail = installMailPersistence(mailDir);
    closers.push(async () => uninstallMailPersistence(mailDir));
    if (storedMail > 0) log(`Local inbox: ${storedMail} email(s) kept from earlier runs`);
    const mailServer = await sesLocal({ host, port: options.ports?.mailbox ?? 8005 });
    closers.push(() => closeServer(mailServer));
    const mailboxPort = (mailServer.address() as AddressInfo).port;

    const urls = {
      dynamodb: `http://${host}:${dynamodbPort}`,
      mailbox: `http://${host}:${mailboxPort}`,
      sfn: '',
      web: '',
    };

    const region = LOCAL_REGION;
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const dynamoClient = new DynamoDBClient({ endpoint: urls.dynamodb, region, credentials });
    closers.push(async () => dynamoClient.destroy());
    const inFlight = new InFlight();
    // Runs after the web server, the scheduler and the workflows have stopped taking work.
    closers.push(() => inFlight.settle(5000));
    await ensureProductTable(dynamoClient, TABLE_NAME);
    await ensureExecutionTable(dynamoClient, EXECUTIONS_TABLE_NAME);

    const stepFunctions = new LocalStepFunctions({
      documentClient: DynamoDBDocumentClient.from(dynamoClient, { marshallOptions: { removeUndefinedValues: true } }),
      tableName: EXECUTIONS_TABLE_NAME,
      region,
      accountId: LOCAL_ACCOUNT,
      invoke: (functionName, payload) => inFlight.track(invokeLocally(functionName, payload)),
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
        void inFlight
          .track(invokeLocally(localFunctionArn('executionStatusChanged'), event))
          .catch((error: unknown) =>
            log(`error: executionStatusChanged failed for ${event.detail.status} execution ${event.detail.name}: ${error instanceof Error ? error.message : String(error)}`),
          );
      },
    });
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
    closers.push(() => stepFunctions.close());
    urls.sfn = sfn.url;

    // Reserve the web port first: the public base URL (in emailed links) must be known before
    // the handlers are loaded.
    const webPortRequested = options.ports?.web ?? 3000;
    let webServer: ServerType | undefined;
    // The node server's bindings (its socket) go on to the app as API Gateway's event does on AWS:
    // the app reads the client address from them.
    let fetchHandler: ((request: Request, bindings: unknown) => Response | Promise<Response>) | undefined;
    const webPort = await new Promise<number>((resolve, reject) => {
      webServer = serve({ fetch: (request, bindings) => (fetchHandler ? fetchHandler(request, bindings) : new Response('Starting', { status: 503 })), port: webPortRequested, hostname: host }, (info) =>
        resolve(info.port),
      );
      webServer.once('error', reject);
    });
    closers.push(() => closeServer(webServer));
    urls.web = `http://${host}:${webPort}`;

    Object.assign(process.env, {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: urls.dynamodb,
      AWS_ENDPOINT_URL_SESV2: urls.mailbox,
      AWS_ENDPOINT_URL_SFN: urls.sfn,
      TABLE_NAME,
      ...Object.fromEntries(WORKFLOWS.map((workflow) => [arnVariableOf(workflow), stateMachineArns[workflow.key]])),
      EMAIL_FROM: process.env.EMAIL_FROM ?? 'PMO Pipeline <pmo@example.org>',
      PUBLIC_BASE_URL: options.publicBaseUrl ?? urls.web,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // Tracing is off outside Lambda anyway; manual mode keeps the X-Ray SDK from hooking every
      // async step of the whole process.
      AWS_XRAY_MANUAL_MODE: 'true',
    });
    delete process.env.AWS_PROFILE;

    if (options.seedDemoDirectory ?? true) {
      const { directoryRepository } = await import('#adapters/directory-repository.ts');
      if (await directoryRepository.isEmpty()) {
        const directory = DirectoryFileSchema.parse(JSON.parse(await readFile(DEMO_DIRECTORY, 'utf8')));
        await directoryRepository.importPeople(directory.people);
        log(`Seeded the demo directory (${directory.people.length} people)`);
      }
    }

    const runSchedule = async (schedule: ScheduleDefinition, scheduledTime: Date) =>
      inFlight.track(invokeLocally(localFunctionArn(schedule.target), { time: scheduledTime.toISOString(), schedule: schedule.name }));
    const scheduler = new LocalScheduler(SCHEDULES, async (schedule, time) => {
      await runSchedule(schedule, time).catch((error: unknown) => log(`error: schedule ${schedule.name} failed: ${String(error)}`));
    });
    if (options.runSchedules ?? true) {
      scheduler.start();
      closers.push(async () => scheduler.stop());
    }

    const sfnClient = new SFNClient({ endpoint: urls.sfn, region, credentials });
    closers.push(async () => sfnClient.destroy());
    const health = async () => {
      const check = async (probe: () => Promise<unknown>) => probe().then(() => true, () => false);
      const parts = {
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
        web: fetchHandler !== undefined,
      };
      return { ok: Object.values(parts).every(Boolean), parts };
    };

    const { app } = (await import('#handlers/web.ts')) as { app: { fetch: (request: Request, bindings?: unknown) => Response | Promise<Response> } };
    fetchHandler = async (request, bindings) => {
      if (new URL(request.url).pathname === '/healthz') {
        const report = await health();
        return Response.json({ status: report.ok ? 'ok' : 'starting', parts: report.parts }, { status: report.ok ? 200 : 503 });
      }
      return inFlight.track(Promise.resolve(app.fetch(request, bindings)));
    };

    const resumed = await stepFunctions.resumeRunningExecutions();
    if (resumed > 0) log(`Resumed ${resumed} workflow execution(s) that were waiting when the stack stopped`);

    return {
      urls,
      ports: { web: webPort, mailbox: mailboxPort, dynamodb: dynamodbPort, sfn: sfn.port },
      stepFunctions,
      stateMachineArns,
      intakeStateMachineArn: stateMachineArns.intake!,
      runSchedule: async (name, scheduledTime) => {
        const schedule = SCHEDULES.find((candidate) => candidate.name === name);
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
