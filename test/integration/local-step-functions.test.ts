import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidExecutionInput,
  InvalidName,
  InvalidToken,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  ResourceNotFound,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TagResourceCommand,
  TaskDoesNotExist,
  TaskTimedOut,
  UntagResourceCommand,
  ValidateStateMachineDefinitionCommand,
  ValidationException,
} from '@aws-sdk/client-sfn';
import { Duration } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionKeyOf, renderLocalStateMachines } from '#local/render-state-machines.ts';
import {
  ensureExecutionTable,
  type ExecutionStatusChangeEvent,
  LocalStepFunctions,
  type LocalLambdaInvoker,
} from '#local/step-functions/local-step-functions.ts';
import { ExecutionStatusChangeEventSchema } from '#workflows/contracts.ts';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const TABLE = 'local-sfn-executions';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

type DynaliteFactory = (options: { path?: string; createTableMs?: number }) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;

const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

/** One call of a fake function, as the service made it. */
interface Call {
  readonly functionName: string;
  readonly payload: Record<string, unknown>;
}

// ---- The hand-written state machines ----

function callbackMachine(timeoutSeconds: number): Record<string, unknown> {
  return {
    StartAt: 'Await decision',
    States: {
      'Await decision': {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: fnArn('notify'),
          Payload: {
            'executionName.$': '$$.Execution.Name',
            'token.$': '$$.Task.Token',
            'input.$': '$',
          },
        },
        TimeoutSeconds: timeoutSeconds,
        ResultPath: '$.decision',
        Catch: [
          { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'Timed out' },
          { ErrorEquals: ['Rejected'], ResultPath: '$.error', Next: 'Rejected' },
        ],
        Next: 'Done',
      },
      'Timed out': { Type: 'Pass', Result: 'timeout', ResultPath: '$.outcome', Next: 'Done' },
      Rejected: { Type: 'Pass', Result: 'rejected', ResultPath: '$.outcome', Next: 'Done' },
      Done: { Type: 'Succeed' },
    },
  };
}

const simpleMachine = {
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: fnArn('prepare'), 'Payload.$': '$' },
      ResultPath: '$.prepared',
      End: true,
    },
  },
};

const nestedMachine = {
  StartAt: 'Fan out',
  States: {
    'Fan out': {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Branch task',
          States: {
            'Branch task': {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { FunctionName: fnArn('prepare'), Payload: { orderId: 'branch' } },
              ResultSelector: { 'orderId.$': '$.Payload.orderId' },
              End: true,
            },
          },
        },
      ],
      ResultPath: '$.parallel',
      Next: 'Each item',
    },
    'Each item': {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Item task',
        States: { 'Item task': { Type: 'Task', Resource: fnArn('prepare'), End: true } },
      },
      ResultPath: '$.mapped',
      End: true,
    },
  },
};

const unsupportedMachine = {
  StartAt: 'Send',
  States: {
    Send: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage',
      Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/q', MessageBody: 'x' },
      End: true,
    },
  },
};

// ---- The fixture: dynalite, the service, an SDK client ----

let dataDir: string;
let dynaliteServer: Server;
let dynamo: DynamoDBClient;
let documentClient: DynamoDBDocumentClient;
let service: LocalStepFunctions;
let sfn: SFNClient;
const calls: Call[] = [];
const pendingCallbacks: Promise<unknown>[] = [];
const machineArns: Record<string, string> = {};
const warnings: object[] = [];
const infoLines: string[] = [];
const statusChanges: ExecutionStatusChangeEvent[] = [];
const logger = {
  info: (message: string) => infoLines.push(message),
  warn: (_message: string, extra?: object) => warnings.push(extra ?? {}),
  error: (_message: string, extra?: object) => warnings.push(extra ?? {}),
};

function sfnClientFor(url: string): SFNClient {
  return new SFNClient({ endpoint: url, region: REGION, credentials, maxAttempts: 1 });
}

