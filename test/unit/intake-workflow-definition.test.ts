import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { renderLocalStateMachines } from '#local/render-state-machines.ts';

interface State {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  ItemProcessor?: { StartAt: string; States: Record<string, State> };
  ItemsPath?: string;
}

const [intake] = renderLocalStateMachines({ longestApprovalWait: () => Duration.days(5) });
const states = (intake!.definition as { States: Record<string, State> }).States;
const askApprovers = states['Ask level approvers']!;
const nested = askApprovers.ItemProcessor!.States;
const allTasks = [...Object.entries(states), ...Object.entries(nested)].filter(([, state]) => state.Type === 'Task');

describe('the intake workflow definition', () => {
  it('catches every error of every top-level task and of the approvers map, so no execution ends without a recorded status', () => {
    for (const [name, state] of Object.entries(states).filter(([, candidate]) => candidate.Type === 'Task' || candidate.Type === 'Map')) {
      expect(state.Catch?.some((catcher) => catcher.ErrorEquals.includes('States.ALL')), name).toBe(true);
    }
  });

  it('never retries permanent errors or an expiry, and lists them before any transient retrier', () => {
    for (const [name, state] of allTasks) {
      const retriers = state.Retry ?? [];
      const noRetry = retriers.findIndex((retrier) => retrier.ErrorEquals.includes('PermanentError'));
      const transient = retriers.findIndex((retrier) => retrier.ErrorEquals.includes('States.TaskFailed'));
      expect(retriers[noRetry]?.MaxAttempts, name).toBe(0);
      expect(retriers[noRetry]?.ErrorEquals, name).toContain('ApprovalExpired');
      expect(noRetry, name).toBeLessThan(transient);
    }
  });

  it('asks the approvers of a level in parallel, one callback each, from the list the review step gives', () => {
    expect(askApprovers.Type).toBe('Map');
    expect(askApprovers.ItemsPath).toBe('$.progress.review.nextLevel.assignees');
    expect(nested['Request approval']!.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
  });

  it('gives the approval callback an explicit timeout beyond the longest approval deadline', () => {
    expect(nested['Request approval']!.TimeoutSeconds).toBe(5 * 24 * 3600 + 3600);
  });

  it('turns an expiry or a timeout into an "expired" answer of that approver', () => {
    expect(nested['Request approval']!.Catch).toEqual([{ ErrorEquals: ['ApprovalExpired', 'States.Timeout'], Next: 'No answer in time' }]);
    expect(nested['No answer in time']).toMatchObject({ Type: 'Pass', Result: { decision: 'expired' }, End: true });
  });

  it('loops back to the review step after each level, and records the outcome when the review is done', () => {
    expect((askApprovers as { Next?: string }).Next).toBe('Advance review');
    expect(states['Review finished?']).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.progress.review.done', BooleanEquals: true, Next: 'Record outcome' }],
      Default: 'Ask level approvers',
    });
  });
});
