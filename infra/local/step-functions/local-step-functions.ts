import '../polyfills.ts';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type RunOptions,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import {
  clampTimeouts,
  collectMapStates,
  collectTaskStates,
  mapItemCount,
  taskTimeoutMs,
  type MapStateInfo,
  type TaskStateInfo,
} from './definition.ts';
import { SfnServiceError, uncatchableError } from './errors.ts';
import { ExecutionStore, type ExecutionRecord, type ExecutionStatus } from './execution-store.ts';
import {
  DATA_FIELDS,
  dataField,
  fitHistory,
  HistoryLog,
  mapInterpreterEvent,
  parametersField,
  taskEvent,
  type InterpreterEvent,
  type NewHistoryEvent,
  type StoredHistoryEvent,
} from './history.ts';
import { createSfnHttpServer, toEpochSeconds, type SfnBackend, type SfnRequest } from './sfn-protocol.ts';
import { executionStatusChangeEvent, type ExecutionStatusChangeListener } from './status-change-event.ts';
import { TaskJournal, type TaskRun } from './task-journal.ts';
import { MAX_PAYLOAD_BYTES, TaskTokenRegistry } from './task-tokens.ts';
import { validateDefinition } from './validate-definition.ts';

export { ensureExecutionTable } from './execution-store.ts';
export type { ExecutionRecord, ExecutionStatus } from './execution-store.ts';
export type { ExecutionStatusChangeEvent, ExecutionStatusChangeListener } from './status-change-event.ts';

/**
 * Calls a product Lambda handler in-process. `functionName` is the `FunctionName` (or function
 * ARN) exactly as the state machine gives it. A failure is thrown as an Error whose `name` is the
 * error name Retry and Catch match on.
 */
export type LocalLambdaInvoker = (functionName: string, payload: unknown) => Promise<unknown>;

export interface LocalStepFunctionsLogger {
  info(message: string, extra?: object): void;
  warn(message: string, extra?: object): void;
  error(message: string, extra?: object): void;
}

export interface LocalStepFunctionsOptions {
  /** Where executions are persisted, so that a restart can resume them. */
  readonly documentClient: DynamoDBDocumentClient;
  /** A table with string keys `pk` (HASH) and `sk` (RANGE): see {@link ensureExecutionTable}. */
  readonly tableName: string;
  readonly region: string;
  readonly accountId: string;
  readonly invoke: LocalLambdaInvoker;
  readonly logger?: LocalStepFunctionsLogger;
  /**
   * Hears every execution status change as the EventBridge event Step Functions sends (RUNNING on
   * start, then SUCCEEDED, FAILED, TIMED_OUT or ABORTED), after the change is persisted. It is not
   * awaited, as EventBridge delivers asynchronously; a throw or rejection is logged.
   */
  readonly onStatusChange?: ExecutionStatusChangeListener;
  /**
   * Names the subject an execution is about from its input (e.g. `proposal:7f1c…`), for the log
   * lines; undefined when it names none.
   */
  readonly describeSubject?: (stateMachineArn: string, input: unknown) => string | undefined;
}

/** A state machine's logging configuration, as DescribeStateMachine reports it. */
export interface StateMachineLoggingConfiguration {
  readonly level: 'ALL' | 'ERROR' | 'FATAL' | 'OFF';
  readonly includeExecutionData: boolean;
  /** Default: a log group named after the state machine (none when the level is OFF). */
  readonly logGroupArn?: string;
}

/**
 * How a state machine is registered, beyond its definition. The defaults are what the AWS stack
 * deploys (infra/constructs/pmo-workflow.ts): logging level ALL without execution data, tracing on.
 */
export interface StateMachineSettings {
  readonly logging?: StateMachineLoggingConfiguration;
  readonly tracingEnabled?: boolean;
  /** Tags, as TagResource sets them and ListTagsForResource reads them. */
  readonly tags?: Readonly<Record<string, string>>;
}

const DEFAULT_LOGGING: StateMachineLoggingConfiguration = { level: 'ALL', includeExecutionData: false };
const MAX_TAGS = 50;

/** How an execution ended, as {@link LocalStepFunctions.waitForExecution} reports it. */
export interface ExecutionOutcome {
  readonly status: string;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

type JsonValue = Parameters<StateMachine['run']>[0];
type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

interface RegisteredStateMachine {
  readonly arn: string;
  readonly name: string;
  readonly definitionText: string;
  readonly machine: StateMachine;
  readonly tasks: ReadonlyMap<string, TaskStateInfo>;
  readonly maps: ReadonlyMap<string, MapStateInfo>;
  readonly creationDate: number;
  readonly updateDate: number;
  readonly logging: StateMachineLoggingConfiguration;
  readonly tracingEnabled: boolean;
  readonly tags: Map<string, string>;
}

/**
 * `running`: in progress; `stopping`: StopExecution arrived; `abandoned`: the service is closing
 * and leaves it RUNNING for the next instance; `finishing`: its end is being written.
 */
type ExecutionPhase = 'running' | 'stopping' | 'abandoned' | 'finishing';

interface LiveExecution {
  record: ExecutionRecord;
  readonly machine: RegisteredStateMachine;
  phase: ExecutionPhase;
  stop?: { readonly error?: string; readonly cause?: string; readonly stopDate: number };
  abort: () => void;
  readonly history: HistoryLog;
  readonly journal: TaskJournal;
  eventsDone: Promise<void>;
  /** Settles with the final record once it is written; rejects if the execution is abandoned. */
  readonly finished: Promise<ExecutionRecord>;
  readonly resolveFinished: (record: ExecutionRecord) => void;
  readonly rejectFinished: (error: Error) => void;
  writes: Promise<void>;
  flushTimer?: NodeJS.Timeout;
}

type Settled = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

// biome-ignore lint/suspicious/noControlCharactersInRegex: AWS forbids control characters in execution names, so the pattern must name them.
const NAME_PATTERN = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):execution:([^:]+):([^:]+)$/;
const DEFAULT_PAGE_SIZE = 100;
const HISTORY_FLUSH_MS = 500;
const EVENTS_DRAIN_MS = 1000;
const MAX_CAUSE_CHARS = 32768;

