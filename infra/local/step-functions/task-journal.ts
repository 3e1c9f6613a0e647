/**
 * What each run of a Task state was given and gave back, kept until the history records it.
 *
 * The interpreter's event log says when a Task state is entered, retried, failed and exited, but
 * not what the task was called with or what it returned; the runner calls the task itself and
 * notes that here. The log is read asynchronously (and events of Map iterations reach it later
 * still), so a run is noted before its state's entry is read: the reader takes the oldest run of
 * the state that is at the step it reads.
 */

/** How one run of a task ended. */
export type TaskSettlement =
  | { readonly at: number; readonly ok: true; readonly output: unknown }
  | { readonly at: number; readonly ok: false };

/** One run of a Task state (a retry is another run). */
export interface TaskRun {
  readonly stateName: string;
  readonly scheduledAt: number;
  readonly parameters: unknown;
  readonly timeoutSeconds: number | undefined;
  /** `scheduled`: called, not yet in the history; `started`: TaskScheduled/TaskStarted recorded; `done`: its end recorded. */
  phase: 'scheduled' | 'started' | 'done';
  /** A callback task's invocation returned (TaskSubmitted), and whether the history has it. */
  submitted?: { readonly at: number; readonly output: unknown; recorded: boolean };
  settled?: TaskSettlement;
}

/** The runs of one execution's Task states. */
export class TaskJournal {
  readonly #runs = new Map<string, TaskRun[]>();

  /** Notes a run as the task is called. */
  schedule(stateName: string, parameters: unknown, timeoutSeconds: number | undefined, now = Date.now()): TaskRun {
    const run: TaskRun = { stateName, scheduledAt: now, parameters, timeoutSeconds, phase: 'scheduled' };
    const runs = this.#runs.get(stateName) ?? [];
    runs.push(run);
    this.#runs.set(stateName, runs);
    return run;
  }

  /** The oldest run of the state not yet in the history, now marked started; undefined if none was called. */
  takeScheduled(stateName: string): TaskRun | undefined {
    const run = this.#runs.get(stateName)?.find((candidate) => candidate.phase === 'scheduled');
    if (run) run.phase = 'started';
    return run;
  }

  /** The oldest started run of the state that succeeded, now done. */
  takeSucceeded(stateName: string): TaskRun | undefined {
    return this.#finish(stateName, (run) => run.settled?.ok === true);
  }

  /** The oldest started run of the state that failed, else the oldest still running (a timeout), now done. */
  takeFailed(stateName: string): TaskRun | undefined {
    return this.#finish(stateName, (run) => run.settled?.ok === false) ?? this.#finish(stateName, (run) => run.settled === undefined);
  }

  #finish(stateName: string, matches: (run: TaskRun) => boolean): TaskRun | undefined {
    const runs = this.#runs.get(stateName);
    const index = runs?.findIndex((run) => run.phase === 'started' && matches(run)) ?? -1;
    if (!runs || index < 0) return undefined;
    const [run] = runs.splice(index, 1);
    run!.phase = 'done';
    return run;
  }
}
