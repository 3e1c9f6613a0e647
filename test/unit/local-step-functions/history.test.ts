import { describe, expect, it } from 'vitest';
import { HistoryLog, mapInterpreterEvent, MAX_HISTORY_EVENTS } from '#local/step-functions/history.ts';

const resourceOf = () => 'arn:aws:states:::lambda:invoke.waitForTaskToken';

describe('mapping interpreter events to history events', () => {
  it('names state events after the state type, without the state input', () => {
    const mapped = mapInterpreterEvent(
      { type: 'StateEntered', timestamp: 5, state: { name: 'Score', type: 'Task' } },
      resourceOf,
    );

    expect(mapped).toEqual({ timestamp: 5, type: 'TaskStateEntered', detailsKey: 'stateEnteredEventDetails', details: { name: 'Score' } });
  });

  it('maps a task failing on States.Timeout to TaskTimedOut with the task resource', () => {
    const mapped = mapInterpreterEvent(
      { type: 'StateFailed', timestamp: 5, state: { name: 'Approve', type: 'Task' }, Error: 'States.Timeout', Cause: 'late' },
      resourceOf,
    );

    expect(mapped).toMatchObject({
      type: 'TaskTimedOut',
      details: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error: 'States.Timeout', cause: 'late' },
    });
  });

  it('leaves out events that Step Functions has no type for', () => {
    expect(mapInterpreterEvent({ type: 'StateRetried', timestamp: 5, state: { name: 'A', type: 'Task' } }, resourceOf)).toBeUndefined();
  });
});

describe('the history log', () => {
  it('numbers events and links each to the previous one', () => {
    const log = new HistoryLog();
    log.append({ timestamp: 1, type: 'ExecutionStarted' });
    log.append({ timestamp: 2, type: 'ExecutionSucceeded' });

    expect(log.toArray().map(({ id, previousEventId }) => [id, previousEventId])).toEqual([
      [1, 0],
      [2, 1],
    ]);
  });

  it('stays bounded, keeping the first event and the latest ones', () => {
    const log = new HistoryLog();
    for (let i = 0; i < MAX_HISTORY_EVENTS + 50; i += 1) log.append({ timestamp: i, type: i === 0 ? 'ExecutionStarted' : 'PassStateEntered' });

    const events = log.toArray();
    expect(events).toHaveLength(MAX_HISTORY_EVENTS);
    expect(events[0]?.type).toBe('ExecutionStarted');
    expect(events.at(-1)?.id).toBe(MAX_HISTORY_EVENTS + 50);
  });

  it('continues the numbering of a history loaded after a restart', () => {
    const log = new HistoryLog([{ id: 7, previousEventId: 6, timestamp: 1, type: 'TaskStateEntered' }]);
    log.append({ timestamp: 2, type: 'TaskStateExited' });

    expect(log.toArray().at(-1)).toMatchObject({ id: 8, previousEventId: 7 });
  });
});
