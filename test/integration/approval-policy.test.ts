import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, EXECUTIVE, FINANCE, linkFrom, PMO_DEPUTY, PMO_LEAD, proposalBody, startTestStack, type StoredEmail, type TestStack } from '#test/support/local-stack-harness.ts';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});

afterAll(async () => {
  await env?.stop();
});

const HOUR = 3600 * 1000;

/** Submits a proposal with a title that tells its emails apart; returns its id and submitter address. */
async function submit(title: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; submitter: string }> {
  const submitter = `s.${title.toLowerCase().replace(/\W+/g, '-')}@example.org`;
  const id = await env.submit({ title, submitter: { name: 'Sam Carter', email: submitter }, ...overrides });
  return { id, submitter };
}

async function approveFrom(address: string, title: string): Promise<void> {
  const response = await env.decide(linkFrom(await env.requestTo(address, title), 'approve'), 'approve');
  expect(response.status).toBe(200);
}

function sweep(at: Date): Promise<unknown> {
  return env.stack.runSchedule('pmo-approval-sweep', at);
}

async function requestsFor(title: string): Promise<StoredEmail[]> {
  return (await env.emails()).filter((email) => email.subject.includes('Approval needed') && email.subject.includes(title));
}

describe('routing by amount', () => {
  it('takes a 300,000 proposal through PMO review, finance and the executive sponsor, in that order', async () => {
    const title = 'Three levels';
    const { id, submitter } = await submit(title, { estimatedCost: { amount: 300000, currency: 'EUR' } });

    await approveFrom(PMO_LEAD, title);
    expect((await env.waitForStatus(id, 'IN_REVIEW')).approvals.map((approval) => approval.level)).toContain(1);
    await approveFrom(FINANCE, title);
    const atLevelThree = await eventually('level 3 asked', async () => {
      const proposal = await env.proposal(id);
      return proposal.reviewStage?.level === 3 ? proposal : undefined;
    });
    await approveFrom(EXECUTIVE, title);

    const approved = await env.waitForStatus(id, 'APPROVED');
    expect(atLevelThree.reviewStage).toEqual({ level: 3, name: 'Executive sponsor', of: 3 });
    expect(approved.approvals.map((approval) => [approval.level, approval.levelName, approval.status])).toEqual([
      [1, 'PMO review', 'APPROVED'],
      [2, 'Finance', 'APPROVED'],
      [3, 'Executive sponsor', 'APPROVED'],
    ]);
    await env.waitForEmail(submitter, 'was approved');
  });

  it('asks PMO review and finance, and nobody else, for a proposal of 50,000', async () => {
    const title = 'Two levels';
    const { id } = await submit(title, { estimatedCost: { amount: 50000, currency: 'EUR' } });

    await approveFrom(PMO_LEAD, title);
    await approveFrom(FINANCE, title);

    const approved = await env.waitForStatus(id, 'APPROVED');
    expect(approved.approvals.map((approval) => approval.level)).toEqual([1, 2]);
    expect((await env.emailsTo(EXECUTIVE)).filter((email) => email.subject.includes(title))).toHaveLength(0);
  });

  it('converts other currencies to the base currency before comparing with the thresholds', async () => {
    const title = 'Dollars over the finance threshold';
    const { id } = await submit(title, { estimatedCost: { amount: 60000, currency: 'USD' } });

    await approveFrom(PMO_LEAD, title);
    await env.requestTo(FINANCE, title);

    expect((await env.proposal(id)).reviewStage).toMatchObject({ level: 2, of: 2 });
  });

  it('refuses a currency the policy cannot convert, naming the field', async () => {
    const response = await env.web('/api/proposals', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(proposalBody({ estimatedCost: { amount: 1000, currency: 'BRL' } })),
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: { path: string }[] }).issues).toEqual([expect.objectContaining({ path: 'estimatedCost.currency' })]);
  });

  it('routes a proposal scoring below the floor to the PMO lead, flagged, instead of rejecting it', async () => {
    const title = 'Weak case';
    const { id } = await submit(title, { criteria: { strategicAlignment: 1, businessValue: 2, risk: 5, urgency: 1 } });

    const request = await env.requestTo(PMO_LEAD, title);

    expect(request.body.text).toContain('Below threshold');
    expect((await env.proposal(id)).status).toBe('IN_REVIEW');
  });
});

