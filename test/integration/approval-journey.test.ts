import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, linkFrom, PMO_LEAD, startTestStack, type StoredEmail, type TestStack } from '#test/support/local-stack-harness.ts';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});

afterAll(async () => {
  await env?.stop();
});

function submitterOf(title: string) {
  return `submitter+${title.replace(/\W/g, '')}@example.org`;
}

/** Submits a proposal and returns it with the approval request email sent to the PMO lead. */
async function submitAndAwaitRequest(title: string): Promise<{ id: string; request: StoredEmail }> {
  const id = await env.submit({ title, submitter: { name: 'Sam Carter', email: submitterOf(title) } });
  return { id, request: await env.requestTo(PMO_LEAD, title) };
}

describe('approving a proposal from the emailed link', () => {
  const title = 'Journey approve';
  let id: string;
  let request: StoredEmail;

  beforeAll(async () => {
    ({ id, request } = await submitAndAwaitRequest(title));
  });

  it('scores the proposal and puts it in review with one pending approval by the PMO lead', async () => {
    const proposal = await env.waitForStatus(id, 'IN_REVIEW');

    expect(proposal.score?.breakdown).toHaveLength(4);
    expect(proposal.approvals).toEqual([expect.objectContaining({ level: 1, status: 'PENDING', approver: expect.objectContaining({ email: PMO_LEAD }) })]);
  });

  it('emails the approver the cost, the score breakdown and both links', () => {
    expect(request.body.text).toContain('€30,000.00');
    expect(request.body.text).toContain('Level 1 of 1: PMO review');
    expect(request.body.text).toMatch(/Score: [\d.]+\/100/);
    expect(linkFrom(request, 'approve').pathname).toMatch(/^\/approvals\//);
    expect(linkFrom(request, 'reject').searchParams.get('decision')).toBe('reject');
  });

  it('never puts the workflow task token in the email', () => {
    expect(request.body.text).not.toMatch(/token/i);
    expect(request.body.html).not.toMatch(/token/i);
  });

  it('shows a confirmation page on GET and HEAD without deciding anything', async () => {
    const link = linkFrom(request, 'approve');

    const get = await env.web(`${link.pathname}${link.search}`);
    const head = await env.web(`${link.pathname}${link.search}`, { method: 'HEAD' });

    expect(get.status).toBe(200);
    const page = await get.text();
    expect(page).toContain('<button type="submit" name="decision" value="approve"');
    expect(page).not.toContain('<script');
    expect(get.headers.get('referrer-policy')).toBe('no-referrer');
    expect(head.status).toBe(200);
    expect((await env.proposal(id)).approvals[0]!.status).toBe('PENDING');
  });

  it('records the decision on POST, resumes the workflow and tells the submitter', async () => {
    const response = await env.decide(linkFrom(request, 'approve'), 'approve', 'Good value.');

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Decision recorded');
    const proposal = await env.waitForStatus(id, 'APPROVED');
    expect(proposal.approvals[0]).toMatchObject({ status: 'APPROVED', comment: 'Good value.' });
    const outcome = await env.waitForEmail(submitterOf(title), 'was approved');
    expect(outcome.body.text).toContain('Good value.');
  });

  it('answers a second click with 409 naming who decided, and sends nothing more', async () => {
    const response = await env.decide(linkFrom(request, 'reject'), 'reject', 'Changed my mind');

    expect(response.status).toBe(409);
    expect(await response.text()).toContain('already approved by Priya Shah');
    expect((await env.proposal(id)).status).toBe('APPROVED');
    expect((await env.emailsTo(submitterOf(title))).filter((email) => email.subject.includes('approved'))).toHaveLength(1);
  });

  it('records every step in the history, in order', async () => {
    const { items } = (await (await env.web(`/api/proposals/${id}/history`)).json()) as { items: { type: string }[] };

    expect(items.map((event) => event.type)).toEqual([
      'submitted',
      'scored',
      'review-planned',
      'approval-requested',
      'decided',
      'level-closed',
      'outcome-recorded',
      'project-created',
      'submitter-notified',
    ]);
  });
});

describe('rejecting a proposal', () => {
  const title = 'Journey reject';
  let id: string;
  let request: StoredEmail;

  beforeAll(async () => {
    ({ id, request } = await submitAndAwaitRequest(title));
  });

  it('asks for a comment and keeps the approval pending when it is missing', async () => {
    const response = await env.decide(linkFrom(request, 'reject'), 'reject');

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Say why you reject it');
    expect((await env.proposal(id)).approvals[0]!.status).toBe('PENDING');
  });

  it('rejects with the comment and emails it to the submitter', async () => {
    const response = await env.decide(linkFrom(request, 'reject'), 'reject', 'Not this year <b>sorry</b>');

    expect(response.status).toBe(200);
    await env.waitForStatus(id, 'REJECTED');
    const outcome = await env.waitForEmail(submitterOf(title), 'was not approved');
    expect(outcome.body.html).toContain('Not this year &lt;b&gt;sorry&lt;/b&gt;');
  });
});

describe('links that must not decide', () => {
  const title = 'Journey tampered';
  let id: string;
  let request: StoredEmail;

  beforeAll(async () => {
    ({ id, request } = await submitAndAwaitRequest(title));
  });

  it('answers 403 to a link whose secret was changed, on GET and POST', async () => {
    const link = linkFrom(request, 'approve');
    link.searchParams.set('key', 'A'.repeat(43));

    const get = await env.web(`${link.pathname}${link.search}`);
    const post = await env.decide(link, 'approve');

    expect(get.status).toBe(403);
    expect(post.status).toBe(403);
    expect(await post.text()).toContain('This link is not valid');
    expect((await env.proposal(id)).approvals[0]!.status).toBe('PENDING');
  });

  it('answers 404 to an approval that does not exist, without exception text', async () => {
    const response = await env.web('/approvals/does-not-exist?key=whatever');

    expect(response.status).toBe(404);
    const page = await response.text();
    expect(page).toContain('This link is not valid');
    expect(page).not.toMatch(/Error:|at .*\.ts/);
  });
});

describe('an approval nobody decides', () => {
  const title = 'Journey expiry';
  let id: string;
  let request: StoredEmail;

  beforeAll(async () => {
    ({ id, request } = await submitAndAwaitRequest(title));
  });

  it('is left alone by a sweep before its deadline', async () => {
    await env.stack.runSchedule('pmo-approval-sweep', new Date(Date.now() + 4 * 24 * 3600 * 1000));

    expect((await env.proposal(id)).status).toBe('IN_REVIEW');
  });

  it('expires at the sweep after its deadline, and the submitter and the PMO lead are told', async () => {
    await env.stack.runSchedule('pmo-approval-sweep', new Date(Date.now() + 6 * 24 * 3600 * 1000));

    const proposal = await env.waitForStatus(id, 'EXPIRED');
    expect(proposal.approvals[0]!.status).toBe('EXPIRED');
    await env.waitForEmail(submitterOf(title), 'expired without a decision');
    await eventually('the PMO lead told', async () =>
      (await env.emailsTo(PMO_LEAD)).find((email) => email.subject.startsWith('Needs attention') && email.subject.includes(title)),
    );
  });

  it('answers 410 to the link once expired', async () => {
    const link = linkFrom(request, 'approve');

    const response = await env.decide(link, 'approve');

    expect(response.status).toBe(410);
    expect((await env.proposal(id)).status).toBe('EXPIRED');
  });

  it('sends nothing more about it when the sweep runs again', async () => {
    // Only this journey's mail counts: the sweep a week ahead also acts on other journeys' approvals.
    const aboutThis = async () => (await env.emails()).filter((email) => email.subject.includes(title) || (email.body.text ?? '').includes(id));
    const before = (await aboutThis()).length;

    await env.stack.runSchedule('pmo-approval-sweep', new Date(Date.now() + 7 * 24 * 3600 * 1000));
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect((await aboutThis()).length).toBe(before);
  });
});
