import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Context } from 'aws-lambda';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import xray from 'aws-xray-sdk-core';

// Each test imports the adapters afresh, so each starts in a new execution environment (cold start,
// no keys left over) as a Lambda function's first invocation does.
type Observability = typeof import('#adapters/observability.ts');
type Logging = typeof import('#adapters/logger.ts');
let observability: Observability;
let logging: Logging;

async function startExecutionEnvironment(): Promise<void> {
  vi.resetModules();
  observability = await import('#adapters/observability.ts');
  logging = await import('#adapters/logger.ts');
}

beforeEach(startExecutionEnvironment);

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

type LogLine = Record<string, unknown>;

/**
 * The JSON lines the logger writes while `fn` runs. Powertools' Logger writes through a Console of
 * its own bound to process.stdout and process.stderr (errors), as Lambda collects them.
 */
async function logLinesOf(fn: () => Promise<unknown>): Promise<LogLine[]> {
  const written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await fn().catch(() => undefined);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as LogLine);
}

function lambdaContext(awsRequestId: string): Context {
  return { functionName: 'scoreProposal', awsRequestId } as Context;
}

const onProposal = (event: { proposalId?: string }) => (event.proposalId ? { subject: `proposal:${event.proposalId}` } : undefined);

/** Whether a client carries the middleware the X-Ray SDK adds to the clients it traces. */
const traced = (client: { middlewareStack: { identify(): string[] } }) => client.middlewareStack.identify().some((entry) => entry.startsWith('XRaySDKInstrumentation'));

describe('lambdaHandler', () => {
  it('stamps each log line with its invocation: request id, function name, and cold start only on the first', async () => {
    // Lambda says how it initialised the environment; Powertools reports a cold start only for on-demand ones.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    await startExecutionEnvironment();
    const handler = observability.lambdaHandler({}, async () => logging.logger.info('Step done'));

    const [first] = await logLinesOf(() => handler({}, lambdaContext('request-1')));
    const [second] = await logLinesOf(() => handler({}, lambdaContext('request-2')));

    expect(first).toMatchObject({ message: 'Step done', function_request_id: 'request-1', function_name: 'scoreProposal', cold_start: true });
    expect(second).toMatchObject({ message: 'Step done', function_request_id: 'request-2', cold_start: false });
  });

  it('adds the correlation keys of the event to every line the handler logs', async () => {
    const handler = observability.lambdaHandler({ correlate: onProposal }, async () => {
      logging.logger.info('Scoring');
      logging.logger.warn('Rubric is old');
    });

    const lines = await logLinesOf(() => handler({ proposalId: 'p-1' }, lambdaContext('request-1')));

    expect(lines.map((line) => [line.message, line.subject])).toEqual([
      ['Scoring', 'proposal:p-1'],
      ['Rubric is old', 'proposal:p-1'],
    ]);
  });

  it('removes the correlation keys when the invocation returns, so the next one does not inherit them', async () => {
    const handler = observability.lambdaHandler({ correlate: onProposal }, async () => logging.logger.info('Step done'));
    await logLinesOf(() => handler({ proposalId: 'p-1' }, lambdaContext('request-1')));

    const [next] = await logLinesOf(() => handler({}, lambdaContext('request-2')));
    const [outside] = await logLinesOf(async () => logging.logger.info('Between invocations'));

    expect(next).not.toHaveProperty('subject');
    expect(outside).not.toHaveProperty('subject');
  });

  it('rethrows what the handler throws, after logging it with the correlation keys, and then removes the keys', async () => {
    const failure = new Error('Proposal p-1 not found');
    const handler = observability.lambdaHandler({ correlate: onProposal }, async () => {
      throw failure;
    });

    let thrown: unknown;
    const lines = await logLinesOf(() => handler({ proposalId: 'p-1' }, lambdaContext('request-1')).catch((error: unknown) => (thrown = error)));
    const [after] = await logLinesOf(async () => logging.logger.info('Between invocations'));

    expect(thrown).toBe(failure);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'Invocation failed', subject: 'proposal:p-1', function_request_id: 'request-1', error: expect.objectContaining({ message: 'Proposal p-1 not found' }) }),
    ]);
    expect(after).not.toHaveProperty('subject');
  });

  it('fails an event that does not fit its schema as a PermanentError, which a state machine does not retry', async () => {
    vi.spyOn(logging.logger, 'error').mockImplementation(() => {});
    const handler = observability.lambdaHandler({}, async (event: unknown) => (await import('zod')).object({ weekStart: (await import('zod')).iso.date() }).parse(event));

    const failure = handler({ weekStart: 'Monday' });

    await expect(failure).rejects.toMatchObject({ name: 'PermanentError', message: expect.stringContaining('weekStart') });
  });

  it('passes the event and context through and returns the handler’s result', async () => {
    const context = lambdaContext('request-1');
    const fn = vi.fn(async (event: { proposalId: string }) => ({ scored: event.proposalId }));
    const handler = observability.lambdaHandler({ correlate: onProposal }, fn);

    const result = await handler({ proposalId: 'p-1' }, context);

    expect(result).toEqual({ scored: 'p-1' });
    expect(fn).toHaveBeenCalledWith({ proposalId: 'p-1' }, context);
  });

  it('works without a Lambda context, as tests call handlers: the lines carry the keys and no invocation', async () => {
    const handler = observability.lambdaHandler({ correlate: onProposal }, async () => {
      logging.logger.info('Step done');
      return 'done';
    });

    let result: unknown;
    const [line] = await logLinesOf(async () => (result = await handler({ proposalId: 'p-1' })));

    expect(result).toBe('done');
    expect(line).toMatchObject({ message: 'Step done', subject: 'proposal:p-1' });
    expect(line).not.toHaveProperty('function_request_id');
  });
});

