/**
 * A coarse execution history: the interpreter's event log mapped to Step Functions history event
 * types. State inputs and outputs are not kept (they may hold personal data and would make the
 * history unbounded); the execution's input and output are added from its record when served.
 */

/** One event as stored: `timestamp` in epoch ms; `details` under the API's `<x>EventDetails` key. */
export interface StoredHistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: string;
  readonly detailsKey?: string;
  readonly details?: Record<string, unknown>;
}

export type NewHistoryEvent = Omit<StoredHistoryEvent, 'id' | 'previousEventId'>;

/** The interpreter's event, as much of it as is mapped (its `EventLog` type is not exported). */
export interface InterpreterEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly state?: { readonly name: string; readonly type: string };
  readonly parentState?: { readonly name: string; readonly type: string };
  readonly index?: number;
  readonly Error?: string;
  readonly Cause?: unknown;
}

/** Most events a history keeps (the first, ExecutionStarted, and then the latest). */
export const MAX_HISTORY_EVENTS = 1000;
const MAX_CAUSE_CHARS = 1000;

const STATE_EVENT_PREFIX: Record<string, string> = {
  Task: 'Task',
  Pass: 'Pass',
  Choice: 'Choice',
  Wait: 'Wait',
  Succeed: 'Succeed',
  Fail: 'Fail',
  Parallel: 'Parallel',
  Map: 'Map',
};

function causeText(cause: unknown): string {
  let text: string;
  if (typeof cause === 'string') text = cause;
  else if (cause instanceof Error) text = cause.message;
  else text = JSON.stringify(cause) ?? '';
  return text.length > MAX_CAUSE_CHARS ? `${text.slice(0, MAX_CAUSE_CHARS)}…` : text;
}

/** The resource type and name of a task's history details, from its `Resource`. */
export function taskResourceOf(resource: string | undefined): { resourceType: string; resource: string } {
  const service = /^arn:aws[a-z-]*:states:::([^:]+):(.+)$/.exec(resource ?? '');
  if (service?.[1] && service[2]) return { resourceType: service[1], resource: service[2] };
  if (resource?.includes(':lambda:')) return { resourceType: 'lambda', resource: 'invoke' };
  return { resourceType: 'unknown', resource: resource ?? '' };
}

/**
 * The history event for an interpreter event, or undefined for events with no Step Functions
 * counterpart (retries, catches, parallel branches). `taskResource` names a Task state's resource.
 */
export function mapInterpreterEvent(
  event: InterpreterEvent,
  taskResource: (stateName: string) => string | undefined,
): NewHistoryEvent | undefined {
  const { timestamp } = event;
  const stateName = event.state?.name ?? '';
  const prefix = STATE_EVENT_PREFIX[event.state?.type ?? ''];
  switch (event.type) {
    case 'ExecutionStarted':
      return { timestamp, type: 'ExecutionStarted', detailsKey: 'executionStartedEventDetails', details: {} };
    case 'ExecutionSucceeded':
      return { timestamp, type: 'ExecutionSucceeded', detailsKey: 'executionSucceededEventDetails', details: {} };
    case 'ExecutionFailed':
      return {
        timestamp,
        type: 'ExecutionFailed',
        detailsKey: 'executionFailedEventDetails',
        details: { error: event.Error ?? '', cause: causeText(event.Cause) },
      };
    case 'ExecutionAborted':
      return { timestamp, type: 'ExecutionAborted', detailsKey: 'executionAbortedEventDetails', details: {} };
    case 'ExecutionTimeout':
      return { timestamp, type: 'ExecutionTimedOut', detailsKey: 'executionTimedOutEventDetails', details: {} };
    case 'StateEntered':
      if (!prefix) return undefined;
      return {
        timestamp,
        type: `${prefix}StateEntered`,
        detailsKey: 'stateEnteredEventDetails',
        details: { name: stateName },
      };
    case 'StateExited':
      if (!prefix || prefix === 'Fail') return undefined;
      return {
        timestamp,
        type: `${prefix}StateExited`,
        detailsKey: 'stateExitedEventDetails',
        details: { name: stateName },
      };
    case 'StateFailed': {
      if (prefix === 'Task') {
        const timedOut = event.Error === 'States.Timeout';
        return {
          timestamp,
          type: timedOut ? 'TaskTimedOut' : 'TaskFailed',
          detailsKey: timedOut ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails',
          details: { ...taskResourceOf(taskResource(stateName)), error: event.Error ?? '', cause: causeText(event.Cause) },
        };
      }
      if (prefix === 'Map' || prefix === 'Parallel') return { timestamp, type: `${prefix}StateFailed` };
      return undefined;
    }
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed': {
      const detailsKey = `${event.type[0]?.toLowerCase()}${event.type.slice(1)}EventDetails`;
      return { timestamp, type: event.type, detailsKey, details: { name: event.parentState?.name ?? '', index: event.index ?? 0 } };
    }
    default:
      return undefined;
  }
}

/** A bounded, append-only list of history events with AWS-style ids. */
export class HistoryLog {
  private readonly events: StoredHistoryEvent[];
  private nextId: number;

  constructor(initial: readonly StoredHistoryEvent[] = []) {
    this.events = [...initial];
    this.nextId = (initial.at(-1)?.id ?? 0) + 1;
  }

  get length(): number {
    return this.events.length;
  }

  append(event: NewHistoryEvent): void {
    const id = this.nextId;
    this.nextId += 1;
    this.events.push({ ...event, id, previousEventId: id - 1 });
    if (this.events.length > MAX_HISTORY_EVENTS) this.events.splice(1, this.events.length - MAX_HISTORY_EVENTS);
  }

  hasType(type: string): boolean {
    return this.events.some((event) => event.type === type);
  }

  toArray(): StoredHistoryEvent[] {
    return [...this.events];
  }
}
