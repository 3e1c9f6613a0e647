import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, FINANCE, FINANCE_DEPUTY, linkFrom, PMO_DEPUTY, PMO_LEAD, startTestStack, type StoredEmail, type TestStack } from '#test/support/local-stack-harness.ts';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});

afterAll(async () => {
  await env?.stop();
});

const DAY = 24 * 3600 * 1000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

/** Asks for a delegation link by email, as a person would from /delegation, and returns it. */
async function delegationLinkFor(email: string): Promise<URL> {
  const before = (await env.emailsTo(email)).length;
  const response = await env.web('/delegation', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email }).toString(),
  });
  expect(response.status).toBe(200);
  const emails = await env.waitForEmails(email, before + 1);
  return new URL(/Set my out-of-office delegate: (\S+)/.exec(emails.at(-1)!.body.text!)![1]!);
}

describe('setting an out-of-office delegate', () => {
  let financeLink: URL;

  beforeAll(async () => {
    financeLink = await delegationLinkFor(FINANCE);
  });

  it('sends at most one link email per person in ten minutes, however often the form is sent', async () => {
    const before = (await env.emailsTo(FINANCE)).length;

    await env.web('/delegation', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(FINANCE)}` });

    expect((await env.emailsTo(FINANCE)).length).toBe(before);
  });

  it('answers the request form the same whether or not the address is in the directory', async () => {
    const response = await env.web('/delegation', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'stranger@example.org' }).toString(),
    });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('If the address is in the PMO directory');
    expect(await env.emailsTo('stranger@example.org')).toHaveLength(0);
  });

  it('refuses the API without the emailed key', async () => {
    const response = await env.web(`/api/people/${FINANCE}/delegation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ delegateEmail: FINANCE_DEPUTY, from: isoDay(0), until: isoDay(7), key: 'guess' }),
    });

    expect(response.status).toBe(403);
  });

  it('refuses a delegate who is not in the directory, naming the field', async () => {
    const link = financeLink;

    const response = await env.web(`/api/people/${FINANCE}/delegation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ delegateEmail: 'nobody@example.org', from: isoDay(0), until: isoDay(7), key: link.searchParams.get('key') }),
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: { path: string }[] }).issues[0]!.path).toBe('delegateEmail');
  });

  it('sends new requests to the delegate, who decides on behalf of the approver', async () => {
    const link = financeLink;
    const saved = await env.web(`/api/people/${FINANCE}/delegation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ delegateEmail: FINANCE_DEPUTY, from: isoDay(0), until: isoDay(7), key: link.searchParams.get('key') }),
    });
    expect(saved.status).toBe(201);
    const id = await env.submit({ title: 'Delegated finance review', estimatedCost: { amount: 60000, currency: 'EUR' } });

    expect((await env.decide(linkFrom(await env.requestTo(PMO_LEAD, 'Delegated finance review'), 'approve'), 'approve')).status).toBe(200);
    const request = await env.requestTo(FINANCE_DEPUTY, 'Delegated finance review');
    expect(request.body.text).toContain('on behalf of Femi Adeyemi');
    expect((await env.decide(linkFrom(request, 'approve'), 'approve')).status).toBe(200);

    const approved = await eventually('approved', async () => {
      const current = await env.proposal(id);
      return current.status === 'APPROVED' ? current : undefined;
    });
    expect(approved.approvals[1]).toMatchObject({ level: 2, status: 'APPROVED', approver: { email: FINANCE_DEPUTY }, onBehalfOf: { email: FINANCE } });
    const history = ((await (await env.web(`/api/proposals/${id}/history`)).json()) as { items: { summary: string }[] }).items;
    expect(history.map((event) => event.summary)).toContain('Approved by Omar Farouk on behalf of Femi Adeyemi (level 2, Finance)');
    expect((await env.emailsTo(FINANCE)).filter((email) => email.subject.includes('Delegated finance review'))).toHaveLength(0);
  });
});

describe('a delegation that starts while approvals are pending', () => {
  const title = 'Pending when the lead leaves';
  let id: string;
  let original: StoredEmail;

  beforeAll(async () => {
    id = await env.submit({ title, estimatedCost: { amount: 20000, currency: 'EUR' } });
    original = await env.requestTo(PMO_LEAD, title);
    const link = await delegationLinkFor(PMO_LEAD);
    const form = await env.web(`${link.pathname}${link.search}`);
    expect(form.status).toBe(200);
    const saved = await env.web(link.pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: link.searchParams.get('key')!, delegateEmail: PMO_DEPUTY, from: isoDay(1), until: isoDay(3) }).toString(),
    });
    expect(saved.status).toBe(200);
  });

  it('leaves the pending approval with the approver until the period starts', async () => {
    expect((await env.proposal(id)).approvals[0]!.approver.email).toBe(PMO_LEAD);
  });

  it('redirects it to the delegate at the first sweep of the period', async () => {
    await env.stack.runSchedule('pmo-approval-sweep', new Date(`${isoDay(1)}T00:05:00Z`));

    const redirected = await env.requestTo(PMO_DEPUTY, title);
    expect(redirected.body.text).toContain('on behalf of Priya Shah');
    expect((await env.proposal(id)).approvals[0]).toMatchObject({ status: 'PENDING', approver: { email: PMO_DEPUTY }, onBehalfOf: { email: PMO_LEAD } });
  });

  it('answers the approver’s own link with 409, and lets the delegate decide', async () => {
    const stale = await env.decide(linkFrom(original, 'approve'), 'approve');
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain('reassigned to Noor Haddad');

    expect((await env.decide(linkFrom(await env.requestTo(PMO_DEPUTY, title), 'approve'), 'approve')).status).toBe(200);
    await eventually('approved', async () => ((await env.proposal(id)).status === 'APPROVED' ? true : undefined));
  });
});
