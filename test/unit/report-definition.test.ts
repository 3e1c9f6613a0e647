import { describe, expect, it } from 'vitest';
import { defaultReportDefinitions, nextRunAfter, ReportDefinitionInputSchema, reportExecutionName, reportPeriod } from '#domain/report-definition.ts';

const weekly = defaultReportDefinitions('Europe/Berlin')[0]!;

describe('ReportDefinitionInputSchema', () => {
  it('accepts the default definitions', () => {
    for (const definition of defaultReportDefinitions('Europe/Berlin')) expect(ReportDefinitionInputSchema.safeParse(definition).success).toBe(true);
  });

  it('names a cron expression with six fields', () => {
    const result = ReportDefinitionInputSchema.safeParse({ ...weekly, cron: '0 0 8 * * 1' });

    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['cron']);
  });

  it('names a cron expression that is not valid', () => {
    const result = ReportDefinitionInputSchema.safeParse({ ...weekly, cron: '0 25 * * 1' });

    expect(result.error?.issues[0]).toMatchObject({ path: ['cron'], message: 'This cron expression is not valid' });
  });

  it('names a time zone that does not exist', () => {
    const result = ReportDefinitionInputSchema.safeParse({ ...weekly, timeZone: 'Europe/Atlantis' });

    expect(result.error?.issues[0]?.path).toEqual(['timeZone']);
  });

  it('refuses a recipient that is neither a role nor a person', () => {
    const result = ReportDefinitionInputSchema.safeParse({ ...weekly, recipients: [{ team: 'all' }] });

    expect(result.error?.issues[0]?.path).toEqual(['recipients', 0]);
  });
});

describe('nextRunAfter', () => {
  it('keeps 08:00 local time across the change to summer time', () => {
    // Monday 23 March 2026 08:00 CET is 07:00 UTC; Monday 30 March 08:00 CEST is 06:00 UTC.
    expect(nextRunAfter(weekly, new Date('2026-03-23T07:00:00Z'))?.toISOString()).toBe('2026-03-30T06:00:00.000Z');
  });

  it('is strictly after the given instant', () => {
    expect(nextRunAfter(weekly, new Date('2026-03-23T06:59:59Z'))?.toISOString()).toBe('2026-03-23T07:00:00.000Z');
  });

  it('gives nothing for a disabled definition', () => {
    expect(nextRunAfter({ ...weekly, enabled: false }, new Date('2026-03-23T07:00:00Z'))).toBeUndefined();
  });
});

describe('reportPeriod', () => {
  it('covers the calendar month before a financial run, in the zone', () => {
    // 1 March 2026 08:00 Berlin: February, from 1 Feb 00:00 CET (31 Jan 23:00 UTC) to 1 Mar 00:00 CET.
    const period = reportPeriod('financial', new Date('2026-03-01T07:00:00Z'), 'Europe/Berlin');

    expect([period.from.toISOString(), period.until.toISOString(), period.label]).toEqual(['2026-01-31T23:00:00.000Z', '2026-02-28T23:00:00.000Z', 'February 2026']);
  });

  it('covers the seven days before a weekly run', () => {
    const period = reportPeriod('portfolio-status', new Date('2026-03-30T06:00:00Z'), 'Europe/Berlin');

    expect(period.from.toISOString()).toBe('2026-03-23T06:00:00.000Z');
  });
});

describe('reportExecutionName', () => {
  it('is the same for the same definition and scheduled minute', () => {
    expect(reportExecutionName('weekly-portfolio-status', new Date('2026-03-30T06:00:20Z'))).toBe(reportExecutionName('weekly-portfolio-status', new Date('2026-03-30T06:00:00Z')));
  });

  it('refuses an id too long to name an execution', () => {
    expect(() => reportExecutionName('a'.repeat(41), new Date('2026-03-30T06:00:00Z'))).toThrow(RangeError);
  });

  it('fits the 80 characters Step Functions allows', () => {
    expect(reportExecutionName('a'.repeat(40), new Date('2026-03-30T06:00:00Z'), 'abcdefgh').length).toBeLessThanOrEqual(80);
  });
});
