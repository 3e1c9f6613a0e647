import { randomUUID } from 'node:crypto';
import type { ExecutionRecord } from './execution-store.ts';

/**
 * An EventBridge "Step Functions Execution Status Change" event, in the shape Step Functions sends
 * to the default event bus (source `aws.states`): dates in epoch milliseconds, absent values as
 * `null`, the input always included.
 */
export interface ExecutionStatusChangeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Step Functions Execution Status Change';
  readonly source: 'aws.states';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly [string];
  readonly detail: {
    readonly executionArn: string;
    readonly stateMachineArn: string;
    readonly name: string;
    readonly status: ExecutionRecord['status'];
    readonly startDate: number;
    readonly stopDate: number | null;
    readonly input: string;
    readonly inputDetails: { readonly included: true };
    readonly output: string | null;
    readonly outputDetails: { readonly included: true } | null;
    readonly error: string | null;
    readonly cause: string | null;
  };
}

/** Hears every status change of every execution (RUNNING on start, then how it ended). */
export type ExecutionStatusChangeListener = (event: ExecutionStatusChangeEvent) => void | Promise<void>;

/** The event Step Functions sends when an execution reaches `record.status`. */
export function executionStatusChangeEvent(
  record: ExecutionRecord,
  where: { readonly region: string; readonly accountId: string },
  now = new Date(),
): ExecutionStatusChangeEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: where.accountId,
    // EventBridge stamps events to the second.
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: where.region,
    resources: [record.executionArn],
    detail: {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: record.startDate,
      stopDate: record.status === 'RUNNING' ? null : (record.stopDate ?? null),
      input: record.input,
      inputDetails: { included: true },
      output: record.output ?? null,
      outputDetails: record.output === undefined ? null : { included: true },
      error: record.error ?? null,
      cause: record.cause ?? null,
    },
  };
}
