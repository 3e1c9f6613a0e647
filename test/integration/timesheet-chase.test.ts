import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '#domain/project.ts';
import { lastCompletedWeek } from '#domain/working-time.ts';
import { eventually, PMO_LEAD, startTestStack, type StoredEmail, type TestStack } from '#test/support/local-stack-harness.ts';
import demoDirectory from '../../infra/local/demo-directory.json' with { type: 'json' };

// The timesheet chase through the local stack, run by its schedules (with the time each was due)
// and by hand: who is reminded in which round, when managers are copied and digested, what the
// PMO is told, and that a run repeated or a step replayed sends nothing new.

/** A week with no public holiday of any seeded calendar in it (Monday 14 June 2027). */
const WEEK = '2027-06-14';
const DAYS = ['2027-06-14', '2027-06-15', '2027-06-16', '2027-06-17', '2027-06-18'] as const;
/** Friday of that week, 15:00 in Berlin (summer time: UTC+2), and the Monday after, 09:00. */
const FRIDAY_RUN = new Date('2027-06-18T13:00:00Z');
const MONDAY_RUN = new Date('2027-06-21T07:00:00Z');
const WEEK_SUBJECT = 'timesheet for the week of 14 Jun 2027';
/** The Monday run's execution name, and so its run id: the week and the scheduled minute. */
const MONDAY_RUN_NAME = 'chase-2027-06-14-at-20270621T0700Z';

const MARA = 'mara.lind@example.org';
const ANA = 'ana.ruiz@example.org';
const BEN = 'ben.okafor@example.org';
const CLEO = 'cleo.martin@example.org';
const DEV = 'dev.patel@example.org';
const PAT = 'pat.kowalski@example.org';
const LOU = 'lou.moreau@example.org';
const HAL = 'hal.jensen@example.org';
const CHASED = [ANA, BEN, CLEO, DEV, PAT, LOU, HAL];

let test: TestStack;
let sfn: SFNClient;
let project: Project;

