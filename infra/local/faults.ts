import type { FunctionKey } from '#handlers/catalogue.ts';

/**
 * The local stack's fault switchboard: tests turn on a fault of a stand-in (SES throttling or
 * refusing, a handler that throws, writes that race), and the stand-in's front applies it. The
 * faults live in the wiring around the stand-ins (infra/local/ses-front.ts,
 * infra/local/dynamodb-front.ts and the in-process invoker), never in functions/: the product meets
 * them as it would meet them on AWS, as errors of the services it calls.
 */

/** A conditional write on its way to the local DynamoDB, as a race fault sees it. */
export interface ConditionalWrite {
  readonly operation: 'PutItem' | 'UpdateItem' | 'DeleteItem';
  readonly tableName: string;
  /** The item's key attributes that are strings or numbers: `{ pk: 'PROPOSAL#…', sk: 'REVIEW#…' }`. */
  readonly key: Readonly<Record<string, string>>;
  readonly condition: string;
}

/** SES faults, for SendEmail (SES v2). */
export interface SesFault {
  /** Answer with TooManyRequestsException (HTTP 429): the next `times` sends, or every send until cleared. */
  readonly throttle?: boolean | { readonly times: number };
  /** Refuse with MessageRejected (HTTP 400): sends to these addresses (any case), or every send. */
  readonly reject?: boolean | readonly string[];
}

/** A handler that throws, as if its invocation failed. */
export interface InvocationFault {
  readonly function: FunctionKey;
  /**
   * `before`: the call fails before the handler runs. `after`: the handler does its work and then
   * the answer is lost, so the retry must find the work done. Default `before`.
   */
  readonly when?: 'before' | 'after';
  /** How many invocations of the function fail, one after the other; default 1. */
  readonly times?: number;
}

/** Conditional writes held back until they can reach the database at the same moment. */
export interface ConditionalRaceFault {
  /** How many conditional writes to line up; default 2. */
  readonly writes?: number;
  /** Which conditional writes take part; default every one. */
  readonly match?: (write: ConditionalWrite) => boolean;
  /** How long the first write waits for the others before it goes on alone; default 5 s. */
  readonly timeoutMs?: number;
}

/** What {@link LocalFaults.set} takes; each fault named replaces the one set before. */
export interface FaultSettings {
  readonly ses?: 'throttle' | 'reject' | SesFault;
  readonly failNextInvocation?: FunctionKey | InvocationFault;
  readonly conditionalRace?: ConditionalRaceFault;
}

/** What the faults did so far, so that a test can tell that a fault it set really happened. */
export interface FaultReport {
  /** SendEmail calls answered TooManyRequestsException. */
  readonly sesThrottled: number;
  /** The recipients of the SendEmail calls answered MessageRejected, in order. */
  readonly sesRejected: readonly string[];
  readonly failedInvocations: readonly { readonly function: FunctionKey; readonly when: 'before' | 'after' }[];
  /** Each race that was set: how many writes it held, and whether all of them lined up. */
  readonly races: readonly { readonly held: number; readonly raced: boolean }[];
  /** How many writes the race set now is holding back. */
  readonly holding: number;
}

/** How a stand-in's front answers a request a fault applies to. */
export interface FaultAnswer {
  readonly status: number;
  /** The AWS error code (`x-amzn-ErrorType`, `__type`). */
  readonly errorType: string;
  readonly message: string;
}

/** Calls a catalogued handler in-process: function name or ARN, payload. */
export type Invoker = (functionNameOrArn: string, payload: unknown) => Promise<unknown>;

interface ArmedRace {
  readonly needed: number;
  readonly match: (write: ConditionalWrite) => boolean;
  readonly timeoutMs: number;
  held: number;
  timer?: NodeJS.Timeout;
  readonly release: () => void;
  readonly released: Promise<void>;
}

/** The switchboard. One per local stack (`stack.faults`); everything is off until set. */
export class LocalFaults {
  #throttle: number | undefined; // sends left to throttle; Infinity until cleared
  #reject: true | ReadonlySet<string> | undefined;
  #invocation: { fn: FunctionKey; when: 'before' | 'after'; left: number } | undefined;
  #race: ArmedRace | undefined;
  #report = emptyReport();

  /** Turns faults on; a fault not named stays as it was. */
  set(settings: FaultSettings): void {
    if (settings.ses !== undefined) {
      const ses: SesFault = settings.ses === 'throttle' ? { throttle: true } : settings.ses === 'reject' ? { reject: true } : settings.ses;
      this.#throttle = ses.throttle === true ? Number.POSITIVE_INFINITY : ses.throttle ? ses.throttle.times : undefined;
      this.#reject = ses.reject === true ? true : ses.reject ? new Set(ses.reject.map((address) => address.toLowerCase())) : undefined;
    }
    if (settings.failNextInvocation !== undefined) {
      const fault = typeof settings.failNextInvocation === 'string' ? { function: settings.failNextInvocation } : settings.failNextInvocation;
      this.#invocation = { fn: fault.function, when: fault.when ?? 'before', left: fault.times ?? 1 };
    }
    if (settings.conditionalRace !== undefined) {
      this.#releaseRace(false);
      this.#race = armRace(settings.conditionalRace);
    }
  }

