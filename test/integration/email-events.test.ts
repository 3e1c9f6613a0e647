import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINANCE, FINANCE_DEPUTY, PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';
import { reportOf, sampleBounceEvent } from '#test/support/ses-sample-events.ts';

type Handler = (typeof import('#handlers/email-events.ts'))['handler'];
type Directory = (typeof import('#adapters/directory-repository.ts'))['directoryRepository'];

let env: TestStack;
let handler: Handler;
let directory: Directory;

beforeAll(async () => {
  env = await startTestStack();
  // Imported once the local stack has pointed the SDK and TABLE_NAME at its stand-ins.
  ({ handler } = await import('#handlers/email-events.ts'));
  ({ directoryRepository: directory } = await import('#adapters/directory-repository.ts'));
});

afterAll(async () => {
  await env?.stop();
});

/** AWS's sample bounce event, to `recipient`, as its own report (SES gives each report its feedback id). */
function bounceOf(recipient: string, feedbackId: string): Record<string, unknown> {
  const event = sampleBounceEvent(recipient);
  reportOf(event).feedbackId = feedbackId;
  return event;
}

async function reportsTo(address: string, about: string) {
  return (await env.emailsTo(address)).filter((email) => email.subject.startsWith('PMO email') && email.subject.includes(about));
}

describe('a bounce for good of product e-mail, delivered by EventBridge', () => {
  it("marks the person undeliverable in the directory, with SES's reason and time", async () => {
    await handler(sampleBounceEvent(FINANCE));

    expect((await directory.getPerson(FINANCE))?.undeliverable).toEqual({
      kind: 'bounce',
      at: '2017-08-05T00:41:02.669Z',
      reason: 'General bounce: smtp; 550 5.1.1 user unknown',
    });
  });

  it('marks them in their role memberships too, where approvers are looked up', async () => {
    await handler(sampleBounceEvent(FINANCE));

    const inRole = (await directory.peopleInRole('finance')).find((person) => person.email === FINANCE);

    expect(inRole?.undeliverable?.kind).toBe('bounce');
  });

  it('tells the PMO lead once, although EventBridge delivered the event twice', async () => {
    const event = bounceOf(FINANCE_DEPUTY, 'delivered-twice');

    const first = await handler(event);
    const again = await handler(structuredClone(event));

    const reports = await reportsTo(PMO_LEAD, FINANCE_DEPUTY);
    expect(reports).toHaveLength(1);
    expect(reports[0]?.subject).toBe(`PMO email bounced: ${FINANCE_DEPUTY}`);
    expect(reports[0]?.body.text).toContain(`${FINANCE_DEPUTY} (Omar Farouk, marked undeliverable in the directory): General bounce: smtp; 550 5.1.1 user unknown`);
    expect([first, again]).toEqual([
      { result: 'recorded', marked: 1, unknown: 0, notified: 1 },
      { result: 'recorded', marked: 1, unknown: 0, notified: 0 },
    ]);
  });

  it('keeps the newer mark when an older report arrives late', async () => {
    await handler(sampleBounceEvent(FINANCE));
    const late = bounceOf(FINANCE, 'older-report');
    reportOf(late).timestamp = '2017-08-01T00:00:00.000Z';
    const lateRecipients = reportOf(late).bouncedRecipients as { diagnosticCode?: string }[];
    lateRecipients[0]!.diagnosticCode = 'smtp; 552 mailbox full';

    await handler(late);

    expect((await directory.getPerson(FINANCE))?.undeliverable).toMatchObject({ at: '2017-08-05T00:41:02.669Z', reason: 'General bounce: smtp; 550 5.1.1 user unknown' });
  });

  it('tells the PMO lead about an address nobody in the directory has, and marks nobody', async () => {
    const result = await handler(bounceOf('someone.outside@example.com', 'outside-report'));

    expect(result).toMatchObject({ result: 'recorded', marked: 0, unknown: 1, notified: 1 });
    const [report] = await reportsTo(PMO_LEAD, 'someone.outside@example.com');
    expect(report?.body.text).toContain('someone.outside@example.com (not in the directory)');
  });

  it('changes nothing and tells nobody about a soft bounce', async () => {
    const soft = bounceOf('noor.haddad@example.org', 'soft-report');
    reportOf(soft).bounceType = 'Transient';

    const result = await handler(soft);

    expect(result).toEqual({ result: 'ignored' });
    expect((await directory.getPerson('noor.haddad@example.org'))?.undeliverable).toBeUndefined();
    expect(await reportsTo(PMO_LEAD, 'noor.haddad@example.org')).toHaveLength(0);
  });

  // Last: it leaves the PMO lead's own address marked.
  it("never writes to a PMO lead whose own address bounced, so a bounce cannot report itself round and round", async () => {
    const before = (await env.emailsTo(PMO_LEAD)).length;

    const result = await handler(bounceOf(PMO_LEAD, 'lead-report'));

    expect(result).toMatchObject({ result: 'recorded', marked: 1, notified: 0 });
    expect((await directory.getPerson(PMO_LEAD))?.undeliverable?.kind).toBe('bounce');
    expect(await env.emailsTo(PMO_LEAD)).toHaveLength(before);
  });
});