/** The fake product functions: the hand-written machines' and the intake workflow's. */
function fakeInvoker(client: () => SFNClient): LocalLambdaInvoker {
  return async (functionName, payload) => {
    const body = (payload ?? {}) as Record<string, unknown>;
    calls.push({ functionName, payload: body });
    const intakeKey = functionKeyOf(functionName);
    const name = intakeKey ?? functionName.split(':function:').pop();
    switch (name) {
      case 'prepare':
        if (body.explode === true) throw 'boom'; // not even an Error
        return { ok: true, orderId: body.orderId };
      case 'notify':
        if ((body.input as { autoApprove?: boolean } | undefined)?.autoApprove === true) {
          // Answers its own token before returning, as a function may.
          await client().send(
            new SendTaskSuccessCommand({ taskToken: String(body.token), output: JSON.stringify({ decision: 'auto' }) }),
          );
        }
        return { notified: true };
      case 'scoreProposal':
        if (body.proposalId === 'broken') {
          const error = new Error('No such proposal');
          error.name = 'PermanentError';
          throw error;
        }
        return { total: 80, rubricVersion: 'v1' };
      case 'advanceReview':
        // One level with two approvers, then done with the first approver's decision.
        if (body.completedLevel === 0) {
          return {
            done: false,
            level: 1,
            nextLevel: {
              request: { level: 1, levelName: 'PMO review', quorum: 'all' },
              assignees: [
                { slot: 0, approver: { name: 'A', email: 'a@example.org' } },
                { slot: 1, approver: { name: 'B', email: 'b@example.org' } },
              ],
            },
          };
        }
        return { done: true, level: 1, decision: (body.results as unknown[])[0] };
      case 'requestApproval':
        pendingCallbacks.push(
          new Promise((resolve) => setTimeout(resolve, 10)).then(() =>
            client().send(
              new SendTaskSuccessCommand({
                taskToken: String(body.taskToken),
                output: JSON.stringify({ decision: 'approve', slot: (body.assignee as { slot: number }).slot }),
              }),
            ),
          ),
        );
        return { approvalId: 'a-1' };
      case 'recordOutcome': {
        const outcome = body.outcome as { decision?: string } | undefined;
        return { status: outcome?.decision === 'approve' ? 'APPROVED' : 'FAILED' };
      }
      default:
        throw new Error(`Unknown fake function ${functionName}`);
    }
  };
}

function callsTo(functionName: string, executionName: string): Call[] {
  return calls.filter(
    (call) => call.functionName.endsWith(`:${functionName}`) && call.payload.executionName === executionName,
  );
}

async function waitForCall(functionName: string, executionName: string, count = 1): Promise<Call> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = callsTo(functionName, executionName);
    if (found.length >= count) return found[count - 1] as Call;
    if (Date.now() > deadline) throw new Error(`No call ${count} of ${functionName} for ${executionName}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function start(machine: string, name: string, input: Record<string, unknown> = {}): Promise<string> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: machineArns[machine], name, input: JSON.stringify(input) }),
  );
  return executionArn ?? '';
}

function newService(invoke: LocalLambdaInvoker): LocalStepFunctions {
  return new LocalStepFunctions({
    documentClient,
    tableName: TABLE,
    region: REGION,
    accountId: ACCOUNT,
    invoke,
    logger,
    onStatusChange: (event) => {
      statusChanges.push(event);
    },
    describeSubject: (_stateMachineArn, input) => {
      const { orderId } = input as { orderId?: unknown };
      return typeof orderId === 'string' ? `order:${orderId}` : undefined;
    },
  });
}

function statusChangesOf(executionArn: string): ExecutionStatusChangeEvent[] {
  return statusChanges.filter((event) => event.detail.executionArn === executionArn);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-sfn-'));
  dynaliteServer = dynalite({ path: dataDir, createTableMs: 0 });
  await new Promise<void>((resolve) => dynaliteServer.listen(0, '127.0.0.1', resolve));
  const { port } = dynaliteServer.address() as AddressInfo;
  dynamo = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: REGION, credentials });
  documentClient = DynamoDBDocumentClient.from(dynamo);
  await ensureExecutionTable(dynamo, TABLE);

  service = newService(fakeInvoker(() => sfn));
  machineArns.simple = service.registerStateMachine('simple', simpleMachine);
  machineArns.callback = service.registerStateMachine('callback', callbackMachine(30));
  machineArns.shortCallback = service.registerStateMachine('short-callback', callbackMachine(1));
  machineArns.listing = service.registerStateMachine('listing', callbackMachine(30));
  machineArns.nested = service.registerStateMachine('nested', nestedMachine);
  machineArns.unsupported = service.registerStateMachine('unsupported', unsupportedMachine);
  machineArns.timingOut = service.registerStateMachine('timing-out', { ...callbackMachine(30), TimeoutSeconds: 1 });
  machineArns.configured = service.registerStateMachine('configured', simpleMachine, {
    logging: { level: 'ERROR', includeExecutionData: true, logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:ops:*` },
    tracingEnabled: false,
    tags: { project: 'pmo-pipeline' },
  });
  const intake = renderLocalStateMachines({ longestApprovalWait: () => Duration.days(5) }).find((m) => m.name === 'pmo-intake');
  if (!intake) throw new Error('The intake workflow was not rendered');
  machineArns.intake = service.registerStateMachine(intake.name, intake.definition);
  const { url } = await service.listen(0, '127.0.0.1');
  sfn = sfnClientFor(url);
});

