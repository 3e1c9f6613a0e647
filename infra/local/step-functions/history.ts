/**
 * The execution history: the interpreter's event log mapped to Step Functions history event types,
 * with the state inputs and outputs and the task parameters and results that the service records
 * (GetExecutionHistory serves them unless `includeExecutionData` is false, as on AWS). Each data
 * field is capped, and a history that would outgrow one DynamoDB item sheds the data of its oldest
 * events first (marked `truncated`, as AWS marks data it cut).
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
  readonly state?: { readonly name: string; readonly type: string; readonly input?: unknown; readonly output?: unknown };
  readonly parentState?: { readonly name: string; readonly type: string };
  readonly index?: number;
  readonly Error?: string;
  readonly Cause?: unknown;
}

/** Most events a history keeps (the first, ExecutionStarted, and then the latest). */
export const MAX_HISTORY_EVENTS = 1000;
/** Most characters of one input, output or parameters text kept in a stored event. */
export const MAX_DATA_CHARS = 64 * 1024;
/** What a stored history may weigh as JSON: under DynamoDB's 400 KB item, with room for the keys. */
export const MAX_HISTORY_BYTES = 350 * 1024;
const MAX_CAUSE_CHARS = 1000;

/** The detail fields that carry execution data: left out when `includeExecutionData` is false. */
export const DATA_FIELDS = ['input', 'inputDetails', 'output', 'outputDetails', 'parameters'] as const;

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

/**
 * A JSON value as a history event carries it: `{ input: "<json>", inputDetails: { truncated } }`
 * under the given field name, cut at {@link MAX_DATA_CHARS}.
 */
export function dataField(field: 'input' | 'output', value: unknown): Record<string, unknown> {
  const text = JSON.stringify(value ?? null);
  const truncated = text.length > MAX_DATA_CHARS;
  return { [field]: truncated ? text.slice(0, MAX_DATA_CHARS) : text, [`${field}Details`]: { truncated } };
}

/** A task's parameters as `TaskScheduled` carries them (a JSON text, without a details object). */
export function parametersField(value: unknown): { parameters: string } {
  const text = JSON.stringify(value ?? null);
  return { parameters: text.length > MAX_DATA_CHARS ? text.slice(0, MAX_DATA_CHARS) : text };
}

/** The resource type and name of a task's history details, from its `Resource`. */
export function taskResourceOf(resource: string | undefined): { resourceType: string; resource: string } {
  const service = /^arn:aws[a-z-]*:states:::([^:]+):(.+)$/.exec(resource ?? '');
  if (service?.[1] && service[2]) return { resourceType: service[1], resource: service[2] };
  if (resource?.includes(':lambda:')) return { resourceType: 'lambda', resource: 'invoke' };
  return { resourceType: 'unknown', resource: resource ?? '' };
}

/** A task event (`TaskScheduled`, `TaskStarted`, `TaskSubmitted`, `TaskSucceeded`, `TaskFailed`) of a Task state's resource. */
export function taskEvent(type: string, timestamp: number, resource: string | undefined, details: Record<string, unknown> = {}): NewHistoryEvent {
  return {
    timestamp,
    type,
    detailsKey: `${type[0]?.toLowerCase()}${type.slice(1)}EventDetails`,
    details: { ...taskResourceOf(resource), ...details },
  };
}

/**
 * The history event for an interpreter event, or undefined for events with no Step Functions
 * counterpart of their own (retries, catches, parallel branches). `taskResource` names a Task
 * state's resource. The task events between a Task state's entry and exit, and a Map's or
 * Parallel's start and success, are added by the runner, which knows what each task was given.
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
        details: { name: stateName, ...dataField('input', event.state?.input) },
      };
    case 'StateExited':
      if (!prefix || prefix === 'Fail') return undefined;
      return {
        timestamp,
        type: `${prefix}StateExited`,
        detailsKey: 'stateExitedEventDetails',
        details: { name: stateName, ...dataField('output', event.state?.output) },
      };
    case 'StateFailed': {
      if (prefix === 'Task') {
        const timedOut = event.Error === 'States.Timeout';
        return taskEvent(timedOut ? 'TaskTimedOut' : 'TaskFailed', timestamp, taskResource(stateName), {
          error: event.Error ?? '',
          cause: causeText(event.Cause),
        });
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

/**
 * The events with their data shed, oldest first (the execution's own input stays: it is served
 * from the record), until the whole weighs at most `maxBytes` as JSON.
 */
