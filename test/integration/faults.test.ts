import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, FINANCE, linkFrom, PMO_LEAD, startTestStack, type StoredEmail, type TestStack } from '#test/support/local-stack-harness.ts';

// Faults of the services the product calls, switched on in the local stack's stand-ins (never in
// functions/): SES throttling and refusing, a handler that throws once, two decisions whose writes
// reach the database at the same moment. After each, the proposal is in the status its journey
// calls for, its workflow is not left running, and no email went out twice. (A SIGTERM and a
// SIGKILL in the middle of a burst are in drain.test.ts.)

let env: TestStack;
let sfn: SFNClient;

beforeAll(async () => {
  env = await startTestStack();
  sfn = new SFNClient({ endpoint: env.stack.urls.sfn, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});

afterEach(() => {
  env.stack.faults.clear();
});

afterAll(async () => {
  sfn?.destroy();
  await env?.stop();
});

function submitterOf(title: string): string {
  return `faults+${title.replace(/\W/g, '').toLowerCase()}@example.org`;
}

function submit(title: string, amount = 30000): Promise<string> {
  return env.submit({ title, submitter: { name: 'Sam Carter', email: submitterOf(title) }, estimatedCost: { amount, currency: 'EUR' } });
}

/** Every email about the proposal titled `title`. */
async function emailsAbout(title: string): Promise<StoredEmail[]> {
  return (await env.emails()).filter((email) => email.subject.endsWith(`: ${title}`) || email.subject.includes(`: ${title} (`));
}

/** The status of the proposal's (current) execution. */
async function executionStatusOf(id: string): Promise<string | undefined> {
  const { executionName } = (await env.proposal(id)) as unknown as { executionName: string };
  const executionArn = `${env.stack.intakeStateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
  return (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
}

/**
 * Waits for the proposal's status and its workflow's (`RUNNING` while in review), then checks that
 * nothing waits that should not and that no email about it went out twice. Returns the emails
 * about it.
 */
async function expectSettled(id: string, title: string, status: string, executionStatus: string): Promise<StoredEmail[]> {
  await env.waitForStatus(id, status);
  await eventually(`the workflow of ${title} to be ${executionStatus}`, async () => ((await executionStatusOf(id)) === executionStatus ? true : undefined), 20_000);
  // A review still open waits on exactly one approval; a closed one on none (a failed workflow's
  // approvals are closed by the execution's status-change event, a moment after it ended).
  const waiting = status === 'IN_REVIEW' ? 1 : 0;
  await eventually(`${title} to wait on ${waiting} approval(s)`, async () =>
    (await env.proposal(id)).approvals.filter((approval) => approval.status === 'PENDING').length === waiting ? true : undefined,
  );
  const emails = await emailsAbout(title);
  const sent = emails.map((email) => `${email.destination.to.join(',')} | ${email.subject}`);
  expect(sent).toEqual([...new Set(sent)]);
  return emails;
}

function subjectsTo(emails: readonly StoredEmail[], address: string): string[] {
  return emails.filter((email) => email.destination.to.some((to) => to.includes(address))).map((email) => email.subject.split(':')[0]!);
}

describe('SES throttling that ends within the retries', () => {
  it('sends each email once, later, and the review goes on', async () => {
    const title = 'Throttled then sent';
    // More throttled sends than the SDK's own attempts: a step has to fail and be retried.
    env.stack.faults.set({ ses: { throttle: { times: 5 } } });

    const id = await submit(title);
    const request = await env.waitForEmail(PMO_LEAD, title, 20_000);
    const decided = await env.decide(linkFrom(request, 'approve'), 'approve');

    expect(decided.status).toBe(200);
    expect(env.stack.faults.report().sesThrottled).toBe(5);
    const emails = await expectSettled(id, title, 'APPROVED', 'SUCCEEDED');
    expect(subjectsTo(emails, submitterOf(title))).toEqual(['Proposal received', 'Proposal was approved']);
  });
});

describe('SES refusing an approver’s address', () => {
  it('fails the review with the reason, tells the submitter and the PMO lead once each, and leaves nothing pending', async () => {
    const title = 'Finance address refused';
    env.stack.faults.set({ ses: { reject: [FINANCE] } });
    // Over the finance threshold: level 1 (PMO lead) is asked first, then finance.
    const id = await submit(title, 80000);
    const request = await env.requestTo(PMO_LEAD, title);

    const decided = await env.decide(linkFrom(request, 'approve'), 'approve');

    expect(decided.status).toBe(200);
    const emails = await expectSettled(id, title, 'FAILED', 'FAILED');
    expect(env.stack.faults.report().sesRejected).toContain(FINANCE);
    expect(subjectsTo(emails, FINANCE)).toEqual([]);
    expect(subjectsTo(emails, submitterOf(title))).toEqual(['Proposal received', 'Proposal could not be processed']);
    expect(subjectsTo(emails, PMO_LEAD)).toEqual(['Approval needed', 'Needs attention']);
    expect((await env.proposal(id)).approvals.map((approval) => approval.status)).toEqual(['APPROVED', 'CANCELLED']);
  });
});

describe('a handler that throws once', () => {
  it('before running (scoring): Step Functions retries it and the review starts as usual', async () => {
    const title = 'Scoring failed once';
    env.stack.faults.set({ failNextInvocation: 'scoreProposal' });

    const id = await submit(title);
    await env.requestTo(PMO_LEAD, title);

    expect(env.stack.faults.report().failedInvocations).toEqual([{ function: 'scoreProposal', when: 'before' }]);
    expect((await env.proposal(id)).score?.total).toBeGreaterThan(0);
    await expectSettled(id, title, 'IN_REVIEW', 'RUNNING');
  });

  it('after doing its work (recording the outcome): the retry finds it done and tells the submitter once', async () => {
    const title = 'Outcome answer lost once';
    const id = await submit(title);
    const request = await env.requestTo(PMO_LEAD, title);
    env.stack.faults.set({ failNextInvocation: { function: 'recordOutcome', when: 'after' } });

    const decided = await env.decide(linkFrom(request, 'approve'), 'approve');

    expect(decided.status).toBe(200);
    const emails = await expectSettled(id, title, 'APPROVED', 'SUCCEEDED');
    expect(env.stack.faults.report().failedInvocations).toEqual([{ function: 'recordOutcome', when: 'after' }]);
    expect(subjectsTo(emails, submitterOf(title))).toEqual(['Proposal received', 'Proposal was approved']);
  });
});

describe('two decisions on one approval whose writes reach the database at the same moment', () => {
  it('records exactly one of them; the other is told it was decided already', async () => {
    const title = 'Decided twice at once';
    const id = await submit(title);
    const request = await env.requestTo(PMO_LEAD, title);
    // The review's record, where each decision takes its hold with a conditional write.
    env.stack.faults.set({ conditionalRace: { writes: 2, match: (write) => write.key.pk === `PROPOSAL#${id}` && write.key.sk?.startsWith('REVIEW#') === true } });

    const [approval, rejection] = await Promise.all([env.decide(linkFrom(request, 'approve'), 'approve'), env.decide(linkFrom(request, 'reject'), 'reject', 'Not this year')]);

    expect(env.stack.faults.report()).toMatchObject({ races: [{ held: 2, raced: true }], holding: 0 });
    expect([approval.status, rejection.status].sort()).toEqual([200, 409]);
    const winner = approval.status === 200 ? 'APPROVED' : 'REJECTED';
    await expectSettled(id, title, winner, 'SUCCEEDED');
    expect((await env.proposal(id)).approvals.map((entry) => entry.status)).toEqual([winner]);
    expect((await env.history(id)).filter((event) => event.type === 'decided')).toHaveLength(1);
  });
});