const defaultLogger: LocalStepFunctionsLogger = {
  info: () => undefined,
  warn: (message, extra) => console.warn(message, extra ?? ''),
  error: (message, extra) => console.error(message, extra ?? ''),
};

function jsonCopy(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function truncate(text: string | undefined, max = MAX_CAUSE_CHARS): string | undefined {
  return text !== undefined && text.length > max ? text.slice(0, max) : text;
}

/** A thrown handler error as the Lambda integration reports it: named by its type, caused by a JSON text. */
function lambdaError(error: unknown): Error {
  const errorType = error instanceof Error ? error.name : 'Error';
  const errorMessage = error instanceof Error ? error.message : String(error);
  const failure = new Error(JSON.stringify({ errorType, errorMessage }));
  failure.name = errorType;
  return failure;
}

function replaceInStrings(value: unknown, search: string, replacement: string): unknown {
  if (typeof value === 'string') return value.includes(search) ? value.split(search).join(replacement) : value;
  if (Array.isArray(value)) return value.map((item) => replaceInStrings(item, search, replacement));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, replaceInStrings(inner, search, replacement)]),
    );
  }
  return value;
}

function containsString(value: unknown, search: string): boolean {
  if (typeof value === 'string') return value.includes(search);
  if (Array.isArray(value)) return value.some((item) => containsString(item, search));
  if (typeof value === 'object' && value !== null) return Object.values(value).some((inner) => containsString(inner, search));
  return false;
}

/** `{ FunctionName, Payload }` of a `lambda:invoke` task, after Parameters were applied. */
function lambdaParameters(task: TaskStateInfo, input: unknown): { functionName: string; payload: unknown } {
  const parameters = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const functionName = parameters.FunctionName;
  if (typeof functionName !== 'string' || functionName === '') {
    throw uncatchableError(`Task state "${task.name}": Parameters.FunctionName must name the Lambda function`);
  }
  return { functionName, payload: parameters.Payload ?? {} };
}

function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function decodePageToken(token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const offset = (parsed as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw new SfnServiceError('InvalidToken', 'Invalid Token: the pagination token is not valid');
}

function paginate<T>(items: readonly T[], maxResults: number | undefined, nextToken: string | undefined) {
  const offset = decodePageToken(nextToken);
  const size = maxResults && maxResults > 0 ? maxResults : DEFAULT_PAGE_SIZE;
  const page = items.slice(offset, offset + size);
  const next = offset + size < items.length ? encodePageToken(offset + size) : undefined;
  return { page, nextToken: next };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), Math.max(0, ms));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function hasJsonata(definition: unknown): boolean {
  return JSON.stringify(definition).includes('"QueryLanguage":"JSONata"');
}

/**
 * The local Step Functions service: an HTTP endpoint speaking the Step Functions JSON protocol
 * (what `@aws-sdk/client-sfn` calls through `AWS_ENDPOINT_URL_SFN`), running Standard state
 * machines with the `aws-local-stepfunctions` interpreter. Lambda tasks call the product's
 * handlers in-process; callback tasks wait for SendTaskSuccess/SendTaskFailure; executions are
 * persisted in DynamoDB and the RUNNING ones are run again from their input after a restart.
 */