afterAll(async () => {
  await Promise.allSettled(pendingCallbacks);
  await service?.close();
  sfn?.destroy();
  dynamo?.destroy();
  await new Promise((resolve) => dynaliteServer?.close(resolve));
  await rm(dataDir, { recursive: true, force: true });
});

describe('running a state machine', () => {
  it('runs a lambda:invoke task and succeeds with its output in the Lambda integration shape', async () => {
    const executionArn = await start('simple', 'order-1', { orderId: 'o-1' });

    await service.waitForExecution(executionArn, 5000);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));

    expect(described).toMatchObject({ status: 'SUCCEEDED', name: 'order-1', stateMachineArn: machineArns.simple });
    expect(described.startDate).toBeInstanceOf(Date);
    expect(described.stopDate).toBeInstanceOf(Date);
    expect(JSON.parse(described.output ?? 'null')).toEqual({
      orderId: 'o-1',
      prepared: { ExecutedVersion: '$LATEST', Payload: { ok: true, orderId: 'o-1' }, StatusCode: 200 },
    });
  });

  it('describes a registered state machine and lists it', async () => {
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArns.simple }));
    const listed = await sfn.send(new ListStateMachinesCommand({}));

    expect(described).toMatchObject({ name: 'simple', status: 'ACTIVE', type: 'STANDARD' });
    expect(JSON.parse(described.definition ?? '{}')).toEqual(simpleMachine);
    expect(listed.stateMachines?.map((machine) => machine.stateMachineArn)).toContain(machineArns.simple);
  });

  it('records a history with Step Functions event types', async () => {
    const executionArn = await start('simple', 'order-history', { orderId: 'o-h' });
    await service.waitForExecution(executionArn, 5000);

    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));

    expect(events?.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events?.[0]?.timestamp).toBeInstanceOf(Date);
    expect(JSON.parse(events?.[0]?.executionStartedEventDetails?.input ?? 'null')).toEqual({ orderId: 'o-h' });
  });

  it('runs Task states nested in Parallel branches and Map item processors, and a function ARN as Resource', async () => {
    const executionArn = await start('nested', 'nested-1', { items: [{ orderId: 'i1' }, { orderId: 'i2' }] });

    const outcome = await service.waitForExecution(executionArn, 5000);

    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.output).toMatchObject({
      parallel: [{ orderId: 'branch' }],
      mapped: [
        { ok: true, orderId: 'i1' },
        { ok: true, orderId: 'i2' },
      ],
    });
  });

  it('warns when a state machine is registered with an integration not supported locally', () => {
    expect(warnings).toContainEqual(expect.objectContaining({ state: 'Send', resource: 'arn:aws:states:::sqs:sendMessage' }));
  });

  it('fails the execution, named after the thrown error, when a function throws and nothing catches it', async () => {
    const executionArn = await start('simple', 'order-explodes', { explode: true });

    const outcome = await service.waitForExecution(executionArn, 5000);

    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('Error');
    expect(JSON.parse(outcome.cause ?? '{}')).toEqual({ errorType: 'Error', errorMessage: 'boom' });
  });

  it('fails an execution that reaches an integration not supported locally', async () => {
    const executionArn = await start('unsupported', 'sqs-1');

    const outcome = await service.waitForExecution(executionArn, 5000);

    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('States.Runtime');
    expect(outcome.cause).toContain('not supported by the local Step Functions service');
  });
});

