/**
 * Reading an ASL (JSONPath) definition for the local runner: which Task states it has (nested
 * ones included) and what each calls, and the timer bounds the interpreter can honour.
 */

/** The interpreter's default task timeout when a Task state sets none (as on AWS: 60 s). */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 60;

/**
 * Node's timers hold at most 2^31-1 ms (about 24.8 days); a longer `setTimeout` fires at once.
 * Timeouts in the definition are clamped to this before the interpreter sees them.
 */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** How a Task state's `Resource` is run locally. */
export type TaskIntegration =
  | { readonly kind: 'lambdaInvoke' }
  | { readonly kind: 'lambdaCallback' }
  | { readonly kind: 'lambdaFunction'; readonly functionArn: string }
  | { readonly kind: 'unsupported' };

/** A Task state found anywhere in a definition. */
export interface TaskStateInfo {
  readonly name: string;
  readonly resource: string;
  readonly integration: TaskIntegration;
  readonly timeoutSeconds: number | undefined;
  readonly timeoutSecondsPath: string | undefined;
}

type Json = Record<string, unknown>;

const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke$/;
const LAMBDA_CALLBACK = /^arn:aws[a-z-]*:states:::lambda:invoke\.waitForTaskToken$/;
const LAMBDA_FUNCTION = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;

export function classifyResource(resource: string): TaskIntegration {
  if (LAMBDA_INVOKE.test(resource)) return { kind: 'lambdaInvoke' };
  if (LAMBDA_CALLBACK.test(resource)) return { kind: 'lambdaCallback' };
  if (LAMBDA_FUNCTION.test(resource)) return { kind: 'lambdaFunction', functionArn: resource };
  return { kind: 'unsupported' };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Calls `visit` for every state of the definition, top level and nested (Parallel, Map). */
function forEachState(definition: unknown, visit: (name: string, state: Json) => void): void {
  if (!isObject(definition) || !isObject(definition.States)) return;
  for (const [name, state] of Object.entries(definition.States)) {
    if (!isObject(state)) continue;
    visit(name, state);
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      for (const branch of state.Branches) forEachState(branch, visit);
    }
    if (state.Type === 'Map') {
      forEachState(state.ItemProcessor, visit);
      forEachState(state.Iterator, visit);
    }
  }
}

/**
 * Every Task state of the definition, by name. The interpreter keys its task overrides by state
 * name across nested machines too, so two Task states of one name are refused.
 */
export function collectTaskStates(definition: Record<string, unknown>): Map<string, TaskStateInfo> {
  const tasks = new Map<string, TaskStateInfo>();
  forEachState(definition, (name, state) => {
    if (state.Type !== 'Task') return;
    if (tasks.has(name)) {
      throw new Error(`Task state name "${name}" is used twice; the local runner needs unique Task state names`);
    }
    const resource = typeof state.Resource === 'string' ? state.Resource : '';
    tasks.set(name, {
      name,
      resource,
      integration: classifyResource(resource),
      timeoutSeconds: typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined,
      timeoutSecondsPath: typeof state.TimeoutSecondsPath === 'string' ? state.TimeoutSecondsPath : undefined,
    });
  });
  return tasks;
}

/** Where a Map state finds its items: its `InputPath` (null: `{}`) and `ItemsPath`. */
export interface MapStateInfo {
  readonly inputPath: string | null | undefined;
  readonly itemsPath: string | undefined;
}

/** Every Map state of the definition (nested ones included), by name. */
export function collectMapStates(definition: Record<string, unknown>): Map<string, MapStateInfo> {
  const maps = new Map<string, MapStateInfo>();
  forEachState(definition, (name, state) => {
    if (state.Type !== 'Map') return;
    maps.set(name, {
      inputPath: state.InputPath === null ? null : typeof state.InputPath === 'string' ? state.InputPath : undefined,
      itemsPath: typeof state.ItemsPath === 'string' ? state.ItemsPath : undefined,
    });
  });
  return maps;
}

/**
 * How many items a Map state iterates over for its raw input, as the interpreter finds them
 * (InputPath, then ItemsPath); undefined when they are not an array or a path reads the context.
 */
export function mapItemCount(map: MapStateInfo, rawInput: unknown): number | undefined {
  let input = rawInput;
  if (map.inputPath === null) input = {};
  else if (map.inputPath !== undefined) input = readPath(map.inputPath, input);
  const items = map.itemsPath === undefined ? input : readPath(map.itemsPath, input);
  return Array.isArray(items) ? items.length : undefined;
}

/**
 * A deep copy of the definition in which every `TimeoutSeconds` (of the machine and of its
 * states) is at most {@link MAX_TIMER_SECONDS}; `onClamp` hears about each one clamped.
 */
export function clampTimeouts(
  definition: Record<string, unknown>,
  onClamp: (where: string, seconds: number) => void = () => undefined,
): Record<string, unknown> {
  const copy = structuredClone(definition);
  const clamp = (where: string, holder: Json) => {
    if (typeof holder.TimeoutSeconds === 'number' && holder.TimeoutSeconds > MAX_TIMER_SECONDS) {
      onClamp(where, holder.TimeoutSeconds);
      holder.TimeoutSeconds = MAX_TIMER_SECONDS;
    }
  };
  clamp('(state machine)', copy);
  forEachState(copy, (name, state) => clamp(name, state));
  return copy;
}

/**
 * The timeout, in ms, the interpreter gives a Task state, computed the way it does: a truthy
 * `TimeoutSeconds`, else `TimeoutSecondsPath` evaluated against the state's *effective* input
 * (after InputPath and Parameters) or the context for `$$.` paths, else 60 s.
 */
export function taskTimeoutMs(task: TaskStateInfo, effectiveInput: unknown, context: unknown): number {
  if (task.timeoutSeconds) return Math.min(task.timeoutSeconds, MAX_TIMER_SECONDS) * 1000;
  if (task.timeoutSecondsPath) {
    const value = task.timeoutSecondsPath.startsWith('$$')
      ? readPath(task.timeoutSecondsPath.slice(1), context)
      : readPath(task.timeoutSecondsPath, effectiveInput);
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1) {
      return Math.min(value, MAX_TIMER_SECONDS) * 1000;
    }
  }
  return DEFAULT_TASK_TIMEOUT_SECONDS * 1000;
}

/** Reads a simple reference path (`$`, `$.a.b`, `$['a'].b`, `$.a[0]`); undefined if absent. */
export function readPath(path: string, document: unknown): unknown {
  if (!path.startsWith('$')) return undefined;
  const segments: (string | number)[] = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/gy;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const match = pattern.exec(path);
    if (!match) return undefined;
    if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(match[1] ?? match[3] ?? match[4] ?? '');
  }
  let current: unknown = document;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment];
    } else {
      if (!isObject(current) || !Object.hasOwn(current, segment)) return undefined;
      current = current[segment];
    }
  }
  return current;
}