export class LocalStepFunctions {
  private readonly logger: LocalStepFunctionsLogger;
  private readonly store: ExecutionStore;
  private readonly tokens = new TaskTokenRegistry();
  private readonly machines = new Map<string, RegisteredStateMachine>();
  private readonly live = new Map<string, LiveExecution>();
  /** What `$$.Task.Token` reads; replaced by a real token in a callback task's payload. */
  private readonly tokenSentinel = `LOCAL-SFN-TASK-TOKEN-${randomUUID()}`;
  private readonly backend: SfnBackend;
  private server: Server | undefined;
  private closed = false;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.logger = options.logger ?? defaultLogger;
    this.store = new ExecutionStore(options.documentClient, options.tableName);
    this.backend = {
      ListStateMachines: (request) => this.listStateMachines(request),
      DescribeStateMachine: (request) => this.describeStateMachine(request),
      StartExecution: (request) => this.startExecution(request),
      DescribeExecution: (request) => this.describeExecution(request),
      ListExecutions: (request) => this.listExecutions(request),
      GetExecutionHistory: (request) => this.getExecutionHistory(request),
      SendTaskSuccess: async (request) => {
        this.tokens.succeed(request.taskToken, request.output);
        return {};
      },
      SendTaskFailure: async (request) => {
        this.tokens.fail(request.taskToken, request.error, request.cause);
        return {};
      },
      SendTaskHeartbeat: async (request) => {
        this.tokens.heartbeat(request.taskToken);
        return {};
      },
      StopExecution: (request) => this.stopExecution(request),
      DescribeStateMachineForExecution: (request) => this.describeStateMachineForExecution(request),
      ListTagsForResource: async (request) => ({
        tags: [...this.taggable(request.resourceArn).tags].map(([key, value]) => ({ key, value })),
      }),
      TagResource: async (request) => {
        const { tags } = this.taggable(request.resourceArn);
        const added = request.tags.filter((tag) => !tags.has(tag.key)).length;
        if (tags.size + added > MAX_TAGS) {
          throw new SfnServiceError('TooManyTags', `Too many tags: a resource has at most ${MAX_TAGS}`);
        }
        for (const tag of request.tags) tags.set(tag.key, tag.value);
        return {};
      },
      UntagResource: async (request) => {
        const { tags } = this.taggable(request.resourceArn);
        for (const key of request.tagKeys) tags.delete(key);
        return {};
      },
      ValidateStateMachineDefinition: async (request) =>
        ({ ...validateDefinition(request.definition, { maxResults: request.maxResults }) }) as Record<string, unknown>,
    };
  }

  /**
   * Registers (or replaces) a Standard state machine given as ASL JSON; returns its ARN. `settings`
   * default to what the AWS stack deploys (see {@link StateMachineSettings}).
   */
  registerStateMachine(name: string, definition: Record<string, unknown>, settings: StateMachineSettings = {}): string {
    if (!NAME_PATTERN.test(name)) throw new Error(`Invalid state machine name "${name}"`);
    if (hasJsonata(definition)) {
      throw new Error(`State machine ${name}: JSONata is not supported by the local interpreter; use JSONPath`);
    }
    const arn = this.stateMachineArn(name);
    const runnable = clampTimeouts(definition, (where, seconds) =>
      this.logger.warn('Timeout longer than a Node timer allows; clamped to about 24.8 days', {
        stateMachine: name,
        state: where,
        seconds,
      }),
    );
    const tasks = collectTaskStates(runnable);
    for (const task of tasks.values()) {
      if (task.integration.kind === 'unsupported') {
        this.logger.warn('Task resource not supported locally; executions reaching it will fail', {
          stateMachine: name,
          state: task.name,
          resource: task.resource,
        });
      }
    }
    const machine = new StateMachine(runnable as unknown as StateMachineDefinition);
    const now = Date.now();
    this.machines.set(arn, {
      arn,
      name,
      definitionText: JSON.stringify(definition),
      machine,
      tasks,
      maps: collectMapStates(runnable),
      creationDate: this.machines.get(arn)?.creationDate ?? now,
      updateDate: now,
      logging: settings.logging ?? DEFAULT_LOGGING,
      tracingEnabled: settings.tracingEnabled ?? true,
      tags: new Map(Object.entries(settings.tags ?? {})),
    });
    return arn;
  }

  /**
   * Runs again, from its input and under the same name, every persisted RUNNING execution of a
   * registered state machine that is not already running here. Returns how many.
   */
  async resumeRunningExecutions(): Promise<number> {
    let resumed = 0;
    for (const machine of this.machines.values()) {
      const records = await this.store.listByStateMachine(machine.arn);
      for (const record of records) {
        if (record.status !== 'RUNNING' || this.live.has(record.executionArn)) continue;
        const history = await this.store.loadHistory(machine.arn, record.name);
        this.launch(machine, record, history);
        resumed += 1;
        this.logger.info(`Execution resumed: ${this.executionLabel(record)}`, this.logFields(record));
      }
    }
    return resumed;
  }

  async listen(port: number, host: string): Promise<{ url: string; port: number }> {
    if (this.server) throw new Error('The local Step Functions service is already listening');
    const server = createSfnHttpServer(this.backend, this.logger);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    return { url: `http://${hostPart}:${address.port}`, port: address.port };
  }

  /**
   * Stops the server and abandons the executions in progress: they stay RUNNING in the table
   * (their tokens become invalid here) so that the next instance resumes them.
   */
  async close(): Promise<void> {
    this.closed = true;
    const executions = [...this.live.values()];
    for (const execution of executions) {
      if (execution.phase !== 'running') continue;
      execution.phase = 'abandoned';
      execution.abort();
      this.tokens.cancelExecution(execution.record.executionArn, uncatchableError('The service closed'));
    }
    await Promise.allSettled(executions.map((execution) => execution.finished));
    await Promise.allSettled(executions.map((execution) => execution.writes));
    const server = this.server;
    this.server = undefined;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  }

  /** Resolves when the execution has left RUNNING (and its end is persisted). */
  async waitForExecution(executionArn: string, timeoutMs = 30_000): Promise<ExecutionOutcome> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const execution = this.live.get(executionArn);
      const record = execution
        ? await withTimeout(
            execution.finished,
            deadline - Date.now(),
            `Execution ${executionArn} is still RUNNING after ${timeoutMs} ms`,
          )
        : await this.readRecord(executionArn);
      if (record.status !== 'RUNNING') {
        return {
          status: record.status,
          output: record.output === undefined ? undefined : (JSON.parse(record.output) as unknown),
          error: record.error,
          cause: record.cause,
        };
      }
      if (Date.now() >= deadline) throw new Error(`Execution ${executionArn} is still RUNNING after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  // ---- ARNs ----

  private stateMachineArn(name: string): string {
    return `arn:aws:states:${this.options.region}:${this.options.accountId}:stateMachine:${name}`;
  }

  private executionArn(stateMachineName: string, name: string): string {
    return `arn:aws:states:${this.options.region}:${this.options.accountId}:execution:${stateMachineName}:${name}`;
  }

  private machineOf(stateMachineArn: string): RegisteredStateMachine {
    if (!STATE_MACHINE_ARN.test(stateMachineArn)) {
      throw new SfnServiceError('InvalidArn', `Invalid Arn: '${stateMachineArn}'`);
    }
    const machine = this.machines.get(stateMachineArn);
    if (!machine) {
      throw new SfnServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    }
    return machine;
  }

  /** The state machine ARN and name an execution ARN points to (InvalidArn if malformed). */
  private parseExecutionArn(executionArn: string): { stateMachineArn: string; name: string } {
    const match = EXECUTION_ARN.exec(executionArn);
    if (!match) throw new SfnServiceError('InvalidArn', `Invalid Arn: '${executionArn}'`);
    const [, region, account, machineName, name] = match;
    return {
      stateMachineArn: `arn:aws:states:${region}:${account}:stateMachine:${machineName}`,
      name: name ?? '',
    };
  }

  /** The state machine whose tags a tagging request names (only state machines are taggable here). */
  private taggable(resourceArn: string): RegisteredStateMachine {
    if (!STATE_MACHINE_ARN.test(resourceArn)) throw new SfnServiceError('InvalidArn', `Invalid Arn: '${resourceArn}'`);
    const machine = this.machines.get(resourceArn);
    if (!machine) throw new SfnServiceError('ResourceNotFound', `Resource not found: '${resourceArn}'`);
    return machine;
  }

  /** An execution as log lines name it: `pmo-intake for proposal:7f1c… (execution 2b9e…)`. */
  private executionLabel(record: ExecutionRecord): string {
    const machineName = record.stateMachineArn.split(':').at(-1) ?? record.stateMachineArn;
    const subject = this.subjectOf(record);
    return `${machineName}${subject ? ` for ${subject}` : ''} (execution ${record.name})`;
  }

  private subjectOf(record: ExecutionRecord): string | undefined {
    if (!this.options.describeSubject) return undefined;
    try {
      return this.options.describeSubject(record.stateMachineArn, JSON.parse(record.input));
    } catch {
      return undefined;
    }
  }

  /** The structured fields of an execution's log lines. */
  private logFields(record: ExecutionRecord): Record<string, unknown> {
    const subject = this.subjectOf(record);
    return {
      executionArn: record.executionArn,
      stateMachine: record.stateMachineArn.split(':').at(-1),
      ...(subject ? { subject } : {}),
      status: record.status,
      ...(record.error !== undefined ? { error: record.error } : {}),
    };
  }

  /** Tells the listener that an execution reached its record's status; never throws. */
  private emitStatusChange(record: ExecutionRecord): void {
    const listener = this.options.onStatusChange;
    if (!listener) return;
    const failed = (error: unknown) =>
      this.logger.error(`Execution status change ${record.status} could not be delivered: ${describeError(error)}`, {
        executionArn: record.executionArn,
      });
    try {
      const delivered = listener(executionStatusChangeEvent(record, { region: this.options.region, accountId: this.options.accountId }));
      if (delivered instanceof Promise) delivered.catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  /** The execution's current record: the live one if it runs here, else the persisted one. */
  private async readRecord(executionArn: string): Promise<ExecutionRecord> {
    const { stateMachineArn, name } = this.parseExecutionArn(executionArn);
    const execution = this.live.get(executionArn);
    if (execution) return execution.record;
    const record = await this.store.get(stateMachineArn, name);
    if (!record || record.executionArn !== executionArn) {
      throw new SfnServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    }
    return record;
  }

  // ---- Operations ----

  private async listStateMachines(request: SfnRequest<'ListStateMachines'>): Promise<Record<string, unknown>> {
    const all = [...this.machines.values()].sort((a, b) => a.name.localeCompare(b.name));
    const { page, nextToken } = paginate(all, request.maxResults, request.nextToken);
    return {
      stateMachines: page.map((machine) => ({
        stateMachineArn: machine.arn,
        name: machine.name,
        type: 'STANDARD',
        creationDate: toEpochSeconds(machine.creationDate),
      })),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  private async describeStateMachine(request: SfnRequest<'DescribeStateMachine'>): Promise<Record<string, unknown>> {
    const machine = this.machineOf(request.stateMachineArn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.definitionText,
      roleArn: this.roleArn(),
      type: 'STANDARD',
      creationDate: toEpochSeconds(machine.creationDate),
      ...this.machineConfiguration(machine),
    };
  }

  /** The definition an execution runs: here, its state machine's current one. */
  private async describeStateMachineForExecution(
    request: SfnRequest<'DescribeStateMachineForExecution'>,
  ): Promise<Record<string, unknown>> {
    const record = await this.readRecord(request.executionArn);
    const machine = this.machines.get(record.stateMachineArn);
    if (!machine) {
      throw new SfnServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${record.stateMachineArn}'`);
    }
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      definition: machine.definitionText,
      roleArn: this.roleArn(),
      updateDate: toEpochSeconds(machine.updateDate),
      ...this.machineConfiguration(machine),
    };
  }

  private roleArn(): string {
    return `arn:aws:iam::${this.options.accountId}:role/local-step-functions`;
  }

  private machineConfiguration(machine: RegisteredStateMachine): Record<string, unknown> {
    const { level, includeExecutionData, logGroupArn } = machine.logging;
    const logGroup =
      logGroupArn ?? `arn:aws:logs:${this.options.region}:${this.options.accountId}:log-group:/aws/vendedlogs/states/${machine.name}-Logs:*`;
    return {
      loggingConfiguration: {
        level,
        includeExecutionData,
        ...(level === 'OFF' ? {} : { destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: logGroup } }] }),
      },
      tracingConfiguration: { enabled: machine.tracingEnabled },
    };
  }

  private async startExecution(request: SfnRequest<'StartExecution'>): Promise<Record<string, unknown>> {
    if (this.closed) throw new SfnServiceError('ServiceUnavailable', 'The local Step Functions service is closing');
    const machine = this.machineOf(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    if (!NAME_PATTERN.test(name)) throw new SfnServiceError('InvalidName', `Invalid Name: '${name}'`);
    const input = request.input ?? '{}';
    if (Buffer.byteLength(input, 'utf8') > MAX_PAYLOAD_BYTES) {
      throw new SfnServiceError('InvalidExecutionInput', 'Invalid State Machine Execution Input: larger than 262144 bytes');
    }
    let parsedInput: unknown;
    try {
      parsedInput = JSON.parse(input);
    } catch {
      throw new SfnServiceError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
    }
    const record: ExecutionRecord = {
      stateMachineArn: machine.arn,
      executionArn: this.executionArn(machine.name, name),
      name,
      input,
      status: 'RUNNING',
      startDate: Date.now(),
    };
    const existing = await this.store.create(record);
    if (existing) {
      const sameRunning = existing.status === 'RUNNING' && isDeepStrictEqual(JSON.parse(existing.input), parsedInput);
      if (!sameRunning) {
        throw new SfnServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.executionArn}'`);
      }
      return { executionArn: existing.executionArn, startDate: toEpochSeconds(existing.startDate) };
    }
    this.launch(machine, record, []);
    this.logger.info(`Execution started: ${this.executionLabel(record)}`, this.logFields(record));
    this.emitStatusChange(record);
    return { executionArn: record.executionArn, startDate: toEpochSeconds(record.startDate) };
  }

  private async describeExecution(request: SfnRequest<'DescribeExecution'>): Promise<Record<string, unknown>> {
    const record = await this.readRecord(request.executionArn);
    return {
      ...executionSummary(record),
      input: record.input,
      inputDetails: { included: true },
      ...(record.output !== undefined ? { output: record.output, outputDetails: { included: true } } : {}),
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.cause !== undefined ? { cause: record.cause } : {}),
    };
  }

  private async listExecutions(request: SfnRequest<'ListExecutions'>): Promise<Record<string, unknown>> {
    if (request.mapRunArn !== undefined) {
      throw new SfnServiceError('ValidationException', 'Map runs are not supported by the local service');
    }
    if (request.stateMachineArn === undefined) {
      throw new SfnServiceError('ValidationException', 'Must provide a StateMachine ARN or MapRun ARN');
    }
    const machine = this.machineOf(request.stateMachineArn);
    const records = (await this.store.listByStateMachine(machine.arn))
      .map((record) => this.live.get(record.executionArn)?.record ?? record)
      .filter((record) => request.statusFilter === undefined || record.status === request.statusFilter)
      .sort((a, b) => b.startDate - a.startDate || a.name.localeCompare(b.name));
    const { page, nextToken } = paginate(records, request.maxResults, request.nextToken);
    return {
      executions: page.map(executionSummary),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  private async getExecutionHistory(request: SfnRequest<'GetExecutionHistory'>): Promise<Record<string, unknown>> {
    const record = await this.readRecord(request.executionArn);
    const execution = this.live.get(request.executionArn);
    const stored = execution
      ? execution.history.toArray()
      : await this.store.loadHistory(record.stateMachineArn, record.name);
    const includeData = request.includeExecutionData ?? true;
    const events = stored.map((event) => this.wireEvent(event, record, includeData));
    if (request.reverseOrder) events.reverse();
    const { page, nextToken } = paginate(events, request.maxResults, request.nextToken);
    return { events: page, ...(nextToken ? { nextToken } : {}) };
  }

  private wireEvent(event: StoredHistoryEvent, record: ExecutionRecord, includeData: boolean): Record<string, unknown> {
    let details = event.details;
    if (event.type === 'ExecutionStarted') {
      details = { ...details, input: record.input, inputDetails: { truncated: false }, roleArn: this.roleArn() };
    }
    if (event.type === 'ExecutionSucceeded' && record.output !== undefined) {
      details = { ...details, output: record.output, outputDetails: { truncated: false } };
    }
    if (!includeData && details) {
      details = Object.fromEntries(Object.entries(details).filter(([key]) => !(DATA_FIELDS as readonly string[]).includes(key)));
    }
    return {
      timestamp: toEpochSeconds(event.timestamp),
      type: event.type,
      id: event.id,
      previousEventId: event.previousEventId,
      ...(event.detailsKey && details ? { [event.detailsKey]: details } : {}),
    };
  }

  private async stopExecution(request: SfnRequest<'StopExecution'>): Promise<Record<string, unknown>> {
    const record = await this.readRecord(request.executionArn);
    const execution = this.live.get(request.executionArn);
    if (execution) {
      if (execution.phase === 'running') {
        execution.phase = 'stopping';
        execution.stop = { error: request.error, cause: request.cause, stopDate: Date.now() };
        execution.abort();
        this.tokens.cancelExecution(record.executionArn, uncatchableError('The execution was stopped'));
        this.logger.info(`Execution stopped: ${this.executionLabel(record)}`, this.logFields(record));
      }
      const final = await execution.finished;
      return { stopDate: toEpochSeconds(final.stopDate ?? Date.now()) };
    }
    if (record.status === 'RUNNING') {
      // Persisted as RUNNING but not running here (its state machine was not resumed).
      const stopped: ExecutionRecord = {
        ...record,
        status: 'ABORTED',
        stopDate: Date.now(),
        error: request.error,
        cause: request.cause,
      };
      if (await this.store.complete(stopped)) {
        this.logger.info(`Execution ended: ${this.executionLabel(stopped)}: ${outcomeText(stopped)}`, this.logFields(stopped));
        this.emitStatusChange(stopped);
      }
      return { stopDate: toEpochSeconds(stopped.stopDate ?? Date.now()) };
    }
    return { stopDate: toEpochSeconds(record.stopDate ?? Date.now()) };
  }

  // ---- Running executions ----

  private launch(machine: RegisteredStateMachine, record: ExecutionRecord, history: readonly StoredHistoryEvent[]): void {
    let resolveFinished!: (record: ExecutionRecord) => void;
    let rejectFinished!: (error: Error) => void;
    const finished = new Promise<ExecutionRecord>((resolve, reject) => {
      resolveFinished = resolve;
      rejectFinished = reject;
    });
    finished.catch(() => undefined);
    const execution: LiveExecution = {
      record,
      machine,
      phase: 'running',
      abort: () => undefined,
      history: new HistoryLog(history),
      journal: new TaskJournal(),
      eventsDone: Promise.resolve(),
      finished,
      resolveFinished,
      rejectFinished,
      writes: Promise.resolve(),
    };
    this.live.set(record.executionArn, execution);
    const resumed = execution.history.hasType('ExecutionStarted');
    const input = JSON.parse(record.input) as JsonValue;
    const context = {
      Execution: {
        Id: record.executionArn,
        Name: record.name,
        StartTime: new Date(record.startDate).toISOString(),
        Input: input,
        RoleArn: `arn:aws:iam::${this.options.accountId}:role/local-step-functions`,
      },
      StateMachine: { Id: machine.arn, Name: machine.name },
      Task: { Token: this.tokenSentinel },
    };
    try {
      const run = machine.machine.run(input, {
        overrides: { taskResourceLocalHandlers: this.taskHandlers(execution, context) },
        noThrowOnAbort: true,
        context,
      });
      execution.abort = run.abort;
      execution.eventsDone = this.consumeEvents(execution, run.eventLogs as AsyncGenerator<InterpreterEvent>, resumed);
      run.result.then(
        (value) => this.finish(execution, { ok: true, value }),
        (error: unknown) => this.finish(execution, { ok: false, error }),
      );
    } catch (error) {
      void this.finish(execution, { ok: false, error });
    }
  }

  private async consumeEvents(
    execution: LiveExecution,
    events: AsyncGenerator<InterpreterEvent>,
    resumed: boolean,
  ): Promise<void> {
    try {
      for await (const event of events) {
        if (resumed && event.type === 'ExecutionStarted') continue;
        // An abort without a stop is the service closing: the execution goes on in the next instance.
        if (event.type === 'ExecutionAborted' && !execution.stop) continue;
        const mapped = mapInterpreterEvent(event, (state) => execution.machine.tasks.get(state)?.resource);
        if (event.type === 'ExecutionAborted' && execution.stop && mapped) {
          const { error, cause } = execution.stop;
          execution.history.append({
            ...mapped,
            details: { ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause: truncate(cause, 1000) } : {}) },
          });
        } else {
          for (const historyEvent of this.historyEventsOf(execution, event, mapped)) execution.history.append(historyEvent);
        }
        this.scheduleHistoryFlush(execution);
      }
    } catch (error) {
      this.logger.warn('Execution history could not be read', {
        executionArn: execution.record.executionArn,
        error: describeError(error),
      });
    }
  }

  /**
   * The history events one interpreter event stands for: its own (`mapped`), and around it the
   * events the interpreter does not log: a task's scheduling, start, submission and result (from the
   * journal), a Map's or Parallel's start and success.
   */
  private historyEventsOf(execution: LiveExecution, event: InterpreterEvent, mapped: NewHistoryEvent | undefined): NewHistoryEvent[] {
    const own = mapped ? [mapped] : [];
    const stateName = event.state?.name ?? '';
    const resource = execution.machine.tasks.get(stateName)?.resource;
    const { timestamp } = event;
    switch (`${event.type}:${event.state?.type ?? ''}`) {
      case 'StateEntered:Task':
        return [...own, ...this.taskStartEvents(execution, stateName, resource)];
      case 'StateRetried:Task':
        return this.taskStartEvents(execution, stateName, resource);
      case 'StateFailed:Task':
        execution.journal.takeFailed(stateName);
        return own;
      case 'StateExited:Task': {
        const run = execution.journal.takeSucceeded(stateName);
        if (run?.settled?.ok !== true) return own;
        const submitted = run.submitted && !run.submitted.recorded ? [this.taskSubmittedEvent(run, resource)] : [];
        return [...submitted, taskEvent('TaskSucceeded', run.settled.at, resource, dataField('output', run.settled.output)), ...own];
      }
      case 'StateEntered:Map': {
        const map = execution.machine.maps.get(stateName);
        const length = map ? mapItemCount(map, event.state?.input) : undefined;
        const started = { timestamp, type: 'MapStateStarted', detailsKey: 'mapStateStartedEventDetails', details: length === undefined ? {} : { length } };
        return [...own, started];
      }
      case 'StateEntered:Parallel':
        return [...own, { timestamp, type: 'ParallelStateStarted' }];
      case 'StateExited:Map':
        return [{ timestamp, type: 'MapStateSucceeded' }, ...own];
      case 'StateExited:Parallel':
        return [{ timestamp, type: 'ParallelStateSucceeded' }, ...own];
      default:
        return own;
    }
  }

  /** TaskScheduled and TaskStarted of the task's run that was called last (and TaskSubmitted if it already was). */
  private taskStartEvents(execution: LiveExecution, stateName: string, resource: string | undefined): NewHistoryEvent[] {
    const run = execution.journal.takeScheduled(stateName);
    if (!run) return [];
    const scheduled = taskEvent('TaskScheduled', run.scheduledAt, resource, {
      region: this.options.region,
      ...parametersField(run.parameters),
      ...(run.timeoutSeconds !== undefined ? { timeoutInSeconds: run.timeoutSeconds } : {}),
    });
    const events = [scheduled, taskEvent('TaskStarted', run.scheduledAt, resource)];
    if (run.submitted && !run.settled) events.push(this.taskSubmittedEvent(run, resource));
    return events;
  }

  private taskSubmittedEvent(run: TaskRun, resource: string | undefined): NewHistoryEvent {
    const submitted = run.submitted!;
    submitted.recorded = true;
    return taskEvent('TaskSubmitted', submitted.at, resource, dataField('output', submitted.output));
  }

  /**
   * A callback task's function returned: TaskSubmitted goes into the history now if the run's start
   * is already there and its answer is not, else with the events that record them.
   */
  private noteSubmitted(execution: LiveExecution, run: TaskRun, output: JsonValue): void {
    run.submitted = { at: Date.now(), output, recorded: false };
    if (run.phase !== 'started' || run.settled || execution.phase !== 'running') return;
    execution.history.append(this.taskSubmittedEvent(run, execution.machine.tasks.get(run.stateName)?.resource));
    this.scheduleHistoryFlush(execution);
  }

  /** Notes in the journal how a task run ended, before the interpreter hears of it. */
  private settleRun(run: TaskRun, result: Promise<JsonValue>): Promise<JsonValue> {
    return result.then(
      (output) => {
        run.settled = { at: Date.now(), ok: true, output };
        return output;
      },
      (error: unknown) => {
        run.settled = { at: Date.now(), ok: false };
        throw error;
      },
    );
  }

  private scheduleHistoryFlush(execution: LiveExecution): void {
    if (execution.flushTimer || execution.phase !== 'running') return;
    execution.flushTimer = setTimeout(() => {
      execution.flushTimer = undefined;
      this.enqueueWrite(execution, () => this.saveHistory(execution));
    }, HISTORY_FLUSH_MS);
    execution.flushTimer.unref();
  }

  private saveHistory(execution: LiveExecution): Promise<void> {
    const { stateMachineArn, name } = execution.record;
    return this.store.saveHistory(stateMachineArn, name, fitHistory(execution.history.toArray()));
  }

  /** Runs persistence writes of one execution one after the other; a failed write is logged. */
  private enqueueWrite(execution: LiveExecution, write: () => Promise<unknown>): Promise<void> {
    execution.writes = execution.writes.then(write).then(
      () => undefined,
      (error: unknown) =>
        this.logger.error('Execution could not be persisted', {
          executionArn: execution.record.executionArn,
          error: describeError(error),
        }),
    );
    return execution.writes;
  }

  private async finish(execution: LiveExecution, settled: Settled): Promise<void> {
    try {
      if (execution.phase === 'finishing') return;
      const phase = execution.phase;
      execution.phase = 'finishing';
      const { executionArn } = execution.record;
      this.tokens.cancelExecution(executionArn, uncatchableError('The execution ended'));
      if (execution.flushTimer) clearTimeout(execution.flushTimer);
      execution.flushTimer = undefined;
      await withTimeout(execution.eventsDone, EVENTS_DRAIN_MS, 'events not drained').catch(() => undefined);

      if (phase === 'abandoned') {
        await this.enqueueWrite(execution, () => this.saveHistory(execution));
        this.live.delete(executionArn);
        execution.rejectFinished(new Error(`Execution ${executionArn} was abandoned: the service closed`));
        return;
      }

      const final = this.finalRecord(execution, phase, settled);
      execution.record = final;
      await this.enqueueWrite(execution, () => this.saveHistory(execution));
      await this.enqueueWrite(execution, () => this.store.complete(final));
      this.live.delete(executionArn);
      this.logger.info(`Execution ended: ${this.executionLabel(final)}: ${outcomeText(final)}`, this.logFields(final));
      this.emitStatusChange(final);
      execution.resolveFinished(final);
    } catch (error) {
      this.logger.error('Execution end could not be recorded', {
        executionArn: execution.record.executionArn,
        error: describeError(error),
      });
      this.live.delete(execution.record.executionArn);
      execution.rejectFinished(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private finalRecord(execution: LiveExecution, phase: ExecutionPhase, settled: Settled): ExecutionRecord {
    const stopDate = Date.now();
    const base = execution.record;
    if (phase === 'stopping') {
      return {
        ...base,
        status: 'ABORTED',
        stopDate: execution.stop?.stopDate ?? stopDate,
        error: truncate(execution.stop?.error),
        cause: truncate(execution.stop?.cause),
      };
    }
    if (settled.ok) {
      const output = JSON.stringify(settled.value ?? null);
      if (Buffer.byteLength(output, 'utf8') > MAX_PAYLOAD_BYTES) {
        return {
          ...base,
          status: 'FAILED',
          stopDate,
          error: 'States.DataLimitExceeded',
          cause: 'The state/task returned a result with a size exceeding the maximum number of bytes service limit.',
        };
      }
      return { ...base, status: 'SUCCEEDED', stopDate, output };
    }
    const { error } = settled;
    if (error instanceof ExecutionTimeoutError) {
      return { ...base, status: 'TIMED_OUT', stopDate, error: 'States.Timeout', cause: 'The execution timed out.' };
    }
    const failure = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
    const status: ExecutionStatus = 'FAILED';
    if (failure instanceof Error) {
      return { ...base, status, stopDate, error: truncate(failure.name, 256), cause: truncate(failure.message) };
    }
    return { ...base, status, stopDate, error: 'States.Runtime', cause: truncate(String(failure)) };
  }

  // ---- Task states ----

  private taskHandlers(execution: LiveExecution, context: Record<string, unknown>): TaskHandlers {
    const handlers: TaskHandlers = {};
    for (const task of execution.machine.tasks.values()) {
      handlers[task.name] = (input) => {
        // The interpreter may evaluate TimeoutSecondsPath after calling us and throw: never leave
        // a rejection unobserved.
        const result = this.runTask(execution, task, input, context);
        result.catch(() => undefined);
        return result;
      };
    }
    return handlers;
  }

  /**
   * Runs one Task state. Synchronous up to the token's registration: the interpreter arms its
   * task timer right after calling this, and the token's own timer must be armed first.
   */
  private runTask(
    execution: LiveExecution,
    task: TaskStateInfo,
    input: JsonValue,
    context: Record<string, unknown>,
  ): Promise<JsonValue> {
    try {
      if (execution.phase !== 'running') {
        throw uncatchableError('The execution is no longer running');
      }
      const timeoutSeconds = declaredTimeoutSeconds(task, input, context);
      switch (task.integration.kind) {
        case 'lambdaInvoke': {
          const { functionName, payload } = lambdaParameters(task, input);
          const run = execution.journal.schedule(task.name, input, timeoutSeconds);
          return this.settleRun(run, this.invokeLambda(functionName, payload).then(lambdaIntegrationResult));
        }
        case 'lambdaFunction': {
          const run = execution.journal.schedule(task.name, input, timeoutSeconds);
          return this.settleRun(run, this.invokeLambda(task.integration.functionArn, input));
        }
        case 'lambdaCallback':
          return this.runCallbackTask(execution, task, input, context);
        case 'unsupported':
          throw uncatchableError(
            `Task state "${task.name}": the resource "${task.resource}" is not supported by the local Step Functions ` +
              'service (supported: arn:aws:states:::lambda:invoke, arn:aws:states:::lambda:invoke.waitForTaskToken, a Lambda function ARN)',
          );
      }
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private async invokeLambda(functionName: string, payload: unknown): Promise<JsonValue> {
    let result: unknown;
    try {
      result = await this.options.invoke(functionName, jsonCopy(payload));
      return jsonCopy(result);
    } catch (error) {
      throw lambdaError(error);
    }
  }

  private runCallbackTask(
    execution: LiveExecution,
    task: TaskStateInfo,
    input: JsonValue,
    context: Record<string, unknown>,
  ): Promise<JsonValue> {
    const issued = this.tokens.issue(execution.record.executionArn, task.name, taskTimeoutMs(task, input, context));
    let functionName: string;
    let payload: unknown;
    try {
      ({ functionName, payload } = lambdaParameters(task, input));
    } catch (error) {
      issued.dispose();
      throw error;
    }
    if (!containsString(payload, this.tokenSentinel)) {
      this.logger.warn('Callback task payload does not carry $$.Task.Token; nothing can resume it', {
        executionArn: execution.record.executionArn,
        state: task.name,
      });
    }
    // The history shows the parameters with the token the task was given, as AWS's does.
    const run = execution.journal.schedule(
      task.name,
      replaceInStrings(input, this.tokenSentinel, issued.token),
      declaredTimeoutSeconds(task, input, context),
    );
    const invoked = this.invokeLambda(functionName, replaceInStrings(payload, this.tokenSentinel, issued.token));
    invoked.then(
      (result) => this.noteSubmitted(execution, run, lambdaIntegrationResult(result)),
      () => undefined,
    );
    // The function may send the token back before it returns: whichever settles first wins, and
    // a failed invoke fails the task unless the token was already answered.
    return this.settleRun(
      run,
      Promise.race([issued.result, invoked.then(() => issued.result)]).then(
        (output) => jsonCopy(output),
        (error: unknown) => {
          issued.dispose();
          throw error;
        },
      ),
    );
  }
}

/** The timeout a Task state declares (TimeoutSeconds or TimeoutSecondsPath), as TaskScheduled reports it. */
function declaredTimeoutSeconds(task: TaskStateInfo, input: unknown, context: unknown): number | undefined {
  if (task.timeoutSeconds === undefined && task.timeoutSecondsPath === undefined) return undefined;
  return taskTimeoutMs(task, input, context) / 1000;
}

/** A Lambda function's result as the `lambda:invoke` integration returns it. */
function lambdaIntegrationResult(result: JsonValue): JsonValue {
  return { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 };
}

/** How an execution ended, for a log line: `SUCCEEDED`, or `FAILED: IntakeFailed (cause…)`. */
function outcomeText(record: ExecutionRecord): string {
  if (record.error === undefined && record.cause === undefined) return record.status;
  const cause = record.cause && record.cause.length > 200 ? `${record.cause.slice(0, 200)}…` : record.cause;
  return `${record.status}: ${record.error ?? ''}${cause ? ` (${cause})` : ''}`;
}

/** What DescribeExecution and ListExecutions both say of an execution, in the service's shape. */
function executionSummary(record: ExecutionRecord): Record<string, unknown> {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: toEpochSeconds(record.startDate),
    ...(record.stopDate !== undefined ? { stopDate: toEpochSeconds(record.stopDate) } : {}),
  };
}