  /** Turns every fault off (a race holding writes lets them go) and starts a new report. */
  clear(): void {
    this.#throttle = undefined;
    this.#reject = undefined;
    this.#invocation = undefined;
    this.#releaseRace(false);
    this.#report = emptyReport();
  }

  /** A copy of what the faults did so far. */
  report(): FaultReport {
    return {
      sesThrottled: this.#report.sesThrottled,
      sesRejected: [...this.#report.sesRejected],
      failedInvocations: [...this.#report.failedInvocations],
      races: [...this.#report.races],
      holding: this.#race?.held ?? 0,
    };
  }

  /** Whether SendEmail calls must be looked at (the SES front reads their body only then). */
  get sesArmed(): boolean {
    return this.#throttle !== undefined || this.#reject !== undefined;
  }

  /** How to answer a SendEmail to `recipients` (addresses as SES got them), or undefined to send it. */
  sesAnswer(recipients: readonly string[]): FaultAnswer | undefined {
    if (this.#throttle !== undefined && this.#throttle > 0) {
      this.#throttle -= 1;
      if (this.#throttle === 0) this.#throttle = undefined;
      this.#report.sesThrottled += 1;
      return { status: 429, errorType: 'TooManyRequestsException', message: 'Maximum sending rate exceeded.' };
    }
    const rejectSet = this.#reject;
    if (rejectSet) {
      const refused = rejectSet === true ? recipients : recipients.filter((recipient) => rejectSet.has(addressOf(recipient)));
      if (refused.length > 0) {
        this.#report.sesRejected.push(...refused.map(addressOf));
        return {
          status: 400,
          errorType: 'MessageRejected',
          message: `Email address is not verified. The following identities failed the check: ${refused.map(addressOf).join(', ')}`,
        };
      }
    }
    return undefined;
  }

  /** The invoker with the invocation fault applied to it. */
  wrapInvoker(invoke: Invoker, functionKeyOf: (functionNameOrArn: string) => FunctionKey | undefined): Invoker {
    return async (functionNameOrArn, payload) => {
      const key = functionKeyOf(functionNameOrArn);
      const fault = this.#invocation;
      if (!fault || fault.fn !== key) return invoke(functionNameOrArn, payload);
      fault.left -= 1;
      if (fault.left <= 0) this.#invocation = undefined;
      if (fault.when === 'after') await invoke(functionNameOrArn, payload);
      this.#report.failedInvocations.push({ function: fault.fn, when: fault.when });
      throw Object.assign(new Error(`Injected fault: ${fault.fn} failed ${fault.when === 'after' ? 'after doing its work' : 'before running'}`), {
        name: 'InjectedFault',
      });
    };
  }

  /** Whether conditional writes must be looked at (the DynamoDB front parses requests only then). */
  get raceArmed(): boolean {
    return this.#race !== undefined;
  }

  /** Resolves when `write` may reach the database: at once, or when the race it is part of starts. */
  beforeConditionalWrite(write: ConditionalWrite): Promise<void> {
    const race = this.#race;
    if (!race?.match(write)) return Promise.resolve();
    race.held += 1;
    if (race.held >= race.needed) this.#releaseRace(true);
    else race.timer ??= setTimeout(() => this.#releaseRace(false), race.timeoutMs);
    return race.released;
  }

  #releaseRace(raced: boolean): void {
    const race = this.#race;
    if (!race) return;
    this.#race = undefined;
    clearTimeout(race.timer);
    if (race.held > 0 || raced) this.#report.races.push({ held: race.held, raced });
    race.release();
  }
}

/** A report whose lists the switchboard appends to. */
function emptyReport() {
  return { sesThrottled: 0, sesRejected: [] as string[], failedInvocations: [] as FaultReport['failedInvocations'][number][], races: [] as FaultReport['races'][number][] };
}

function armRace(fault: ConditionalRaceFault): ArmedRace {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { needed: Math.max(2, fault.writes ?? 2), match: fault.match ?? (() => true), timeoutMs: fault.timeoutMs ?? 5000, held: 0, release, released };
}

/** `"Name" <a@b>` or `a@b` → `a@b`, lower case. */
function addressOf(recipient: string): string {
  return (/<([^>]*)>\s*$/.exec(recipient)?.[1] ?? recipient).trim().toLowerCase();
}
