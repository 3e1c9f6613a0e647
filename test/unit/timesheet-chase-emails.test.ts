import { describe, expect, it } from 'vitest';
import type { ChaseFindings, MissingPerson } from '#domain/timesheet-chase.ts';
import { managerDigestEmail, pmoDigestEmail, timesheetReminderEmail } from '#emails/timesheet-chase-emails.tsx';

const HOSTILE = '<script>alert("x")</script> & "quotes"';
const WEEK = '2026-01-05';
const LINK = 'https://pmo.example.org/timesheets/bob%40example.org/2026-01-05/link?key=s3cret';

const bob: MissingPerson = {
  email: 'bob@example.org',
  name: `Bob ${HOSTILE}`,
  department: `Engineering ${HOSTILE}`,
  managerEmail: 'mara@example.org',
  reason: 'draft',
  expected: 40,
  booked: 16,
  missingDays: ['2026-01-07', '2026-01-08', '2026-01-09'],
};

function reminder(round: number, managerName?: string) {
  return timesheetReminderEmail({ name: bob.name, weekStart: WEEK, round, person: bob, url: LINK, ...(managerName ? { managerName } : {}) });
}

describe('timesheetReminderEmail', () => {
  it('gives the person their numbers: expected, booked, missing hours and the days without hours', () => {
    const { text } = reminder(1);

    expect(text).toContain('Expected hours: 40');
    expect(text).toContain('Booked hours: 16');
    expect(text).toContain('Hours missing: 24');
    expect(text).toContain('Days without hours: Wed 7 Jan, Thu 8 Jan, Fri 9 Jan');
  });

  it('links to the person’s week, in both parts', () => {
    const email = reminder(1);

    expect(email.text).toContain(`: ${LINK}`);
    expect(email.html).toContain(`href="${LINK.replace('&', '&amp;')}"`);
  });

  it('says which round it is: a reminder from round 2, overdue with the manager named from round 3', () => {
    expect(reminder(1).subject).toBe('Your timesheet for the week of 5 Jan 2026 is not submitted');
    expect(reminder(2).subject).toBe('Reminder: your timesheet for the week of 5 Jan 2026 is not submitted');
    expect(reminder(3, 'Mara Lind').subject).toBe('Overdue: your timesheet for the week of 5 Jan 2026 is not submitted');
    expect(reminder(3, 'Mara Lind').text).toContain('This is reminder 3, so your manager Mara Lind is copied.');
  });

  it('escapes every value in the HTML part', () => {
    const { html } = reminder(3, `Mara ${HOSTILE}`);

    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });
});

describe('managerDigestEmail', () => {
  const email = managerDigestEmail({ managerName: 'Mara Lind', weekStart: WEEK, round: 3, people: [bob] });

  it('lists the manager’s people still missing, with their numbers', () => {
    expect(email.subject).toBe('Timesheets missing in your team for the week of 5 Jan 2026: 1 person');
    expect(email.text).toContain(`- Bob ${HOSTILE} <bob@example.org>: saved as a draft, not submitted; expected 40 h, booked 16 h`);
  });

  it('escapes every value in the HTML part', () => {
    expect(email.html).not.toContain('<script>');
  });
});

describe('pmoDigestEmail', () => {
  const findings: ChaseFindings = {
    considered: 5,
    nothingExpected: 1,
    overall: { expected: 4, compliant: 1, rate: 0.25 },
    byReason: { missing: 1, draft: 1, short: 1 },
    byManager: [
      { managerEmail: 'mara@example.org', managerName: `Mara ${HOSTILE}`, expected: 2, compliant: 1, rate: 0.5 },
      { expected: 2, compliant: 0, rate: 0 },
    ],
    byDepartment: [{ department: `Engineering ${HOSTILE}`, expected: 4, compliant: 1, rate: 0.25 }],
    missing: [bob],
  };
  const email = pmoDigestEmail({ recipientName: 'Priya Shah', weekStart: WEEK, round: 2, findings, reminders: { sent: 2, alreadySent: 0, failed: 1 } });

  it('gives the overall compliance and the round in its subject', () => {
    expect(email.subject).toBe('Timesheet compliance for the week of 5 Jan 2026: 25% (1 of 4), reminder round 2');
  });

  it('gives the counts, compliance by manager and department, and who is missing with their manager', () => {
    expect(email.text).toContain('Missing: 1 (no timesheet 1, draft 1, short 1)');
    expect(email.text).toContain('Reminders sent in this round: 2; 1 could not be delivered (SES refused them)');
    expect(email.text).toContain(`- Mara ${HOSTILE}: 1 of 2 complete (50%)`);
    expect(email.text).toContain('- No manager: 0 of 2 complete (0%)');
    expect(email.text).toContain(`- Engineering ${HOSTILE}: 1 of 4 complete (25%)`);
    expect(email.text).toContain(`manager: Mara ${HOSTILE}`);
  });

  it('escapes every value in the HTML part', () => {
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('Mara &lt;script&gt;');
  });
});
