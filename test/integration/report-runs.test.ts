import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultReportDefinitions, nextRunAfter, type ReportDefinition } from '#domain/report-definition.ts';
import { eventually, PMO_LEAD, startTestStack, type StoredEmail, type TestStack } from '#test/support/local-stack-harness.ts';

// Scheduled reports end to end on the local stack: the report state machine (plan, a copy per
// recipient, finish), started with `{}`, by the report tick, and with a recipient SES refuses.

const SAM = 'sam.carter@example.org';

let env: TestStack;
let sfn: SFNClient;

function executionArn(name: string): string {
  return `${env.stack.stateMachineArns.report!.replace(':stateMachine:', ':execution:')}:${name}`;
}

async function finished(name: string): Promise<{ result: { status: string; sent: number; skipped: number; failed: number } }> {
  const execution = await eventually(
    `report ${name} to finish`,
    async () => {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(name) })).catch(() => undefined);
      return described && described.status !== 'RUNNING' ? described : undefined;
    },
    20_000,
  );
  expect(execution.status, execution.cause ?? execution.error).toBe('SUCCEEDED');
  return JSON.parse(execution.output ?? '{}');
}

function reportEmails(emails: readonly StoredEmail[], name: string): StoredEmail[] {
  return emails.filter((email) => email.subject.startsWith(`${name}:`));
}

async function storedDefinition(overrides: Partial<ReportDefinition>): Promise<ReportDefinition> {
  const { reportRepository } = await import('#adapters/report-repository.ts');
  const id = `test-${randomUUID().slice(0, 8)}`;
  const definition: ReportDefinition = { ...defaultReportDefinitions('Europe/Berlin')[0]!, id, name: `Report ${id}`, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(), version: 1, ...overrides };
  await reportRepository.putDefinition(definition, 0);
  return definition;
}

beforeAll(async () => {
  env = await startTestStack();
  sfn = new SFNClient({ endpoint: env.stack.urls.sfn, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}, 60_000);

afterAll(async () => {
  sfn?.destroy();
  await env?.stop();
});

describe('the report state machine', () => {
  it('sends the default weekly portfolio report to the PMO lead when started with {}', async () => {
    const name = `by-hand-${randomUUID().slice(0, 8)}`;
    await sfn.send(new StartExecutionCommand({ stateMachineArn: env.stack.stateMachineArns.report, name, input: '{}' }));

    const { result } = await finished(name);

    expect(result).toMatchObject({ status: 'SENT', failed: 0 });
    const [email] = reportEmails(await env.emailsTo(PMO_LEAD), 'Weekly portfolio status');
    expect(email?.attachments?.map((attachment) => attachment.filename)).toEqual(expect.arrayContaining(['projects.csv', 'approvals.csv']));
  });

  it('runs a definition when the report tick finds it due, and a repeated tick sends nothing new', async () => {
    const due = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const definition = await storedDefinition({ recipients: [{ person: SAM }], nextRunAt: due.toISOString() });

    const started = (await env.stack.runSchedule('pmo-report-tick', due)) as { started: string[] };
    const name = started.started.find((execution) => execution.includes(definition.id))!;
    await finished(name);
    const again = (await env.stack.runSchedule('pmo-report-tick', due)) as { started: string[] };

    expect(again.started.filter((execution) => execution.includes(definition.id))).toEqual([]);
    expect(reportEmails(await env.emailsTo(SAM), definition.name)).toHaveLength(1);
    const { reportRepository } = await import('#adapters/report-repository.ts');
    expect((await reportRepository.getDefinition(definition.id))?.nextRunAt).toBe(nextRunAfter(definition, due)?.toISOString());
  });

  it('records a copy SES refuses as failed, sends the others, and tells the PMO lead', async () => {
    const refused = `refused-${randomUUID().slice(0, 8)}@example.org`;
    const { directoryRepository } = await import('#adapters/directory-repository.ts');
    await directoryRepository.importPeople([{ email: refused, name: 'Refused Reader', roles: [], active: true }]);
    const definition = await storedDefinition({ recipients: [{ person: SAM }, { person: refused }] });
    env.stack.faults.set({ ses: { reject: [refused] } });
    const name = `refused-${randomUUID().slice(0, 8)}`;

    await sfn.send(new StartExecutionCommand({ stateMachineArn: env.stack.stateMachineArns.report, name, input: JSON.stringify({ reportId: definition.id }) }));
    const { result } = await finished(name);
    env.stack.faults.clear();

    expect(result).toMatchObject({ status: 'PARTIAL', sent: 1, failed: 1 });
    const alert = await env.waitForEmail(PMO_LEAD, `Report not delivered: ${definition.name}`);
    expect(alert.body.text).toContain(refused);
  });
});