describe('a proposal submitted by one of its approvers', () => {
  it('goes to the level’s escalation target instead: nobody approves their own proposal', async () => {
    const title = 'Submitted by the PMO lead';
    const id = await env.submit({ title, submitter: { name: 'Priya Shah', email: PMO_LEAD } });

    await env.requestTo(PMO_DEPUTY, title);

    const proposal = await env.proposal(id);
    expect(proposal.approvals.map((approval) => approval.approver.email)).toEqual([PMO_DEPUTY]);
    expect((await env.emailsTo(PMO_LEAD)).filter((email) => email.subject.startsWith('Approval needed') && email.subject.includes(title))).toHaveLength(0);
  });
});

describe('a rejection at level 2', () => {
  const title = 'Rejected by finance';
  let id: string;
  let submitter: string;

  beforeAll(async () => {
    ({ id, submitter } = await submit(title, { estimatedCost: { amount: 300000, currency: 'EUR' } }));
    await approveFrom(PMO_LEAD, title);
    const response = await env.decide(linkFrom(await env.requestTo(FINANCE, title), 'reject'), 'reject', 'Budget is committed this year.');
    expect(response.status).toBe(200);
  });

  it('ends the review as REJECTED without ever asking level 3', async () => {
    const rejected = await env.waitForStatus(id, 'REJECTED');

    expect(rejected.approvals.map((approval) => approval.level)).toEqual([1, 2]);
    expect((await env.emailsTo(EXECUTIVE)).filter((email) => email.subject.includes(title))).toHaveLength(0);
  });

  it('lets the submitter revise and resubmit from the rejection email, keeping the id and the history', async () => {
    const rejection = await env.waitForEmail(submitter, 'was not approved');
    expect(rejection.body.text).toContain('Budget is committed this year.');
    const revise = new URL(/Revise and resubmit: (\S+)/.exec(rejection.body.text!)![1]!);

    const form = await env.web(`${revise.pathname}${revise.search}`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain(`value="${title}"`);
    const resubmitted = await env.web(revise.pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        key: revise.searchParams.get('key')!,
        title,
        description: 'Phased plan: a first phase within this year’s remaining budget.',
        submitterName: 'Sam Carter',
        submitterEmail: submitter,
        department: 'Engineering',
        amount: '40000',
        currency: 'EUR',
        startDate: '2027-01-04',
        endDate: '2027-06-30',
        strategicAlignment: '4',
        businessValue: '4',
        risk: '2',
        urgency: '3',
      }).toString(),
    });

    expect(resubmitted.status).toBe(303);
    expect(resubmitted.headers.get('location')).toBe(`/proposals/${id}?submitted=1`);
    await eventually('a second PMO request', async () => ((await requestsFor(title)).filter((email) => email.destination.to.some((to) => to.includes(PMO_LEAD))).length === 2 ? true : undefined));
    const revised = await env.proposal(id);
    expect(revised.revision).toBe(2);
    expect((await env.history(id)).map((event) => event.type)).toContain('resubmitted');
  });

  it('shows the approver of the revision why the first one was rejected', async () => {
    const latest = (await env.emailsTo(PMO_LEAD)).filter((email) => email.subject.includes(title)).at(-1)!;

    expect(latest.body.text).toContain('Earlier review, level 2 (Finance): rejected by Femi Adeyemi');
    expect(latest.body.text).toContain('Comment: Budget is committed this year.');
  });

  it('goes through the policy again: the smaller revision needs PMO review only', async () => {
    const requests = (await env.emailsTo(PMO_LEAD)).filter((email) => email.subject.includes(title));
    const latest = requests.at(-1)!;

    expect((await env.decide(linkFrom(latest, 'approve'), 'approve')).status).toBe(200);

    const approved = await env.waitForStatus(id, 'APPROVED');
    expect(approved.approvals.filter((approval) => approval.status === 'APPROVED').length).toBe(2);
  });
});

