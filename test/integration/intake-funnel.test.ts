import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposalRepository } from '#adapters/proposal-repository.ts';
import { linkFrom, PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// The intake funnel of a report reads the decisions of its period, filed by month as each review ends.

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});

afterAll(async () => {
  await env?.stop();
});

describe('decisions filed for the intake funnel', () => {
  it('files an approved proposal once, with its submission and decision times', async () => {
    const title = 'Funnel approve';
    const id = await env.submit({ title, submitter: { name: 'Sam Carter', email: 'funnel.approve@example.org' } });
    const request = await env.requestTo(PMO_LEAD, title);
    const before = new Date(Date.now() - 60_000);

    await env.decide(linkFrom(request, 'approve'), 'approve');
    await env.waitForStatus(id, 'APPROVED');
    const proposal = (await proposalRepository.get(id))!;
    const decisions = await proposalRepository.listDecisions(before, new Date(Date.now() + 60_000));

    expect(decisions.filter((decision) => decision.proposalId === id)).toEqual([
      expect.objectContaining({ status: 'APPROVED', revision: 1, submittedAt: proposal.submittedAt, decidedAt: proposal.outcome?.decidedAt }),
    ]);
  });

  it('leaves out a decision outside the period', async () => {
    const title = 'Funnel reject';
    const id = await env.submit({ title, submitter: { name: 'Sam Carter', email: 'funnel.reject@example.org' } });
    await env.decide(linkFrom(await env.requestTo(PMO_LEAD, title), 'reject'), 'reject', 'Not now');
    await env.waitForStatus(id, 'REJECTED');

    const lastMonth = await proposalRepository.listDecisions(new Date(Date.now() - 40 * 86_400_000), new Date(Date.now() - 35 * 86_400_000));

    expect(lastMonth.map((decision) => decision.proposalId)).not.toContain(id);
  });
});

describe('the approvals waiting', () => {
  it('lists every pending approval for the PMO, with its subject’s title and age', async () => {
    const title = 'Waiting approval listed';
    await env.submit({ title, submitter: { name: 'Sam Carter', email: 'waiting.listed@example.org' } });
    await env.requestTo(PMO_LEAD, title);

    const { items } = (await (await env.web('/api/approvals')).json()) as { items: { title: string; approverName: string; overdue: boolean }[] };
    const page = await (await env.web('/approvals')).text();

    expect(items).toEqual(expect.arrayContaining([expect.objectContaining({ title, approverName: 'Priya Shah', overdue: false })]));
    expect(page).toContain(title);
  });
});