export function fitHistory(events: readonly StoredHistoryEvent[], maxBytes = MAX_HISTORY_BYTES): StoredHistoryEvent[] {
  const fitted = [...events];
  let size = Buffer.byteLength(JSON.stringify(fitted), 'utf8');
  for (let index = 0; index < fitted.length && size > maxBytes; index += 1) {
    const event = fitted[index]!;
    const details = event.details;
    if (!details || !DATA_FIELDS.some((field) => typeof details[field] === 'string' && details[field] !== '')) continue;
    const shed: Record<string, unknown> = { ...details };
    for (const field of ['input', 'output'] as const) {
      if (typeof shed[field] === 'string') {
        shed[field] = '';
        shed[`${field}Details`] = { truncated: true };
      }
    }
    if (typeof shed.parameters === 'string') shed.parameters = '';
    const before = Buffer.byteLength(JSON.stringify(event), 'utf8');
    fitted[index] = { ...event, details: shed };
    size -= before - Buffer.byteLength(JSON.stringify(fitted[index]), 'utf8');
  }
  return fitted;
}

/**
 * A bounded, append-only list of history events with AWS-style ids. A running execution keeps it in
 * memory for as long as it waits (days, for an approval), so it is bounded in events
 * ({@link MAX_HISTORY_EVENTS}) and in bytes: past `maxBytes` as JSON it sheds the data of its oldest
 * events, as {@link fitHistory} does for the stored item, and holds no more than what is stored.
 */
export class HistoryLog {
  private events: StoredHistoryEvent[];
  /** Each event's JSON size in bytes, in step with `events`, and their sum. */
  private sizes: number[];
  private sizeSum: number;
  private nextId: number;

  constructor(
    initial: readonly StoredHistoryEvent[] = [],
    private readonly maxBytes = MAX_HISTORY_BYTES,
  ) {
    this.events = [...initial];
    this.sizes = this.events.map(jsonBytes);
    this.sizeSum = sum(this.sizes);
    this.nextId = (initial.at(-1)?.id ?? 0) + 1;
  }

  get length(): number {
    return this.events.length;
  }

  /** The history's size as a JSON array, in bytes. */
  get bytes(): number {
    return this.sizeSum + Math.max(0, this.sizes.length - 1) + 2;
  }

  append(event: NewHistoryEvent): void {
    const id = this.nextId;
    this.nextId += 1;
    const stored = { ...event, id, previousEventId: id - 1 };
    this.events.push(stored);
    const size = jsonBytes(stored);
    this.sizes.push(size);
    this.sizeSum += size;
    if (this.events.length > MAX_HISTORY_EVENTS) {
      const excess = this.events.length - MAX_HISTORY_EVENTS;
      this.events.splice(1, excess);
      this.sizeSum -= sum(this.sizes.splice(1, excess));
    }
    if (this.bytes > this.maxBytes) {
      this.events = fitHistory(this.events, this.maxBytes);
      this.sizes = this.events.map(jsonBytes);
      this.sizeSum = sum(this.sizes);
    }
  }

  hasType(type: string): boolean {
    return this.events.some((event) => event.type === type);
  }

  toArray(): StoredHistoryEvent[] {
    return [...this.events];
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function jsonBytes(event: StoredHistoryEvent): number {
  return Buffer.byteLength(JSON.stringify(event), 'utf8');
}
