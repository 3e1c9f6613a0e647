import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Person } from '#domain/directory.ts';
import type { Project } from '#domain/project.ts';
import { defaultReportDefinitions, reportExecutionName, type ReportDefinition } from '#domain/report-definition.ts';
import type { ReportRun } from '#domain/report-run.ts';
import { PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// One recipient's copy of a scheduled report: computed for them from what they may read, archived,
// emailed once with its CSV files; left out when it goes out only for exceptions and all is green.

const SAM = 'sam.carter@example.org';
const JONAS = 'jonas.weber@example.org';

let env: TestStack;
let service: typeof import('#services/report-service.ts');
let people: Record<string, Person>;

async function storedProject(title: string, manager: Person, actualsMinor: number): Promise<Project> {
  const { projectRepository } = await import('#adapters/project-repository.ts');
  const { projectFinanceRepository } = await import('#adapters/project-finance-repository.ts');
  const at = new Date().toISOString();
  const today = new Date();
  const start = new Date(today.getTime() - 40 * 86_400_000).toISOString().slice(0, 10);
  const end = new Date(today.getTime() + 60 * 86_400_000).toISOString().slice(0, 10);
  const project = (
    await projectRepository.create({
      id: randomUUID(),
      proposalId: randomUUID(),
      title,
      department: 'Engineering',
      sponsor: { name: manager.name, email: manager.email },
      manager: { name: manager.name, email: manager.email },
      budget: { amountMinor: 10_000_000, currency: 'EUR' },
      plannedStart: start,
      plannedEnd: end,
      status: 'ACTIVE',
      createdAt: at,
      updatedAt: at,
      version: 1,
    })
  ).project;
  if (actualsMinor > 0) await projectFinanceRepository.post(project.id, randomUUID(), actualsMinor);
  return project;
}

function definition(overrides: Partial<ReportDefinition> = {}): ReportDefinition {
  const id = `weekly-${randomUUID().slice(0, 8)}`;
  return { ...defaultReportDefinitions('Europe/Berlin')[0]!, id, name: `Weekly status ${id}`, createdAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-01T00:00:00.000Z', version: 1, ...overrides };
}

async function run(of: ReportDefinition): Promise<ReportRun> {
  const { reportRepository } = await import('#adapters/report-repository.ts');
  const scheduledFor = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  return reportRepository.createRun({
    reportId: of.id,
    runId: reportExecutionName(of.id, scheduledFor),
    name: of.name,
    scheduledFor: scheduledFor.toISOString(),
    periodFrom: new Date(scheduledFor.getTime() - 7 * 86_400_000).toISOString(),
    periodUntil: scheduledFor.toISOString(),
    periodLabel: 'last week',
    status: 'RUNNING',
    recipients: 2,
    sent: 0,
    skipped: 0,
    failed: 0,
    startedAt: new Date().toISOString(),
  });
}

function csvOf(email: { attachments?: readonly { filename?: string; content: string }[] }, name: string): string {
  const file = email.attachments?.find((attachment) => attachment.filename === name);
  return file ? Buffer.from(file.content, 'base64').toString('utf8') : '';
}

beforeAll(async () => {
  env = await startTestStack();
  service = await import('#services/report-service.ts');
  const { directoryRepository } = await import('#adapters/directory-repository.ts');
  people = Object.fromEntries(await Promise.all([PMO_LEAD, SAM, JONAS].map(async (email) => [email, (await directoryRepository.getPerson(email))!] as const)));
  // Sam's project has spent 90 % at 40 % of its time: red. Jonas's has spent nothing: green.
  await storedProject('Red portal', people[SAM]!, 9_000_000);
  await storedProject('Green CRM', people[JONAS]!, 0);
}, 60_000);

afterAll(async () => {
  await env?.stop();
});

describe('a recipient’s copy of a report', () => {
  it('gives the PMO lead the whole portfolio, worst first, with the CSV attached and archived', async () => {
    const weekly = definition();
    const delivery = await service.deliverReport(weekly, await run(weekly), people[PMO_LEAD]!, new Date());

    const [email] = await env.waitForEmails(PMO_LEAD, 1);
    const csv = csvOf(email!, 'projects.csv');
    expect(delivery).toMatchObject({ status: 'SENT', messageId: expect.any(String) });
    expect(email!.subject).toContain('(needs attention)');
    expect(csv.indexOf('Red portal')).toBeGreaterThan(0);
    expect(csv.indexOf('Red portal')).toBeLessThan(csv.indexOf('Green CRM'));
    expect(email!.body.text).toMatch(/Intake\n=+\nSubmitted: \d+\nWaiting for a decision now: \d+/);
    const { attachmentStore } = await import('#adapters/attachment-store.ts');
    expect((await attachmentStore.inspect(delivery.archiveKey!, 15))?.contentType).toMatch(/^text\/html/);
  });

  it('gives a project manager only the projects they manage, whatever the definition’s scope', async () => {
    const weekly = definition();

    await service.deliverReport(weekly, await run(weekly), people[SAM]!, new Date());

    const [email] = await env.waitForEmails(SAM, 1);
    const csv = csvOf(email!, 'projects.csv');
    expect(csv).toContain('Red portal');
    expect(csv).not.toContain('Green CRM');
    // The portfolio's intake and invoices are the PMO's and finance's, not a project manager's.
    expect(email!.body.text).not.toContain('Intake');
  });

  it('sends a run’s copy once, however often the step runs', async () => {
    const weekly = definition();
    const once = await run(weekly);

    await service.deliverReport(weekly, once, people[SAM]!, new Date());
    await service.deliverReport(weekly, once, people[SAM]!, new Date());

    expect((await env.emailsTo(SAM)).filter((email) => email.subject.startsWith(weekly.name))).toHaveLength(1);
  });

  it('stays silent for an exception-only report when everything in its reader’s scope is green', async () => {
    const exceptions = definition({ onlyWhenAttentionNeeded: true });
    const before = (await env.emailsTo(JONAS)).length;

    const delivery = await service.deliverReport(exceptions, await run(exceptions), people[JONAS]!, new Date());

    expect(delivery).toMatchObject({ status: 'SKIPPED', note: 'Nothing needed attention' });
    expect((await env.emailsTo(JONAS)).length).toBe(before);
  });

  it('records a delivery SES refused, and sends it when the step is retried', async () => {
    const weekly = definition();
    const retried = await run(weekly);
    env.stack.faults.set({ ses: { throttle: { times: 5 } } });

    await expect(service.deliverReport(weekly, retried, people[JONAS]!, new Date())).rejects.toThrow();
    const { reportRepository } = await import('#adapters/report-repository.ts');
    const failed = await reportRepository.getDelivery(weekly.id, retried.runId, JONAS);
    env.stack.faults.clear();
    const sent = await service.deliverReport(weekly, retried, people[JONAS]!, new Date());

    expect(failed).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(sent).toMatchObject({ status: 'SENT', attempts: 2 });
  });
});