describe('workflowSubject', () => {
  it('names the proposal of a proposal task', () => {
    expect(observability.workflowSubject({ proposalId: 'p-1', executionName: 'e-1' })).toEqual({ subject: 'proposal:p-1' });
  });

  it('names the subject of a review engine task', () => {
    expect(observability.workflowSubject({ subject: { type: 'invoice', id: 'i-9' }, completedLevel: 0 })).toEqual({ subject: 'invoice:i-9' });
  });

  it.each([null, undefined, 'p-1', {}, { proposalId: '' }, { proposalId: 7 }, { subject: { type: 'Not A Type', id: 'x' } }])(
    'finds no subject in %j, and does not throw',
    (event) => {
      expect(observability.workflowSubject(event)).toBeUndefined();
    },
  );
});

describe('tracer outside Lambda', () => {
  it('is off, so handlers run untraced on the local stack and in tests', () => {
    expect(process.env.AWS_EXECUTION_ENV).toBeUndefined();
    expect(observability.tracer.isTracingEnabled()).toBe(false);
  });

  it('leaves the SDK clients as they are', async () => {
    const { sesClient } = await import('#adapters/ses-client.ts');
    const { sfnClient } = await import('#adapters/sfn-client.ts');
    const { documentClient } = await import('#adapters/dynamodb-client.ts');
    // What tracing would have added, to show the check can see it.
    const control = observability.tracer.provider.captureAWSv3Client(new SESv2Client({}));

    expect([sesClient, sfnClient, documentClient].map(traced)).toEqual([false, false, false]);
    expect(traced(control)).toBe(true);
  });
});

describe('tracer on Lambda', () => {
  beforeEach(async () => {
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    vi.stubEnv('_HANDLER', 'index.handler');
    // Tracing outgoing HTTP patches Node's http modules for the whole process; nothing here needs it.
    vi.stubEnv('POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS', 'false');
    await startExecutionEnvironment();
  });

  /** Runs an invocation inside a trace, as Lambda does, and returns the segment it was traced in. */
  async function invokeTraced(invoke: () => Promise<unknown>): Promise<xray.Segment> {
    const segment = new xray.Segment('scoreProposal');
    await xray.getNamespace().runPromise(async () => {
      xray.setSegment(segment);
      await logLinesOf(invoke);
    });
    return segment;
  }

  /** The invocation's subsegment, as the X-Ray daemon would receive it. */
  function handlerSubsegment(segment: xray.Segment): { name: string; end_time?: number; annotations?: Record<string, unknown>; fault?: boolean; cause?: unknown } {
    const [subsegment] = segment.subsegments ?? [];
    if (!subsegment) throw new Error('The invocation made no subsegment');
    return JSON.parse(subsegment.format());
  }

  it('is on, and traces every call of the SDK clients', async () => {
    const { sesClient } = await import('#adapters/ses-client.ts');
    const { sfnClient } = await import('#adapters/sfn-client.ts');
    const { documentClient } = await import('#adapters/dynamodb-client.ts');

    expect(observability.tracer.isTracingEnabled()).toBe(true);
    expect([sesClient, sfnClient, documentClient].map(traced)).toEqual([true, true, true]);
  });

  it('traces the invocation in a handler subsegment annotated with the correlation keys and the cold start', async () => {
    const handler = observability.lambdaHandler({ correlate: onProposal }, async () => 'scored');

    const segment = await invokeTraced(() => handler({ proposalId: 'p-1' }, lambdaContext('request-1')));

    const subsegment = handlerSubsegment(segment);
    expect(subsegment.name).toBe('## index.handler');
    expect(subsegment.annotations).toEqual({ subject: 'proposal:p-1', ColdStart: true, Service: 'pmo-pipeline' });
    expect(subsegment.end_time).toBeDefined();
  });

  it('records what the handler throws on its subsegment', async () => {
    const handler = observability.lambdaHandler({ correlate: onProposal }, async () => {
      throw new Error('Proposal p-1 not found');
    });

    const segment = await invokeTraced(() => handler({ proposalId: 'p-1' }, lambdaContext('request-1')));

    const subsegment = handlerSubsegment(segment);
    expect(subsegment.fault).toBe(true);
    expect(JSON.stringify(subsegment.cause)).toContain('Proposal p-1 not found');
  });
});
