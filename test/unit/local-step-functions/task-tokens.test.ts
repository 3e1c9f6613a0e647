import { describe, expect, it } from 'vitest';
import { SfnServiceError } from '#local/step-functions/errors.ts';
import { TaskTokenRegistry } from '#local/step-functions/task-tokens.ts';

const EXECUTION = 'arn:aws:states:us-east-1:000000000000:execution:m:e1';
const LONG = 60_000;

function errorNameOf(action: () => void): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return error instanceof SfnServiceError ? error.name : `unexpected ${String(error)}`;
  }
}

describe('issuing tokens', () => {
  it('gives each task a distinct unguessable token of 48 random bytes', () => {
    const registry = new TaskTokenRegistry();

    const tokens = Array.from({ length: 50 }, () => registry.issue(EXECUTION, 'Wait', LONG).token);

    expect(new Set(tokens).size).toBe(50);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{64}$/);
    registry.cancelExecution(EXECUTION, new Error('done'));
  });
});

describe('SendTaskSuccess', () => {
  it('resolves the task with the parsed output', async () => {
    const registry = new TaskTokenRegistry();
    const issued = registry.issue(EXECUTION, 'Wait', LONG);

    registry.succeed(issued.token, '{"decision":"approve"}');

    await expect(issued.result).resolves.toEqual({ decision: 'approve' });
  });

  it('refuses output that is not JSON with InvalidOutput and keeps the task waiting', () => {
    const registry = new TaskTokenRegistry();
    const issued = registry.issue(EXECUTION, 'Wait', LONG);

    expect(errorNameOf(() => registry.succeed(issued.token, '{nope'))).toBe('InvalidOutput');
    expect(registry.waitingCount(EXECUTION)).toBe(1);
    issued.dispose();
  });

  it('answers TaskDoesNotExist once the token was used', () => {
    const registry = new TaskTokenRegistry();
    const issued = registry.issue(EXECUTION, 'Wait', LONG);
    registry.succeed(issued.token, '{}');

    expect(errorNameOf(() => registry.succeed(issued.token, '{}'))).toBe('TaskDoesNotExist');
  });
});

describe('SendTaskFailure', () => {
  it('rejects the task with an Error named after the given error, the cause as message', async () => {
    const registry = new TaskTokenRegistry();
    const issued = registry.issue(EXECUTION, 'Wait', LONG);

    registry.fail(issued.token, 'ApprovalExpired', 'Deadline passed');

    await expect(issued.result).rejects.toMatchObject({ name: 'ApprovalExpired', message: 'Deadline passed' });
  });
});

describe('token validity', () => {
  it('answers InvalidToken for a malformed token', () => {
    const registry = new TaskTokenRegistry();

    expect(errorNameOf(() => registry.heartbeat('not a token'))).toBe('InvalidToken');
  });

  it('answers TaskDoesNotExist for a well-formed token it never issued', () => {
    const registry = new TaskTokenRegistry();

    expect(errorNameOf(() => registry.heartbeat('x'.repeat(64)))).toBe('TaskDoesNotExist');
  });

  it('answers TaskTimedOut once the task timeout has passed', async () => {
    const registry = new TaskTokenRegistry();
    const issued = registry.issue(EXECUTION, 'Wait', 20);

    await new Promise((resolve) => setTimeout(resolve, 60));

    expect(errorNameOf(() => registry.succeed(issued.token, '{}'))).toBe('TaskTimedOut');
  });

  it('rejects and forgets every waiting task of an execution that ends, and only those', async () => {
    const registry = new TaskTokenRegistry();
    const mine = registry.issue(EXECUTION, 'Wait', LONG);
    const other = registry.issue(`${EXECUTION}-other`, 'Wait', LONG);

    const cancelled = registry.cancelExecution(EXECUTION, new Error('stopped'));

    expect(cancelled).toBe(1);
    await expect(mine.result).rejects.toThrow('stopped');
    expect(errorNameOf(() => registry.heartbeat(mine.token))).toBe('TaskDoesNotExist');
    expect(errorNameOf(() => registry.heartbeat(other.token))).toBeUndefined();
    other.dispose();
  });
});
