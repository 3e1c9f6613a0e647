import { randomUUID } from 'node:crypto';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';

/** A handler module as the catalogue names it: `export const handler = async (event, context) => …`. */
interface HandlerModule {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
}

/**
 * Runs Lambda handlers in-process, the way Lambda's Node.js runtime does when one environment
 * serves invocations concurrently: each invocation runs in its own invoke context (the runtime's
 * `InvokeStore`, backed by AsyncLocalStorage, with `AWS_LAMBDA_MAX_CONCURRENCY` set), which is
 * where Powertools Logger keeps the Lambda context, the appended keys and the log level. Without
 * it, handlers running at the same time in one process share one logger state and label each
 * other's log lines (request id, function name, correlation keys).
 */
export class LocalLambdaRuntime {
  private constructor(private readonly store: InvokeStoreBase | undefined) {}

  /**
   * Sets up the invoke context. Call it before any handler module is imported: Powertools reads
   * `AWS_LAMBDA_MAX_CONCURRENCY` and expects the store to exist from then on.
   */
  static async start(): Promise<LocalLambdaRuntime> {
    const store = await InvokeStore.getInstanceAsync(true);
    // Powertools must only scope its state when the store really keeps contexts apart; a store
    // created earlier without AsyncLocalStorage would not.
    if (!(await keepsContextsApart(store))) return new LocalLambdaRuntime(undefined);
    process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';
    return new LocalLambdaRuntime(store);
  }

  /** Whether concurrent invocations each get their own invoke context. */
  get concurrent(): boolean {
    return this.store !== undefined;
  }

  /** Calls the module's handler with a JSON copy of `payload`, as Lambda would: JSON in, JSON out. */
  async invoke(moduleUrl: string, functionName: string, payload: unknown): Promise<unknown> {
    const module = (await import(/* @vite-ignore */ moduleUrl)) as HandlerModule;
    const awsRequestId = randomUUID();
    const event = JSON.parse(JSON.stringify(payload ?? null));
    const call = () => module.handler(event, { functionName, awsRequestId });
    const result = await (this.store ? this.store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: awsRequestId }, call) : call());
    return result === undefined ? null : JSON.parse(JSON.stringify(result));
  }
}

async function keepsContextsApart(store: InvokeStoreBase): Promise<boolean> {
  const key = Symbol('probe');
  const read = (value: number) =>
    store.run({ [key]: value }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return store.get(key);
    });
  const [first, second] = await Promise.all([read(1), read(2)]);
  return first === 1 && second === 2;
}
