/**
 * Work in progress (web requests, handler invocations, database requests), each with a label, so
 * that a stop can wait for it, within a deadline, and say what it had to cut.
 */
export class InFlight {
  readonly #pending = new Map<Promise<unknown>, string>();

  /** Counts `work` as in flight until it settles; returns it unchanged. */
  track<T>(label: string, work: Promise<T>): Promise<T> {
    this.#pending.set(work, label);
    const done = () => this.#pending.delete(work);
    work.then(done, done);
    return work;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** The labels of the work still in flight, counted: `["POST /api/proposals ×2", …]`. */
  describe(): string[] {
    const counts = new Map<string, number>();
    for (const label of this.#pending.values()) counts.set(label, (counts.get(label) ?? 0) + 1);
    return [...counts].map(([label, count]) => (count > 1 ? `${label} ×${count}` : label));
  }

  /** Resolves true when everything started so far has settled, or false at `deadline` (epoch ms). */
  async settle(deadline: number): Promise<boolean> {
    if (this.#pending.size === 0) return true;
    return beforeDeadline(Promise.allSettled([...this.#pending.keys()]), deadline);
  }

  /**
   * Resolves true once nothing has been in flight for `quietMs`, or false at `deadline`. Unlike
   * {@link settle}, it also waits for work that the work in flight starts (a workflow's next step
   * is invoked a moment after the previous one returned).
   */
  async idle(deadline: number, quietMs = 100): Promise<boolean> {
    for (;;) {
      if (this.#pending.size === 0) {
        await delay(Math.max(0, Math.min(quietMs, deadline - Date.now())));
        if (this.#pending.size === 0) return true;
      }
      if (Date.now() >= deadline) return false;
      await this.settle(deadline);
    }
  }
}

/** Resolves true if `work` settles before `deadline` (epoch ms), false otherwise; never rejects. */
export async function beforeDeadline(work: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  const settled = work.then(
    () => true as const,
    () => true as const,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
