import { randomBytes } from 'node:crypto';
import { SfnServiceError } from './errors.ts';

/** How a token of this service looks: 48 random bytes, base64url (64 characters). */
const TOKEN_BYTES = 48;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{64}$/;

/** How many timed-out tokens are remembered (to answer `TaskTimedOut` rather than `TaskDoesNotExist`). */
const DEFAULT_TIMED_OUT_MEMORY = 10_000;

/** Largest output SendTaskSuccess accepts, as on AWS (256 KiB). */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/** A callback task waiting for its token to come back. */
export interface IssuedTaskToken {
  readonly token: string;
  /** Settles with the parsed output of SendTaskSuccess, or rejects with the SendTaskFailure error. */
  readonly result: Promise<unknown>;
  /** Forgets the token (the task ended some other way); later calls answer `TaskDoesNotExist`. */
  dispose(): void;
}

interface PendingTask {
  readonly executionArn: string;
  readonly stateName: string;
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The task tokens of callback (`.waitForTaskToken`) tasks. A token is unguessable, bound to one
 * execution and state, valid until the task ends: SendTaskSuccess/SendTaskFailure ends it, the
 * task's timeout invalidates it (answered `TaskTimedOut`), and the end or stop of its execution
 * forgets it (answered `TaskDoesNotExist`).
 */
export class TaskTokenRegistry {
  private readonly pending = new Map<string, PendingTask>();
  private readonly timedOut = new Set<string>();

  constructor(private readonly timedOutMemory = DEFAULT_TIMED_OUT_MEMORY) {}

  /**
   * Registers a new token for a task of an execution. The token times out after `timeoutMs`:
   * call this in the same tick as the interpreter arms its own timer of the same length, so that
   * the token is invalid by the time the interpreter fails the task with `States.Timeout`.
   */
  issue(executionArn: string, stateName: string, timeoutMs: number): IssuedTaskToken {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    let resolve!: (output: unknown) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // The task may end another way (timeout, stop) before anyone awaits a rejection.
    promise.catch(() => undefined);
    const timer = setTimeout(() => {
      if (this.pending.delete(token)) this.rememberTimedOut(token);
    }, timeoutMs);
    timer.unref();
    this.pending.set(token, { executionArn, stateName, resolve, reject, timer });
    return { token, result: promise, dispose: () => this.forget(token) };
  }

  /** SendTaskSuccess: `outputJson` must be a JSON text of at most 256 KiB. */
  succeed(token: string, outputJson: string): void {
    const task = this.lookup(token);
    if (Buffer.byteLength(outputJson, 'utf8') > MAX_PAYLOAD_BYTES) {
      throw new SfnServiceError('InvalidOutput', 'The output exceeds the maximum size of 262144 bytes.');
    }
    let output: unknown;
    try {
      output = JSON.parse(outputJson);
    } catch {
      throw new SfnServiceError('InvalidOutput', 'Invalid State Machine Output: the output is not valid JSON.');
    }
    this.forget(token);
    task.resolve(output);
  }

  /** SendTaskFailure: the task fails with an error named `error` (Retry and Catch match on it). */
  fail(token: string, error: string | undefined, cause: string | undefined): void {
    const task = this.lookup(token);
    this.forget(token);
    const failure = new Error(cause ?? '');
    failure.name = error ?? '';
    task.reject(failure);
  }

  /** SendTaskHeartbeat: checks the token. (`HeartbeatSeconds` is not enforced locally.) */
  heartbeat(token: string): void {
    this.lookup(token);
  }

  /**
   * Ends every waiting task of an execution with `reason` and forgets their tokens: the
   * execution ended, was stopped or is being abandoned.
   */
  cancelExecution(executionArn: string, reason: Error): number {
    let cancelled = 0;
    for (const [token, task] of this.pending) {
      if (task.executionArn !== executionArn) continue;
      this.forget(token);
      task.reject(reason);
      cancelled += 1;
    }
    return cancelled;
  }

  /** How many tokens are waiting (of one execution, or of all). */
  waitingCount(executionArn?: string): number {
    if (executionArn === undefined) return this.pending.size;
    let count = 0;
    for (const task of this.pending.values()) if (task.executionArn === executionArn) count += 1;
    return count;
  }

  private lookup(token: string): PendingTask {
    if (!TOKEN_PATTERN.test(token)) {
      throw new SfnServiceError('InvalidToken', 'Invalid token: the task token is malformed.');
    }
    const task = this.pending.get(token);
    if (task) return task;
    if (this.timedOut.has(token)) {
      throw new SfnServiceError('TaskTimedOut', 'Task Timed Out: the task of this token timed out.');
    }
    throw new SfnServiceError('TaskDoesNotExist', 'Task Does Not Exist: the task of this token is not waiting.');
  }

  private forget(token: string): void {
    const task = this.pending.get(token);
    if (!task) return;
    clearTimeout(task.timer);
    this.pending.delete(token);
  }

  private rememberTimedOut(token: string): void {
    this.timedOut.add(token);
    if (this.timedOut.size > this.timedOutMemory) {
      const oldest = this.timedOut.values().next().value;
      if (oldest !== undefined) this.timedOut.delete(oldest);
    }
  }
}
