import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { renderLocalStateMachines } from '#local/render-state-machines.ts';

interface TaskState {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
}

const [intake] = renderLocalStateMachines({ approvalTimeout: Duration.days(5) });
const states = (intake!.definition as { States: Record<string, TaskState> }).States;
const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task');

describe('the intake workflow definition', () => {
  it('catches every error of every task, so no execution ends without a recorded status', () => {
    for (const [name, state] of tasks) {
      expect(state.Catch?.some((catcher) => catcher.ErrorEquals.includes('States.ALL')), name).toBe(true);
    }
  });

  it('never retries permanent errors or an expiry, and retries them before any transient retrier', () => {
    for (const [name, state] of tasks) {
      const retriers = state.Retry ?? [];
      const noRetry = retriers.findIndex((retrier) => retrier.ErrorEquals.includes('PermanentError'));
      const transient = retriers.findIndex((retrier) => retrier.ErrorEquals.includes('States.TaskFailed'));
      expect(retriers[noRetry]?.MaxAttempts, name).toBe(0);
      expect(retriers[noRetry]?.ErrorEquals, name).toContain('ApprovalExpired');
      expect(noRetry, name).toBeLessThan(transient);
    }
  });

  it('gives the approval callback an explicit timeout beyond the approval deadline', () => {
    const callback = states['Request PMO approval']!;

    expect(callback.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(callback.TimeoutSeconds).toBeGreaterThan(5 * 24 * 3600);
  });

  it('routes an expiry and a timeout to the expired outcome, anything else to the failure record', () => {
    const catchers = states['Request PMO approval']!.Catch!;

    expect(catchers[0]).toMatchObject({ ErrorEquals: ['ApprovalExpired', 'States.Timeout'], Next: 'Approval expired' });
    expect(catchers[1]).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'Record failure' });
  });
});
