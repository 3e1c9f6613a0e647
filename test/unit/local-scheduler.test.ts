import { describe, expect, it } from 'vitest';
import { toCronerPattern } from '#local/scheduler.ts';
import { SCHEDULES } from '#workflows/schedules.ts';

describe('toCronerPattern', () => {
  it('drops the year and turns ? into *', () => {
    expect(toCronerPattern('cron(0/5 * * * ? *)')).toBe('0/5 * * * *');
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

  it('accepts every schedule the product defines', () => {
    for (const schedule of SCHEDULES) expect(() => toCronerPattern(schedule.cron)).not.toThrow();
  });
});
