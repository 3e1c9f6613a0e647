import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkFrom, PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// Two people act on one review at the same moment: exactly one wins, the other is told so, and
// the records agree with what each was told.

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});

afterAll(async () => {
  await env?.stop();
});

async function inReview(title: string) {
  const submitter = `race+${title.replace(/\W/g, '')}@example.org`;
  const id = await env.submit({ title, submitter: { name: 'Sam Carter', email: submitter } });
  const request = await env.requestTo(PMO_LEAD, title);
  const received = await env.waitForEmail(submitter, 'Proposal received');
  const withdraw = new URL(/Withdraw: (\S+)/.exec(received.body.text!)![1]!);
  return { id, approve: linkFrom(request, 'approve'), withdrawKey: withdraw.searchParams.get('key')! };
}

function withdraw(id: string, key: string) {
  return env.web(`/api/proposals/${id}/withdraw`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
}

describe('an approval racing a withdrawal', () => {
  it.each([1, 2, 3, 4, 5, 6])('has exactly one winner, and the records agree (round %i)', async (round) => {
    const { id, approve, withdrawKey } = await inReview(`Race ${round}`);

    const [decision, withdrawal] = await Promise.all([env.decide(approve, 'approve'), withdraw(id, withdrawKey)]);

    const approvalWon = decision.status === 200;
    expect([decision.status, withdrawal.status]).toEqual(approvalWon ? [200, 409] : [410, 200]);
    const settled = await env.waitForStatus(id, approvalWon ? 'APPROVED' : 'WITHDRAWN');
    expect(settled.approvals.map((approval) => approval.status)).toEqual([approvalWon ? 'APPROVED' : 'WITHDRAWN']);
  });
});

describe('five withdrawals of one proposal at once', () => {
  it('withdraw it once; the others get what a later repeat gets', async () => {
    const { id, withdrawKey } = await inReview('Withdrawn five times');

    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => withdraw(id, withdrawKey)));
    const repeat = await withdraw(id, withdrawKey);

    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect(repeat.status).toBe(409);
    expect((await env.history(id)).filter((event) => event.type === 'withdrawn')).toHaveLength(1);
  });
});
