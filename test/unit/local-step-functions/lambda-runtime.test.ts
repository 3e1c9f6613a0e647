import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalLambdaRuntime } from '#local/lambda-runtime.ts';

const HANDLER = new URL('./fixtures/logging-handler.ts', import.meta.url).href;

interface LogLine {
  readonly message: string;
  readonly finished?: string;
  readonly subject?: string;
  readonly function_name?: string;
  readonly function_request_id?: string;
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs `work` and returns the JSON log lines it printed. */
async function logLinesOf(work: () => Promise<unknown>): Promise<LogLine[]> {
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (String(chunk).startsWith('{')) {
      printed.push(String(chunk));
      return true;
    }
    return write(chunk, ...(rest as []));
  });
  await work();
  vi.restoreAllMocks();
  return printed.map((line) => JSON.parse(line) as LogLine);
}

describe('the local Lambda runtime', () => {
  it('runs concurrent invocations each in its own invoke context', async () => {
    const runtime = await LocalLambdaRuntime.start();

    expect(runtime.concurrent).toBe(true);
    expect(process.env.AWS_LAMBDA_MAX_CONCURRENCY).toBeDefined();
  });

  it('labels each log line with its own invocation and correlation keys when invocations overlap', async () => {
    const runtime = await LocalLambdaRuntime.start();
    let results: { requestId: string }[] = [];

    // The first waits longest, so the second starts (and appends its keys) while the first runs.
    const lines = await logLinesOf(async () => {
      results = (await Promise.all([
        runtime.invoke(HANDLER, 'slowFunction', { id: 'a', waitMs: 60 }),
        runtime.invoke(HANDLER, 'quickFunction', { id: 'b', waitMs: 10 }),
      ])) as { requestId: string }[];
    });

    const lineOf = (id: string) => lines.find((line) => line.finished === id);
    expect(lineOf('a')).toMatchObject({ subject: 'order:a', function_name: 'slowFunction', function_request_id: results[0]?.requestId });
    expect(lineOf('b')).toMatchObject({ subject: 'order:b', function_name: 'quickFunction', function_request_id: results[1]?.requestId });
  });
});
