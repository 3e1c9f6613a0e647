import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { WorkflowKey } from '#workflows/contracts.ts';
import { sfnClient } from './sfn-client.ts';
import { environment } from './environment.ts';

/** Errors that mean a callback token no longer waits: the task ended, timed out or was replaced. */
const STALE_TOKEN_ERRORS = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

/** The outcome of handing an answer to a waiting task. */
export type DeliveryResult = 'delivered' | 'stale-token';

async function deliver(send: () => Promise<unknown>): Promise<DeliveryResult> {
  try {
    await send();
    return 'delivered';
  } catch (error) {
    if (error instanceof Error && STALE_TOKEN_ERRORS.has(error.name)) return 'stale-token';
    throw error;
  }
}

/** Starts and resumes workflows. */
export const workflowClient = {
  /**
   * Starts a workflow under a name derived from its subject, so a retried start finds the
   * execution already running instead of starting a second one.
   */
  async start(workflow: WorkflowKey, executionName: string, input: Record<string, unknown>): Promise<void> {
    try {
      await sfnClient.send(
        new StartExecutionCommand({
          stateMachineArn: environment.stateMachineArn(workflow),
          name: executionName,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      // The name is taken only by this subject's own execution: it was started already.
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  },

  /** Resumes a callback task with its result. */
  async succeed(taskToken: string, output: unknown): Promise<DeliveryResult> {
    return deliver(() => sfnClient.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
  },

  /** Fails a callback task with a named error the state machine catches. */
  async fail(taskToken: string, error: string, cause: string): Promise<DeliveryResult> {
    return deliver(() => sfnClient.send(new SendTaskFailureCommand({ taskToken, error, cause })));
  },
};
