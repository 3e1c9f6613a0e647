import { describe, expect, it } from 'vitest';
import { Cron } from 'croner';
import { toCronerPattern } from '#local/scheduler.ts';
import { SCHEDULES } from '#workflows/schedules.ts';

describe('toCronerPattern', () => {
  it('drops the year and turns ? into *', () => {
    expect(toCronerPattern('cron(15 8 * * ? *)')).toBe('15 8 * * *');
  });

  it('spells out the range of a step that starts at a number, as croner requires', () => {
    expect(toCronerPattern('cron(0/5 * * * ? *)')).toBe('0-59/5 * * * *');
    expect(toCronerPattern('cron(0 2/6 * * ? *)')).toBe('0 2-23/6 * * *');
  });

  it('renumbers weekdays from EventBridge (1 = Sunday) to cron (0 = Sunday)', () => {
    expect(toCronerPattern('cron(0 8 ? * 2-6 *)')).toBe('0 8 * * 1-5');
    expect(toCronerPattern('cron(0 8 ? * 1,7 *)')).toBe('0 8 * * 0,6');
  });

  it('refuses what the local scheduler cannot honour', () => {
    expect(() => toCronerPattern('cron(0 8 * * ? 2027)')).toThrow(/every year/);
    expect(() => toCronerPattern('cron(0 8 L * ? *)')).toThrow(/not supported/);
    expect(() => toCronerPattern('rate(5 minutes)')).toThrow(/Not an EventBridge cron/);
  });

  it('gives croner a valid pattern for every schedule the product defines', () => {
    for (const schedule of SCHEDULES) {
      const job = new Cron(toCronerPattern(schedule.cron), { timezone: schedule.timeZone, paused: true });
      expect(job.nextRun(), schedule.name).toBeInstanceOf(Date);
      job.stop();
    }
  });
});