describe('when nobody answers', () => {
  const title = 'Nobody answers';
  let id: string;
  let requestedAt: number;
  let firstRequest: StoredEmail;

  beforeAll(async () => {
    ({ id } = await submit(title));
    firstRequest = await env.requestTo(PMO_LEAD, title);
    requestedAt = Date.now();
  });

  it('sends nothing before the reminder delay', async () => {
    await sweep(new Date(requestedAt + 47 * HOUR));

    expect((await env.emailsTo(PMO_LEAD)).filter((email) => email.subject.includes(title))).toHaveLength(1);
  });

  it('reminds the approver once after 48 hours, even when the sweep runs twice at once and again later', async () => {
    await Promise.all([sweep(new Date(requestedAt + 49 * HOUR)), sweep(new Date(requestedAt + 49 * HOUR))]);
    await sweep(new Date(requestedAt + 50 * HOUR));

    const reminders = (await env.emailsTo(PMO_LEAD)).filter((email) => email.subject.startsWith('Reminder') && email.subject.includes(title));
    expect(reminders).toHaveLength(1);
    expect(linkFrom(reminders[0]!, 'approve').searchParams.get('key')).not.toBe(linkFrom(firstRequest, 'approve').searchParams.get('key'));
  });

  it('keeps the first email’s links valid after the reminder', async () => {
    const link = linkFrom(firstRequest, 'approve');

    expect((await env.web(`${link.pathname}${link.search}`)).status).toBe(200);
  });

  it('escalates to the fallback approver after 96 hours, with one execution still waiting', async () => {
    await sweep(new Date(requestedAt + 97 * HOUR));

    const escalated = await env.requestTo(PMO_DEPUTY, title);
    expect(escalated.body.text).toContain('Priya Shah did not answer in time');
    const proposal = await env.proposal(id);
    expect(proposal.approvals).toHaveLength(1);
    expect(proposal.approvals[0]).toMatchObject({ status: 'PENDING', approver: { email: PMO_DEPUTY } });
  });

  it('escalates once: later sweeps leave the new approver in place', async () => {
    await sweep(new Date(requestedAt + 98 * HOUR));
    await sweep(new Date(requestedAt + 99 * HOUR));

    expect((await env.emailsTo(PMO_DEPUTY)).filter((email) => email.subject.includes(title))).toHaveLength(1);
    expect((await env.proposal(id)).approvals[0]!.approver.email).toBe(PMO_DEPUTY);
    expect((await env.history(id)).filter((event) => event.type === 'escalated')).toHaveLength(1);
  });

  it('answers the earlier approver’s links with 409 "reassigned to" the new approver', async () => {
    const response = await env.decide(linkFrom(firstRequest, 'approve'), 'approve');

    expect(response.status).toBe(409);
    expect(await response.text()).toContain('reassigned to Noor Haddad');
    expect((await env.proposal(id)).status).toBe('IN_REVIEW');
  });

  it('lets the fallback approver decide, and records the whole story in the history', async () => {
    await approveFrom(PMO_DEPUTY, title);

    await env.waitForStatus(id, 'APPROVED');
    const types = (await env.history(id)).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['reminded', 'escalated', 'decided']));
    expect(types.indexOf('reminded')).toBeLessThan(types.indexOf('escalated'));
  });
});

describe('withdrawing a proposal', () => {
  const title = 'Withdrawn idea';
  let id: string;
  let submitter: string;

  beforeAll(async () => {
    ({ id, submitter } = await submit(title));
    await env.requestTo(PMO_LEAD, title);
  });

  it('shows a confirmation page on the emailed link without withdrawing', async () => {
    const received = await env.waitForEmail(submitter, 'Proposal received');
    const link = new URL(/Withdraw: (\S+)/.exec(received.body.text!)![1]!);

    const page = await env.web(`${link.pathname}${link.search}`);

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Withdraw proposal');
    expect((await env.proposal(id)).status).toBe('IN_REVIEW');
  });

  it('withdraws on POST, closes the pending approval and ends the workflow', async () => {
    const received = await env.waitForEmail(submitter, 'Proposal received');
    const link = new URL(/Withdraw: (\S+)/.exec(received.body.text!)![1]!);

    const response = await env.web(link.pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: link.searchParams.get('key')! }).toString(),
    });

    expect(response.status).toBe(200);
    const withdrawn = await env.waitForStatus(id, 'WITHDRAWN');
    expect(withdrawn.approvals[0]!.status).toBe('WITHDRAWN');
    await env.waitForEmail(submitter, 'was withdrawn');
  });

  it('answers the approver’s link with 410', async () => {
    const response = await env.decide(linkFrom(await env.requestTo(PMO_LEAD, title), 'approve'), 'approve');

    expect(response.status).toBe(410);
    expect((await env.proposal(id)).status).toBe('WITHDRAWN');
  });

  it('refuses a withdrawal without the submitter’s key', async () => {
    const response = await env.web(`/api/proposals/${id}/withdraw`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'guess' }),
    });

    expect(response.status).toBe(403);
  });
});