describe('callback tasks', () => {
  it('resumes the task with the output of SendTaskSuccess', async () => {
    const executionArn = await start('callback', 'cb-success');
    const { payload } = await waitForCall('notify', 'cb-success');

    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: String(payload.token), output: JSON.stringify({ decision: 'yes' }) }),
    );

    const outcome = await service.waitForExecution(executionArn, 5000);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.output).toMatchObject({ decision: { decision: 'yes' } });
  });

  it('gives each task an unguessable token in place of $$.Task.Token', async () => {
    const executionArn = await start('callback', 'cb-token');
    const { payload } = await waitForCall('notify', 'cb-token');

    expect(String(payload.token)).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    await sfn.send(new StopExecutionCommand({ executionArn }));
  });

  it('accepts the token sent back while the function is still being invoked', async () => {
    const executionArn = await start('callback', 'cb-during-invoke', { autoApprove: true });

    const outcome = await service.waitForExecution(executionArn, 5000);

    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.output).toMatchObject({ decision: { decision: 'auto' } });
  });

  it('routes SendTaskFailure to the Catch that matches its error name', async () => {
    const executionArn = await start('callback', 'cb-failure');
    const { payload } = await waitForCall('notify', 'cb-failure');

    await sfn.send(new SendTaskFailureCommand({ taskToken: String(payload.token), error: 'Rejected', cause: 'No budget' }));

    const outcome = await service.waitForExecution(executionArn, 5000);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.output).toMatchObject({ outcome: 'rejected', error: { Error: 'Rejected', Cause: 'No budget' } });
  });

  it('times the task out into its States.Timeout Catch and then answers the token with TaskTimedOut', async () => {
    const executionArn = await start('shortCallback', 'cb-timeout');
    const { payload } = await waitForCall('notify', 'cb-timeout');

    const outcome = await service.waitForExecution(executionArn, 5000);

    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.output).toMatchObject({ outcome: 'timeout', error: { Error: 'States.Timeout' } });
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: String(payload.token), output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('answers TaskDoesNotExist for the token of a task that already ended', async () => {
    const executionArn = await start('callback', 'cb-ended');
    const { payload } = await waitForCall('notify', 'cb-ended');
    const taskToken = String(payload.token);
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));
    await service.waitForExecution(executionArn, 5000);

    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }))).rejects.toBeInstanceOf(
      TaskDoesNotExist,
    );
  });
});

describe('StartExecution', () => {
  it('returns the same execution for the same name and input while it runs', async () => {
    const first = await start('callback', 'idem-same', { a: 1 });

    const second = await start('callback', 'idem-same', { a: 1 });

    expect(second).toBe(first);
    await sfn.send(new StopExecutionCommand({ executionArn: first }));
  });

  it('refuses the name of a running execution with a different input (ExecutionAlreadyExists)', async () => {
    const executionArn = await start('callback', 'idem-other-input', { a: 1 });

    await expect(start('callback', 'idem-other-input', { a: 2 })).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await sfn.send(new StopExecutionCommand({ executionArn }));
  });

  it('refuses the name of a finished execution (ExecutionAlreadyExists)', async () => {
    const executionArn = await start('simple', 'idem-finished', { orderId: 'x' });
    await service.waitForExecution(executionArn, 5000);

    await expect(start('simple', 'idem-finished', { orderId: 'x' })).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('names an execution started without a name with a UUID', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArns.simple, input: '{}' }));

    expect(executionArn).toMatch(/:execution:simple:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

describe('StopExecution', () => {
  it('aborts a waiting execution with the given error and cause, and invalidates its token', async () => {
    const executionArn = await start('callback', 'stop-me');
    const { payload } = await waitForCall('notify', 'stop-me');

    const { stopDate } = await sfn.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'By test' }));

    expect(stopDate).toBeInstanceOf(Date);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'By test' });
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: String(payload.token), output: '{}' })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
  });
});

describe('ListExecutions', () => {
  it('filters by state machine and status, newest first, in pages', async () => {
    const done = await start('listing', 'list-done', { autoApprove: true });
    await service.waitForExecution(done, 5000);
    const runningA = await start('listing', 'list-running-a');
    const runningB = await start('listing', 'list-running-b');

    const running = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machineArns.listing, statusFilter: 'RUNNING' }),
    );
    const succeeded = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machineArns.listing, statusFilter: 'SUCCEEDED' }),
    );
    const firstPage = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArns.listing, maxResults: 2 }));
    const secondPage = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machineArns.listing, maxResults: 2, nextToken: firstPage.nextToken }),
    );

    expect(running.executions?.map((execution) => execution.name).sort()).toEqual(['list-running-a', 'list-running-b']);
    expect(succeeded.executions?.map((execution) => execution.name)).toEqual(['list-done']);
    expect(firstPage.executions).toHaveLength(2);
    expect(secondPage.executions?.map((execution) => execution.name)).toEqual(['list-done']);
    expect(secondPage.nextToken).toBeUndefined();
    await sfn.send(new StopExecutionCommand({ executionArn: runningA }));
    await sfn.send(new StopExecutionCommand({ executionArn: runningB }));
  });
});

