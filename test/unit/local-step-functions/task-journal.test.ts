import { describe, expect, it } from 'vitest';
import { TaskJournal } from '#local/step-functions/task-journal.ts';

describe('the task journal', () => {
  it('hands out the runs of a state in the order they were called', () => {
    const journal = new TaskJournal();
    journal.schedule('Request approval', { slot: 0 }, undefined);
    journal.schedule('Request approval', { slot: 1 }, undefined);

    const first = journal.takeScheduled('Request approval');
    const second = journal.takeScheduled('Request approval');

    expect([first?.parameters, second?.parameters]).toEqual([{ slot: 0 }, { slot: 1 }]);
    expect(journal.takeScheduled('Request approval')).toBeUndefined();
  });

  it('finishes the run that succeeded, whichever of the started runs it is', () => {
    const journal = new TaskJournal();
    const slow = journal.schedule('Request approval', { slot: 0 }, undefined);
    const quick = journal.schedule('Request approval', { slot: 1 }, undefined);
    journal.takeScheduled('Request approval');
    journal.takeScheduled('Request approval');
    quick.settled = { at: 1, ok: true, output: { decision: 'approve' } };

    const finished = journal.takeSucceeded('Request approval');

    expect(finished).toBe(quick);
    expect(slow.phase).toBe('started');
  });

  it('finishes a run that is still running when its state fails (a timeout)', () => {
    const journal = new TaskJournal();
    const run = journal.schedule('Score', {}, 5);
    journal.takeScheduled('Score');

    expect(journal.takeFailed('Score')).toBe(run);
    expect(journal.takeSucceeded('Score')).toBeUndefined();
  });

  it('does not finish a run whose start is not yet in the history', () => {
    const journal = new TaskJournal();
    const run = journal.schedule('Score', {}, undefined);
    run.settled = { at: 1, ok: true, output: {} };

    expect(journal.takeSucceeded('Score')).toBeUndefined();
  });
});
