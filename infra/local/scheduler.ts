import { Cron } from 'croner';
import type { ScheduleDefinition } from '#workflows/schedules.ts';

const AWS_CRON = /^cron\((.+)\)$/;

/**
 * Turns an EventBridge Scheduler cron expression (`cron(min hour dom month dow year)`) into the
 * five-field pattern croner reads. EventBridge numbers weekdays 1–7 from Sunday, croner 0–6, and
 * uses `?` for "any" in one of the day fields; a year other than `*` is not supported locally.
 */
export function toCronerPattern(expression: string): string {
  const match = AWS_CRON.exec(expression.trim());
  if (!match) throw new Error(`Not an EventBridge cron expression: ${expression}`);
  const fields = match[1]!.trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`An EventBridge cron expression has 6 fields: ${expression}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
  if (year !== '*') throw new Error(`The local scheduler runs every year; use * for the year in ${expression}`);
  if (/[LW#]/.test(dayOfMonth + dayOfWeek)) throw new Error(`L, W and # are not supported locally: ${expression}`);
  const weekday = dayOfWeek === '?' ? '*' : dayOfWeek.replace(/\d+/g, (day) => String((Number(day) + 6) % 7));
  return [
    explicitStepRange(minute, 59),
    explicitStepRange(hour, 23),
    explicitStepRange(dayOfMonth === '?' ? '*' : dayOfMonth, 31),
    explicitStepRange(month, 12),
    explicitStepRange(weekday, 6),
  ].join(' ');
}

/** EventBridge writes "from 0 every 5" as `0/5`; croner wants the range spelled out: `0-59/5`. */
function explicitStepRange(field: string, max: number): string {
  return field.replace(/^(\d+)\/(\d+)$/, (_, start: string, step: string) => `${start}-${max}/${step}`);
}

/** Runs schedules on their cron in their time zone; each run gets the time it was due. */
export class LocalScheduler {
  readonly #jobs: Cron[] = [];

  constructor(
    private readonly schedules: readonly ScheduleDefinition[],
    private readonly run: (schedule: ScheduleDefinition, scheduledTime: Date) => Promise<void>,
  ) {}

  start(): void {
    for (const schedule of this.schedules) {
      const job = new Cron(toCronerPattern(schedule.cron), { timezone: schedule.timeZone, protect: true, catch: true }, async (self: Cron) => {
        await this.run(schedule, self.currentRun() ?? new Date());
      });
      this.#jobs.push(job);
    }
  }

  get running(): boolean {
    return this.#jobs.length === this.schedules.length && this.#jobs.every((job) => job.isRunning());
  }

  stop(): void {
    for (const job of this.#jobs.splice(0)) job.stop();
  }
}