describe('API errors surface as the SDK exception classes', () => {
  const unknownExecution = `arn:aws:states:${REGION}:${ACCOUNT}:execution:simple:nope`;
  const wellFormedToken = 'A'.repeat(64);
  const cases = [
    ['StateMachineDoesNotExist', StateMachineDoesNotExist, () => new DescribeStateMachineCommand({ stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:nope` })],
    ['ExecutionDoesNotExist', ExecutionDoesNotExist, () => new DescribeExecutionCommand({ executionArn: unknownExecution })],
    ['InvalidArn', InvalidArn, () => new DescribeExecutionCommand({ executionArn: 'not-an-arn' })],
    ['InvalidName', InvalidName, () => new StartExecutionCommand({ stateMachineArn: machineArns.simple, name: 'has space' })],
    ['InvalidExecutionInput', InvalidExecutionInput, () => new StartExecutionCommand({ stateMachineArn: machineArns.simple, input: '{nope' })],
    ['InvalidToken', InvalidToken, () => new SendTaskSuccessCommand({ taskToken: 'short', output: '{}' })],
    ['TaskDoesNotExist', TaskDoesNotExist, () => new SendTaskSuccessCommand({ taskToken: wellFormedToken, output: '{}' })],
    ['ValidationException', ValidationException, () => new ListExecutionsCommand({})],
  ] as const;

  it.each(cases)('%s', async (_name, errorClass, command) => {
    await expect(sfn.send(command() as never)).rejects.toBeInstanceOf(errorClass);
  });

  it('answers an unknown operation with UnknownOperationException', async () => {
    const { url } = await serviceUrl();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.CreateActivity' },
      body: '{}',
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });
});

async function serviceUrl(): Promise<{ url: string }> {
  const endpoint = await sfn.config.endpoint?.();
  if (!endpoint) throw new Error('The SDK client has no endpoint');
  return { url: `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}/` };
}

describe('the rendered intake workflow', () => {
  it('runs end to end: score, plan, one callback per approver of the level (Map), recorded outcome', async () => {
    const executionArn = await start('intake', 'intake-approve', { proposalId: 'p-1' });

    const outcome = await service.waitForExecution(executionArn, 5000);

    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.output).toMatchObject({
      proposalId: 'p-1',
      score: { total: 80, rubricVersion: 'v1' },
      progress: { review: { done: true, level: 1, decision: { decision: 'approve', slot: 0 } } },
      outcome: { status: 'APPROVED' },
    });
    const requests = callsTo('requestApproval', 'intake-approve');
    expect(requests.map((call) => (call.payload.assignee as { slot: number }).slot).sort()).toEqual([0, 1]);
    expect(requests[0]?.payload).toMatchObject({ subject: { type: 'proposal', id: 'p-1' }, executionName: 'intake-approve', request: { level: 1, quorum: 'all' } });
    const advanced = calls.filter((call) => call.functionName.endsWith(':advanceReview') && call.payload.executionName === 'intake-approve');
    expect(advanced[1]?.payload.results).toEqual([
      { decision: 'approve', slot: 0 },
      { decision: 'approve', slot: 1 },
    ]);
  });

  it('takes the "Record failure" path when a function throws PermanentError', async () => {
    const executionArn = await start('intake', 'intake-broken', { proposalId: 'broken' });

    const outcome = await service.waitForExecution(executionArn, 5000);

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'IntakeFailed' });
    const recorded = calls.filter(
      (call) => call.functionName.endsWith(':recordOutcome') && call.payload.executionName === 'intake-broken',
    );
    expect(recorded.map((call) => call.payload.outcome)).toEqual([{ decision: 'failed', error: 'PermanentError' }]);
  });
});

describe('surviving a restart', () => {
  it('runs a RUNNING execution again under the same name in the next instance, with a new token', async () => {
    let sfnA: SFNClient | undefined;
    let sfnB: SFNClient | undefined;
    const first = newService(fakeInvoker(() => sfnA as SFNClient));
    const second = newService(fakeInvoker(() => sfnB as SFNClient));
    try {
      const arn = first.registerStateMachine('restartable', callbackMachine(30));
      sfnA = sfnClientFor((await first.listen(0, '127.0.0.1')).url);
      const started = await sfnA.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'survivor', input: '{}' }));
      const executionArn = started.executionArn ?? '';
      const before = await waitForCall('notify', 'survivor');

      await first.close();
      second.registerStateMachine('restartable', callbackMachine(30));
      sfnB = sfnClientFor((await second.listen(0, '127.0.0.1')).url);
      const resumed = await second.resumeRunningExecutions();
      const after = await waitForCall('notify', 'survivor', 2);

      expect(resumed).toBe(1);
      expect(after.payload.token).not.toBe(before.payload.token);
      await expect(
        sfnB.send(new SendTaskSuccessCommand({ taskToken: String(before.payload.token), output: '{}' })),
      ).rejects.toBeInstanceOf(TaskDoesNotExist);
      await sfnB.send(
        new SendTaskSuccessCommand({ taskToken: String(after.payload.token), output: JSON.stringify({ ok: 1 }) }),
      );
      const outcome = await second.waitForExecution(executionArn, 5000);
      const described = await sfnB.send(new DescribeExecutionCommand({ executionArn }));
      expect(outcome.status).toBe('SUCCEEDED');
      expect(described.startDate?.getTime()).toBe(started.startDate?.getTime());
    } finally {
      await first.close();
      await second.close();
      sfnA?.destroy();
      sfnB?.destroy();
    }
  });
});

describe('GetExecutionHistory', () => {
  async function historyOf(executionArn: string, includeExecutionData?: boolean) {
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, includeExecutionData }));
    return events ?? [];
  }

  it('records what a task was given and what it returned: TaskScheduled, TaskStarted, TaskSucceeded', async () => {
    const executionArn = await start('simple', 'history-task', { orderId: 'o-t' });
    await service.waitForExecution(executionArn, 5000);

    const events = await historyOf(executionArn);

    const scheduled = events.find((event) => event.type === 'TaskScheduled')?.taskScheduledEventDetails;
    expect(scheduled).toMatchObject({ resourceType: 'lambda', resource: 'invoke', region: REGION });
    expect(JSON.parse(scheduled?.parameters ?? 'null')).toEqual({ FunctionName: fnArn('prepare'), Payload: { orderId: 'o-t' } });
    expect(events.find((event) => event.type === 'TaskStarted')?.taskStartedEventDetails).toEqual({ resourceType: 'lambda', resource: 'invoke' });
    const succeeded = events.find((event) => event.type === 'TaskSucceeded')?.taskSucceededEventDetails;
    expect(JSON.parse(succeeded?.output ?? 'null')).toEqual({ ExecutedVersion: '$LATEST', Payload: { ok: true, orderId: 'o-t' }, StatusCode: 200 });
    expect(succeeded?.outputDetails).toEqual({ truncated: false });
  });

  it('gives state entries their input and state exits their output', async () => {
    const executionArn = await start('simple', 'history-states', { orderId: 'o-s' });
    await service.waitForExecution(executionArn, 5000);

    const events = await historyOf(executionArn);

    expect(JSON.parse(events.find((event) => event.type === 'TaskStateEntered')?.stateEnteredEventDetails?.input ?? 'null')).toEqual({ orderId: 'o-s' });
    expect(JSON.parse(events.find((event) => event.type === 'TaskStateExited')?.stateExitedEventDetails?.output ?? 'null')).toMatchObject({
      orderId: 'o-s',
      prepared: { Payload: { ok: true } },
    });
  });

  it('leaves out every input, output and parameters when includeExecutionData is false', async () => {
    const executionArn = await start('simple', 'history-no-data', { orderId: 'o-n' });
    await service.waitForExecution(executionArn, 5000);

    const events = await historyOf(executionArn, false);

    const text = JSON.stringify(events);
    expect(text).not.toContain('o-n');
    expect(events.find((event) => event.type === 'TaskScheduled')?.taskScheduledEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke',
      region: REGION,
    });
    expect(events.find((event) => event.type === 'TaskStateEntered')?.stateEnteredEventDetails).toEqual({ name: 'Prepare' });
  });

  it('records a failing task as TaskFailed with the error and cause', async () => {
    const executionArn = await start('simple', 'history-task-fails', { explode: true });
    await service.waitForExecution(executionArn, 5000);

    const events = await historyOf(executionArn);

    expect(events.map((event) => event.type)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskFailed', 'ExecutionFailed']);
    expect(events.find((event) => event.type === 'TaskFailed')?.taskFailedEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke', error: 'Error' });
  });

  it('records a callback task as submitted when its function returns, and its answer as its output', async () => {
    const executionArn = await start('callback', 'history-callback');
    const { payload } = await waitForCall('notify', 'history-callback');
    await eventuallyHistoryHas(executionArn, 'TaskSubmitted');

    await sfn.send(new SendTaskSuccessCommand({ taskToken: String(payload.token), output: JSON.stringify({ decision: 'yes' }) }));
    await service.waitForExecution(executionArn, 5000);

    const events = await historyOf(executionArn);
    const types = events.map((event) => event.type);
    expect(types.slice(0, 6)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']);
    const scheduled = events.find((event) => event.type === 'TaskScheduled')?.taskScheduledEventDetails;
    expect(scheduled).toMatchObject({ resource: 'invoke.waitForTaskToken', timeoutInSeconds: 30 });
    expect(JSON.parse(scheduled?.parameters ?? '{}').Payload.token).toBe(payload.token);
    expect(JSON.parse(events.find((event) => event.type === 'TaskSubmitted')?.taskSubmittedEventDetails?.output ?? 'null')).toMatchObject({
      Payload: { notified: true },
    });
    expect(JSON.parse(events.find((event) => event.type === 'TaskSucceeded')?.taskSucceededEventDetails?.output ?? 'null')).toEqual({ decision: 'yes' });
  });

  it('records a Map state: started with its item count, each iteration, and its success', async () => {
    const executionArn = await start('nested', 'history-map', { items: [{ orderId: 'm1' }, { orderId: 'm2' }, { orderId: 'm3' }] });
    await service.waitForExecution(executionArn, 5000);

    const events = await historyOf(executionArn);
    const types = events.map((event) => event.type);

    expect(events.find((event) => event.type === 'MapStateStarted')?.mapStateStartedEventDetails).toEqual({ length: 3 });
    expect(types.filter((type) => type === 'MapIterationStarted')).toHaveLength(3);
    expect(types.filter((type) => type === 'MapIterationSucceeded')).toHaveLength(3);
    expect(types.indexOf('MapStateEntered')).toBeLessThan(types.indexOf('MapStateStarted'));
    expect(types.indexOf('MapStateStarted')).toBeLessThan(types.indexOf('MapIterationStarted'));
    expect(types.slice(-3)).toEqual(['MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded']);
    const itemOutputs = events
      .filter((event) => event.type === 'TaskSucceeded' && event.taskSucceededEventDetails?.output?.includes('"m'))
      .map((event) => JSON.parse(event.taskSucceededEventDetails?.output ?? 'null').orderId)
      .sort();
    expect(itemOutputs).toEqual(['m1', 'm2', 'm3']);
  });
});

async function eventuallyHistoryHas(executionArn: string, type: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    if (events?.some((event) => event.type === type)) return;
    if (Date.now() > deadline) throw new Error(`No ${type} in the history of ${executionArn}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('execution status change events', () => {
  it('are emitted as RUNNING on start and SUCCEEDED at the end, in the EventBridge shape', async () => {
    const executionArn = await start('simple', 'status-succeeds', { orderId: 'o-1' });

    await service.waitForExecution(executionArn, 5000);

    const events = statusChangesOf(executionArn);
    expect(events.map((event) => event.detail.status)).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(events.every((event) => ExecutionStatusChangeEventSchema.safeParse(event).success)).toBe(true);
    expect(events[1]).toMatchObject({
      version: '0',
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      account: ACCOUNT,
      region: REGION,
      resources: [executionArn],
      detail: { name: 'status-succeeds', stateMachineArn: machineArns.simple, input: '{"orderId":"o-1"}', inputDetails: { included: true }, outputDetails: { included: true }, error: null },
    });
    expect(events[1]?.detail.stopDate).toBeGreaterThanOrEqual(events[1]?.detail.startDate ?? Number.POSITIVE_INFINITY);
  });

  it('is ABORTED, with the error and cause given to StopExecution, when an execution is stopped', async () => {
    const executionArn = await start('callback', 'status-stopped');
    await waitForCall('notify', 'status-stopped');

    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'By the PMO' }));

    expect(statusChangesOf(executionArn).at(-1)?.detail).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'By the PMO', output: null });
  });

  it('is FAILED, with the error and cause, when an execution fails', async () => {
    const executionArn = await start('simple', 'status-fails', { explode: true });

    await service.waitForExecution(executionArn, 5000);

    expect(statusChangesOf(executionArn).at(-1)?.detail).toMatchObject({ status: 'FAILED', error: 'Error', cause: expect.stringContaining('boom') });
  });

  it("is TIMED_OUT when the state machine's TimeoutSeconds passes", async () => {
    const executionArn = await start('timingOut', 'status-times-out');

    await service.waitForExecution(executionArn, 5000);

    expect(statusChangesOf(executionArn).map((event) => event.detail.status)).toEqual(['RUNNING', 'TIMED_OUT']);
    expect(statusChangesOf(executionArn).at(-1)?.detail).toMatchObject({ error: 'States.Timeout' });
  });

  it('is not emitted again when StartExecution is repeated for a running execution', async () => {
    const executionArn = await start('callback', 'status-idempotent', { a: 1 });

    await start('callback', 'status-idempotent', { a: 1 });

    expect(statusChangesOf(executionArn).map((event) => event.detail.status)).toEqual(['RUNNING']);
    await sfn.send(new StopExecutionCommand({ executionArn }));
  });
});

