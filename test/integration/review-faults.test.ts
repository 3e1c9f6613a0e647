import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditRepository } from '#adapters/audit-repository.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';
import { eventually, linkFrom, PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// Failures in the middle of a decision or a withdrawal: each test states what the design promises.

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await env?.stop();
});

async function inReview(title: string) {
  const submitter = `finding+${title.replace(/\W/g, '')}@example.org`;
  const id = await env.submit({ title, submitter: { name: 'Sam Carter', email: submitter } });
  const request = await env.requestTo(PMO_LEAD, title);
  const received = await env.waitForEmail(submitter, 'Proposal received');
  const withdraw = new URL(/Withdraw: (\S+)/.exec(received.body.text!)![1]!);
  return { id, submitter, request, withdrawKey: withdraw.searchParams.get('key')! };
}

function withdraw(id: string, key: string) {
  return env.web(`/api/proposals/${id}/withdraw`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
}

describe('a settling decision whose request fails after the approval write', () => {
  it('still ends the review: a later withdrawal loses, the records agree, the trail keeps the decision', async () => {
    const { id, request, withdrawKey } = await inReview('Decision then transient failure');
    // One transient DynamoDB error on the audit append that follows the decision's write.
    const append = auditRepository.append.bind(auditRepository);
    let failed = false;
    vi.spyOn(auditRepository, 'append').mockImplementation(async (event) => {
      if (event.type === 'decided' && !failed) {
        failed = true;
        throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' });
      }
      return append(event);
    });

    const decision = await env.decide(linkFrom(request, 'reject'), 'reject', 'Out of scope');
    expect(decision.status).toBe(500); // the approver sees an error page...
    expect((await env.proposal(id)).approvals.map((approval) => approval.status)).toEqual(['REJECTED']); // ...but the rejection is recorded
    vi.restoreAllMocks();

    const withdrawal = await withdraw(id, withdrawKey);
    // The sweeper re-delivers the rejection to the workflow.
    await env.stack.runSchedule('pmo-approval-sweep', new Date(Date.now() + 5 * 60_000));
    const final = await eventually('the review to end', async () => {
      const proposal = await env.proposal(id);
      return proposal.status === 'IN_REVIEW' ? undefined : proposal;
    });

    // The rejection ended the review, so the withdrawal must lose (409), as it does without the fault.
    expect.soft(withdrawal.status).toBe(409);
    expect.soft({ status: final.status, approvals: final.approvals.map((approval) => approval.status) }).toEqual({ status: 'REJECTED', approvals: ['REJECTED'] });
    expect.soft((await env.history(id)).map((event) => event.type)).toContain('decided');
  });
});

describe('a double click on a decision that ends the review', () => {
  it.each([1, 2, 3])('shows the second click "Already decided", as the design says (round %i)', async (round) => {
    const { request } = await inReview(`Double click ${round}`);
    const link = linkFrom(request, 'reject');

    const answers = await Promise.all([env.decide(link, 'reject', 'No budget'), env.decide(link, 'reject', 'No budget')]);
    const statuses = answers.map((answer) => answer.status).sort();
    const second = answers.find((answer) => answer.status === 409)!;

    expect(statuses).toEqual([200, 409]);
    expect(await second.text()).toContain('Already decided');
  });
});

describe('a withdrawal that fails between its claim and the status write', () => {
  it('does not leave approvers refused while the proposal stays in review', async () => {
    const { id, request, withdrawKey } = await inReview('Half withdrawn');
    vi.spyOn(proposalRepository, 'withdraw').mockRejectedValueOnce(Object.assign(new Error('Internal server error'), { name: 'InternalServerError' }));

    expect((await withdraw(id, withdrawKey)).status).toBe(500);
    vi.restoreAllMocks();

    const decision = await env.decide(linkFrom(request, 'approve'), 'approve');
    const proposal = await env.proposal(id);

    // Either the withdrawal took effect, or the decision may still be made: not both refused.
    expect({ decision: decision.status, status: proposal.status }).not.toEqual({ decision: 410, status: 'IN_REVIEW' });
  });
});

describe('a withdrawal that fails after the status write', () => {
  it('tells the approvers and releases the workflow when the submitter tries again', async () => {
    const title = 'Withdrawn then transient failure';
    const { id, withdrawKey } = await inReview(title);
    const append = auditRepository.append.bind(auditRepository);
    let failed = false;
    vi.spyOn(auditRepository, 'append').mockImplementation(async (event) => {
      if (event.type === 'withdrawn' && !failed) {
        failed = true;
        throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' });
      }
      return append(event);
    });

    expect((await withdraw(id, withdrawKey)).status).toBe(500);
    vi.restoreAllMocks();
    await withdraw(id, withdrawKey); // the submitter tries again: 409 "cannot be withdrawn"

    expect((await env.proposal(id)).status).toBe('WITHDRAWN');
    // The approver is never told, and the approval (and the workflow waiting on it) stays open.
    await eventually('the approval to close', async () => ((await env.proposal(id)).approvals[0]!.status === 'WITHDRAWN' ? true : undefined), 3000);
    await env.waitForEmail(PMO_LEAD, `No decision needed: ${title}`, 3000);
  });
});
