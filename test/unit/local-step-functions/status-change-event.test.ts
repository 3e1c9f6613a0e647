import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '#local/step-functions/execution-store.ts';
import { executionStatusChangeEvent } from '#local/step-functions/status-change-event.ts';
import { ExecutionStatusChangeEventSchema } from '#workflows/contracts.ts';

const WHERE = { region: 'us-east-1', accountId: '000000000000' };
const base: ExecutionRecord = {
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:pmo-intake',
  executionArn: 'arn:aws:states:us-east-1:000000000000:execution:pmo-intake:run-1',
  name: 'run-1',
  input: '{"proposalId":"p-1"}',
  status: 'RUNNING',
  startDate: 1_700_000_000_123,
};

describe('the EventBridge "Step Functions Execution Status Change" event', () => {
  it('has the envelope EventBridge gives service events, with the execution as its resource', () => {
    const event = executionStatusChangeEvent(base, WHERE, new Date('2026-01-02T03:04:05.678Z'));

    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '000000000000',
      region: 'us-east-1',
      time: '2026-01-02T03:04:05Z',
      resources: [base.executionArn],
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports a running execution with nulls where it has no end yet', () => {
    const { detail } = executionStatusChangeEvent(base, WHERE);

    expect(detail).toEqual({
      executionArn: base.executionArn,
      stateMachineArn: base.stateMachineArn,
      name: 'run-1',
      status: 'RUNNING',
      startDate: 1_700_000_000_123,
      stopDate: null,
      input: '{"proposalId":"p-1"}',
      inputDetails: { included: true },
      output: null,
      outputDetails: null,
      error: null,
      cause: null,
    });
  });

  it('reports a stopped execution with its stop date (epoch ms), error and cause', () => {
    const stopped: ExecutionRecord = { ...base, status: 'ABORTED', stopDate: 1_700_000_005_000, error: 'Cancelled', cause: 'By the PMO' };

    const { detail } = executionStatusChangeEvent(stopped, WHERE);

    expect(detail).toMatchObject({ status: 'ABORTED', stopDate: 1_700_000_005_000, error: 'Cancelled', cause: 'By the PMO', output: null });
  });

  it('reports a succeeded execution with its output', () => {
    const succeeded: ExecutionRecord = { ...base, status: 'SUCCEEDED', stopDate: 1_700_000_005_000, output: '{"ok":true}' };

    const { detail } = executionStatusChangeEvent(succeeded, WHERE);

    expect(detail).toMatchObject({ output: '{"ok":true}', outputDetails: { included: true }, error: null });
  });

  it("is what the product's event schema accepts", () => {
    const event = executionStatusChangeEvent({ ...base, status: 'TIMED_OUT', stopDate: 1_700_000_005_000, error: 'States.Timeout' }, WHERE);

    expect(ExecutionStatusChangeEventSchema.safeParse(event).success).toBe(true);
  });
});