describe('log lines', () => {
  it('name the state machine, the subject and the execution when it starts, and the outcome when it ends', async () => {
    const executionArn = await start('simple', 'logged-failure', { orderId: 'o-log', explode: true });

    await service.waitForExecution(executionArn, 5000);

    expect(infoLines).toContain('Execution started: simple for order:o-log (execution logged-failure)');
    expect(infoLines.find((line) => line.startsWith('Execution ended: simple for order:o-log (execution logged-failure)'))).toMatch(
      /: FAILED: Error \(.*boom.*\)$/,
    );
  });
});

describe('DescribeStateMachine', () => {
  it('reports by default the logging and tracing the AWS stack deploys: level ALL without execution data, tracing on', async () => {
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArns.simple }));

    expect(described.loggingConfiguration).toMatchObject({ level: 'ALL', includeExecutionData: false });
    expect(described.loggingConfiguration?.destinations?.[0]?.cloudWatchLogsLogGroup?.logGroupArn).toMatch(/^arn:aws:logs:us-east-1:000000000000:log-group:.+:\*$/);
    expect(described.tracingConfiguration).toEqual({ enabled: true });
  });

  it('reports the logging and tracing a state machine was registered with', async () => {
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArns.configured }));

    expect(described.loggingConfiguration).toEqual({
      level: 'ERROR',
      includeExecutionData: true,
      destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:ops:*` } }],
    });
    expect(described.tracingConfiguration).toEqual({ enabled: false });
  });
});

describe('DescribeStateMachineForExecution', () => {
  it("answers the execution's state machine with its definition and configuration", async () => {
    const executionArn = await start('simple', 'for-execution', { orderId: 'o-f' });

    const described = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));

    expect(described).toMatchObject({ stateMachineArn: machineArns.simple, name: 'simple', tracingConfiguration: { enabled: true } });
    expect(JSON.parse(described.definition ?? '{}')).toEqual(simpleMachine);
    expect(described.updateDate).toBeInstanceOf(Date);
    expect(described.roleArn).toMatch(/^arn:aws:iam::000000000000:role\//);
  });

  it('answers ExecutionDoesNotExist for an unknown execution', async () => {
    const command = new DescribeStateMachineForExecutionCommand({ executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:simple:nope` });

    await expect(sfn.send(command)).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });
});

