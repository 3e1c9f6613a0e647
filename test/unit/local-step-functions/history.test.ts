import { describe, expect, it } from 'vitest';
import {
  dataField,
  fitHistory,
  HistoryLog,
  MAX_DATA_CHARS,
  MAX_HISTORY_EVENTS,
  mapInterpreterEvent,
  type StoredHistoryEvent,
  taskEvent,
} from '#local/step-functions/history.ts';

const resourceOf = () => 'arn:aws:states:::lambda:invoke.waitForTaskToken';

describe('mapping interpreter events to history events', () => {
  it('names state events after the state type, with the state input as JSON text', () => {
    const mapped = mapInterpreterEvent(
      { type: 'StateEntered', timestamp: 5, state: { name: 'Score', type: 'Task', input: { proposalId: 'p-1' } } },
      resourceOf,
    );

    expect(mapped).toEqual({
      timestamp: 5,
      type: 'TaskStateEntered',
      detailsKey: 'stateEnteredEventDetails',
      details: { name: 'Score', input: '{"proposalId":"p-1"}', inputDetails: { truncated: false } },
    });
  });

  it('gives a state exit the state output', () => {
    const mapped = mapInterpreterEvent(
      { type: 'StateExited', timestamp: 5, state: { name: 'Score', type: 'Task', input: {}, output: { score: 80 } } },
      resourceOf,
    );

    expect(mapped?.details).toEqual({ name: 'Score', output: '{"score":80}', outputDetails: { truncated: false } });
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

describe('execution data in history events', () => {
  it('cuts a value longer than the cap and marks it truncated', () => {
    const field = dataField('output', 'x'.repeat(MAX_DATA_CHARS + 10));

    expect(field.output).toHaveLength(MAX_DATA_CHARS);
    expect(field.outputDetails).toEqual({ truncated: true });
  });

  it("names a task event's details after its type and its resource", () => {
    const event = taskEvent('TaskScheduled', 7, 'arn:aws:states:::lambda:invoke', { region: 'us-east-1' });

    expect(event).toEqual({
      timestamp: 7,
      type: 'TaskScheduled',
      detailsKey: 'taskScheduledEventDetails',
      details: { resourceType: 'lambda', resource: 'invoke', region: 'us-east-1' },
    });
  });
});

describe('fitting a history into one stored item', () => {
  const event = (id: number, input: string): StoredHistoryEvent => ({
    id,
    previousEventId: id - 1,
    timestamp: id,
    type: 'PassStateEntered',
    detailsKey: 'stateEnteredEventDetails',
    details: { name: `S${id}`, input, inputDetails: { truncated: false } },
  });

  it('leaves a history that fits as it is', () => {
    const events = [event(1, '"small"'), event(2, '"small"')];

    expect(fitHistory(events, 10_000)).toEqual(events);
  });

  it('sheds the data of the oldest events first, marking it truncated, until the history fits', () => {
    const events = [1, 2, 3, 4].map((id) => event(id, JSON.stringify('x'.repeat(1000))));

    // Shedding one event's 1 KB input is not enough; shedding two is.
    const budget = Buffer.byteLength(JSON.stringify(events)) - 1500;

    const fitted = fitHistory(events, budget);

    expect(fitted.map((fittedEvent) => fittedEvent.details?.input === '')).toEqual([true, true, false, false]);
    expect(fitted[0]?.details?.inputDetails).toEqual({ truncated: true });
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThanOrEqual(budget);
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

describe('the history log of a waiting execution', () => {
  it('sheds the data of its oldest events once it outgrows its byte budget', () => {
    const budget = 5000;
    const log = new HistoryLog([], budget);

    for (let i = 1; i <= 10; i += 1) {
      log.append({
        timestamp: i,
        type: 'PassStateEntered',
        detailsKey: 'stateEnteredEventDetails',
        details: { name: `S${i}`, ...dataField('input', 'x'.repeat(1000)) },
      });
    }

    const events = log.toArray();
    expect(events).toHaveLength(10);
    expect(Buffer.byteLength(JSON.stringify(events))).toBeLessThanOrEqual(budget);
    expect(events[0]?.details?.inputDetails).toEqual({ truncated: true });
    expect(events.at(-1)?.details?.input).toBe(JSON.stringify('x'.repeat(1000)));
  });

  it('counts its size as the JSON it is stored as, also after dropping its oldest events', () => {
    const log = new HistoryLog();
    log.append({ timestamp: 0, type: 'ExecutionStarted' });
    for (let i = 1; i <= MAX_HISTORY_EVENTS + 5; i += 1) {
      log.append({ timestamp: i, type: 'PassStateEntered', detailsKey: 'stateEnteredEventDetails', details: { name: `Ünïcode ${'x'.repeat(i % 7)}` } });
    }

    expect(log.bytes).toBe(Buffer.byteLength(JSON.stringify(log.toArray())));
  });
});