function json(method: string, body: unknown): RequestInit {
  return { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

async function expectStatus(response: Promise<Response>, status: number): Promise<void> {
  const answered = await response;
  expect(answered.status, await answered.clone().text()).toBe(status);
}

/** Saves a week of hours through the API (8 a day on the given days, unless `hours` says otherwise), and submits it unless it stays a draft. */
async function book(email: string, hoursByDay: Record<string, number>, submit: boolean): Promise<void> {
  const entries = Object.entries(hoursByDay).map(([date, hours]) => ({ projectId: project.id, date, hours }));
  await expectStatus(test.web(`/api/timesheets/${email}/${WEEK}`, json('PUT', { entries })), 200);
  if (submit) await expectStatus(test.web(`/api/timesheets/${email}/${WEEK}/submit`, { method: 'POST' }), 200);
}

const fullDays = (hours: number, days: readonly string[] = DAYS) => Object.fromEntries(days.map((date) => [date, hours]));

function executionArn(name: string): string {
  return `${test.stack.stateMachineArns.timesheetChase!.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** The output of a chase execution, once it has finished (it fails the test if it did not succeed). */
async function finished(name: string): Promise<{ weekStart: string; round: number; considered: number; expected: number; compliant: number; missing: number; reminders: { sent: number; alreadySent: number; failed: number } }> {
  const execution = await eventually(
    `chase ${name} to finish`,
    async () => {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(name) })).catch(() => undefined);
      return described && described.status !== 'RUNNING' ? described : undefined;
    },
    20_000,
  );
  expect(execution.status, execution.cause ?? execution.error).toBe('SUCCEEDED');
  return JSON.parse(execution.output ?? '{}');
}

/** Runs a chase schedule as if it fired at `time`, and waits for the execution it started. */
async function runSchedule(name: 'pmo-timesheet-chase-friday' | 'pmo-timesheet-chase-monday', time: Date) {
  const started = (await test.stack.runSchedule(name, time)) as { weekStart: string; executionName: string };
  return { started, outcome: await finished(started.executionName) };
}

/** Starts the chase by hand, as an operator would, and waits for it. */
async function startByHand(input: Record<string, unknown>) {
  const name = `by-hand-${randomUUID()}`;
  await sfn.send(new StartExecutionCommand({ stateMachineArn: test.stack.stateMachineArns.timesheetChase, name, input: JSON.stringify(input) }));
  return { name, outcome: await finished(name) };
}

/** The chase's emails about WEEK to an address (as To), oldest first. */
async function chaseEmailsTo(address: string): Promise<StoredEmail[]> {
  return (await test.emailsTo(address)).filter((email) => email.subject.includes(WEEK_SUBJECT) || email.subject.includes('week of 14 Jun 2027'));
}

async function subjectsTo(address: string): Promise<string[]> {
  return (await chaseEmailsTo(address)).map((email) => email.subject);
}

/** Every email about WEEK, to anyone. */
async function weekEmails(): Promise<StoredEmail[]> {
  return (await test.emails()).filter((email) => email.subject.includes('week of 14 Jun 2027'));
}

beforeAll(async () => {
  test = await startTestStack();
  sfn = new SFNClient({ endpoint: test.stack.urls.sfn, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  // Only the people of this test keep timesheets: the demo directory's are exempt.
  for (const person of demoDirectory.people) await expectStatus(test.web(`/api/people/${person.email}`, json('PATCH', { timesheetsRequired: false })), 200);

  const { projectRepository } = await import('#adapters/project-repository.ts');
  const at = new Date().toISOString();
  project = (
    await projectRepository.create({
      id: randomUUID(),
      proposalId: randomUUID(),
      title: 'Customer portal rebuild',
      department: 'Engineering',
      sponsor: { name: 'Mara Lind', email: MARA },
      manager: { name: 'Mara Lind', email: MARA },
      budget: { amountMinor: 5_000_000, currency: 'EUR' },
      plannedStart: '2027-01-04',
      plannedEnd: '2027-12-31',
      status: 'ACTIVE',
      createdAt: at,
      updatedAt: at,
      version: 1,
    })
  ).project;

  await expectStatus(
    test.web('/api/holiday-calendars/chase-test-closure', json('PUT', { name: 'Office closed for a week', days: DAYS.map((date) => ({ date, name: 'Office closure' })) })),
    201,
  );
  const person = (email: string, name: string, extra: Record<string, unknown> = {}) =>
    expectStatus(test.web('/api/people', json('POST', { email, name, managerEmail: MARA, ...extra })), 201);
  await expectStatus(test.web('/api/people', json('POST', { email: MARA, name: 'Mara Lind', department: 'Engineering', timesheetsRequired: false })), 201);
  await person(ANA, 'Ana Ruiz', { department: 'Engineering' });
  await person(BEN, 'Ben Okafor', { department: 'Engineering' });
  await person(CLEO, 'Cleo Martin', { department: 'Operations' });
  await person(DEV, 'Dev Patel', { department: 'Operations' });
  await person(PAT, 'Pat Kowalski', { department: 'Engineering', workPattern: { mon: 8, tue: 8, wed: 8, thu: 8, fri: 0, sat: 0, sun: 0 } });
  await person(LOU, 'Lou Moreau', { department: 'Operations' });
  await person(HAL, 'Hal Jensen', { department: 'Operations', holidayCalendar: 'chase-test-closure' });
  await expectStatus(test.web(`/api/people/${LOU}/leave`, json('POST', { from: WEEK, until: '2027-06-20', reason: 'Holiday' })), 201);

  // Ana has nothing; Ben a draft of two days; Cleo submitted 30 of 40 hours; Dev all 40; Pat,
  // part-time, 32 of 32; Lou is on leave all week and Hal's office is closed: 3 of 5 to chase.
  await book(BEN, fullDays(8, DAYS.slice(0, 2)), false);
  await book(CLEO, { ...fullDays(8, DAYS.slice(0, 3)), [DAYS[3]]: 6 }, true);
  await book(DEV, fullDays(8), true);
  await book(PAT, fullDays(8, DAYS.slice(0, 4)), true);
});

afterAll(async () => {
  sfn?.destroy();
  await test?.stop();
});

describe('the timesheet chase', () => {
  describe('round 1: the Friday schedule', () => {
    let outcome: Awaited<ReturnType<typeof runSchedule>>;
    beforeAll(async () => {
      outcome = await runSchedule('pmo-timesheet-chase-friday', FRIDAY_RUN);
    });

    it('chases the week the Friday run was scheduled in, as round 1', () => {
      expect(outcome.started.weekStart).toBe(WEEK);
      expect(outcome.outcome).toMatchObject({ weekStart: WEEK, round: 1 });
    });

    it('reminds exactly the three people who are missing, in draft or short', async () => {
      expect(await weekEmails().then((emails) => emails.filter((email) => email.subject.startsWith('Your timesheet')).flatMap((email) => email.destination.to).sort())).toEqual([
        expect.stringContaining(ANA),
        expect.stringContaining(BEN),
        expect.stringContaining(CLEO),
      ]);
      expect(await subjectsTo(ANA)).toEqual([`Your ${WEEK_SUBJECT} is missing`]);
      expect(await subjectsTo(BEN)).toEqual([`Your ${WEEK_SUBJECT} is not submitted`]);
      expect(await subjectsTo(CLEO)).toEqual([`Your ${WEEK_SUBJECT} is short`]);
    });

    it('reminds nobody who is complete (a part-time week of 32 of 32 hours included), on leave, or off for public holidays', async () => {
      for (const email of [DEV, PAT, LOU, HAL]) expect(await chaseEmailsTo(email), email).toEqual([]);
    });

    it('gives each person their numbers and a link that opens their week without signing in', async () => {
      const [reminder] = await chaseEmailsTo(CLEO);
      expect(reminder?.body.text).toContain('Expected hours: 40');
      expect(reminder?.body.text).toContain('Booked hours: 30');
      expect(reminder?.body.text).toContain('Days without hours: Fri 18 Jun');
      const link = /: (http\S+\/timesheets\/\S+\/link\?key=\S+)/.exec(reminder?.body.text ?? '')?.[1];
      expect(link).toBeDefined();
      expect((await fetch(link!)).status).toBe(200);
    });

    it('copies no manager and sends no manager digest yet', async () => {
      expect((await weekEmails()).flatMap((email) => (email as StoredEmail & { destination: { cc?: string[] } }).destination.cc ?? [])).toEqual([]);
      expect(await chaseEmailsTo(MARA)).toEqual([]);
    });

    it('sends the PMO lead one digest with the counts and compliance', async () => {
      const digests = await chaseEmailsTo(PMO_LEAD);
      expect(digests.map((email) => email.subject)).toEqual(['Timesheet compliance for the week of 14 Jun 2027: 40% (2 of 5), reminder round 1']);
      const text = digests[0]?.body.text ?? '';
      expect(text).toContain('People who keep timesheets: 7');
      expect(text).toContain('Nothing expected this week (leave, public holidays, work pattern): 2');
      expect(text).toContain('Missing: 3 (no timesheet 1, draft 1, short 1)');
      expect(text).toContain('- Mara Lind: 2 of 5 complete (40%)');
      expect(text).toContain('- Engineering: 1 of 3 complete (33.3%)');
      expect(text).toContain('- Operations: 1 of 2 complete (50%)');
      expect(text).toContain('Ana Ruiz <ana.ruiz@example.org>');
    });
  });

  describe('round 2: the Monday schedule', () => {
    let outcome: Awaited<ReturnType<typeof runSchedule>>;
    beforeAll(async () => {
      outcome = await runSchedule('pmo-timesheet-chase-monday', MONDAY_RUN);
    });

    it('chases the week that just ended, as round 2', () => {
      expect(outcome.started).toEqual({ weekStart: WEEK, executionName: MONDAY_RUN_NAME });
      expect(outcome.outcome).toMatchObject({ round: 2, missing: 3, reminders: { sent: 3, alreadySent: 0, failed: 0 } });
    });

    it('reminds the same three people again, as a reminder, still without their manager', async () => {
      for (const email of [ANA, BEN, CLEO]) expect((await subjectsTo(email)).at(-1), email).toMatch(/^Reminder: your timesheet for the week of 14 Jun 2027/);
      expect(await chaseEmailsTo(MARA)).toEqual([]);
    });

    it('sends the PMO lead the digest of round 2', async () => {
      expect((await subjectsTo(PMO_LEAD)).at(-1)).toBe('Timesheet compliance for the week of 14 Jun 2027: 40% (2 of 5), reminder round 2');
    });
  });

  describe('the same run again', () => {
    it('sends nothing new when the Monday schedule is delivered a second time', async () => {
      const before = (await test.emails()).length;

      const again = (await test.stack.runSchedule('pmo-timesheet-chase-monday', MONDAY_RUN)) as { executionName: string };

      expect(again.executionName).toBe(MONDAY_RUN_NAME);
      await finished(again.executionName);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await test.emails()).length).toBe(before);
    });

    it('finds the same round and sends nothing when its steps are replayed (a retry, a restart)', async () => {
      const before = (await test.emails()).length;
      const { handler: find } = await import('#handlers/find-missing-timesheets.ts');
      const { handler: remind } = await import('#handlers/send-timesheet-reminders.ts');
      const { handler: digest } = await import('#handlers/send-timesheet-digest.ts');

      const found = await find({ input: { weekStart: WEEK, scheduledTime: MONDAY_RUN.toISOString() }, executionName: MONDAY_RUN_NAME, startedAt: new Date().toISOString() });
      const results = await Promise.all(found.batches.map((batch) => remind({ weekStart: WEEK, runId: found.runId, round: found.round, batch })));
      const outcome = await digest({ weekStart: WEEK, runId: found.runId, round: found.round, reminders: results });

      expect(found.round).toBe(2);
      expect(results.reduce((sum, result) => sum + result.alreadySent, 0)).toBe(3);
      expect(results.reduce((sum, result) => sum + result.sent, 0)).toBe(0);
      expect(outcome.pmoDigests).toBe(0);
      expect((await test.emails()).length).toBe(before);
    });
  });

  describe('round 3: started by hand, after Ben submitted', () => {
    let outcome: Awaited<ReturnType<typeof startByHand>>;
    beforeAll(async () => {
      await book(BEN, fullDays(8), true);
      outcome = await startByHand({ weekStart: WEEK });
    });

    it('is round 3, and reminds only the two still missing', () => {
      expect(outcome.outcome).toMatchObject({ weekStart: WEEK, round: 3, missing: 2, compliant: 3, reminders: { sent: 2, alreadySent: 0, failed: 0 } });
    });

    it('copies their manager on each reminder', async () => {
      for (const email of [ANA, CLEO]) {
        const reminder = (await chaseEmailsTo(email)).at(-1) as StoredEmail & { destination: { cc: string[] } };
        expect(reminder.subject).toMatch(/^Overdue: your timesheet for the week of 14 Jun 2027/);
        expect(reminder.destination.cc).toEqual([expect.stringContaining(MARA)]);
        expect(reminder.body.text).toContain('your manager Mara Lind is copied');
      }
      expect(await subjectsTo(BEN)).toHaveLength(2);
    });

    it('sends the manager one digest of their people still missing', async () => {
      const digests = await chaseEmailsTo(MARA);
      expect(digests.map((email) => email.subject)).toEqual(['Timesheets missing in your team for the week of 14 Jun 2027: 2 people']);
      expect(digests[0]?.body.text).toContain('Ana Ruiz <ana.ruiz@example.org>');
      expect(digests[0]?.body.text).toContain('Cleo Martin <cleo.martin@example.org>');
      expect(digests[0]?.body.text).not.toContain('Ben Okafor');
    });

    it('sends the PMO lead the digest of round 3 with the new counts', async () => {
      const digest = (await chaseEmailsTo(PMO_LEAD)).at(-1);
      expect(digest?.subject).toBe('Timesheet compliance for the week of 14 Jun 2027: 60% (3 of 5), reminder round 3');
      expect(digest?.body.text).toContain('Missing: 2 (no timesheet 1, draft 0, short 1)');
      expect(await subjectsTo(PMO_LEAD)).toHaveLength(3);
    });
  });

  describe('without a week', () => {
    it('chases the last completed week in the organisation’s zone', async () => {
      const expectedWeek = lastCompletedWeek(new Date(), 'Europe/Berlin');

      const { outcome } = await startByHand({});

      expect(outcome.weekStart).toBe(expectedWeek);
      expect(outcome.round).toBe(1);
      // Nobody booked that week, and nobody has leave or a closure in it: all seven are missing.
      expect(outcome).toMatchObject({ considered: CHASED.length, expected: CHASED.length, missing: CHASED.length });
    });
  });
});