describe('ListTagsForResource, TagResource and UntagResource', () => {
  it('lists the tags a state machine was registered with', async () => {
    const { tags } = await sfn.send(new ListTagsForResourceCommand({ resourceArn: machineArns.configured }));

    expect(tags).toEqual([{ key: 'project', value: 'pmo-pipeline' }]);
  });

  it('adds, replaces and removes tags', async () => {
    const resourceArn = machineArns.listing!;
    await sfn.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'team', value: 'pmo' }, { key: 'stage', value: 'dev' }] }));
    await sfn.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'stage', value: 'local' }] }));
    await sfn.send(new UntagResourceCommand({ resourceArn, tagKeys: ['team'] }));

    const { tags } = await sfn.send(new ListTagsForResourceCommand({ resourceArn }));

    expect(tags).toEqual([{ key: 'stage', value: 'local' }]);
  });

  it('answers ResourceNotFound for a state machine that does not exist', async () => {
    const command = new ListTagsForResourceCommand({ resourceArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:nope` });

    await expect(sfn.send(command)).rejects.toBeInstanceOf(ResourceNotFound);
  });
});

describe('ValidateStateMachineDefinition', () => {
  it('answers OK for a valid definition', async () => {
    const validation = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify(simpleMachine) }));

    expect(validation).toMatchObject({ result: 'OK', diagnostics: [] });
  });

  it('answers FAIL with a diagnostic per problem, each with severity, code and message', async () => {
    const definition = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } });

    const validation = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition }));

    expect(validation.result).toBe('FAIL');
    expect(validation.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'ERROR', code: 'MISSING_TRANSITION_TARGET', message: expect.stringContaining('Missing') }),
    );
  });
});
