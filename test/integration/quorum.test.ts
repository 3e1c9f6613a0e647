import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, EXECUTIVE, FINANCE, linkFrom, PMO_DEPUTY, PMO_LEAD, proposalBody, startTestStack, type StoredEmail, type TestStack } from '#test/support/local-stack-harness.ts';

/** A policy with a first-of-two level and an all-of-two level, for every amount. */
const QUORUM_POLICY = {
  version: 'quorum-test',
  baseCurrency: 'EUR',
  exchangeRates: {},
  scoreFloor: 0,
  reminderAfterHours: 48,
  escalateAfterHours: 96,
  levels: [
    { level: 1, name: 'PMO office', minAmount: 0, approvers: [{ role: 'pmo-lead' }, { role: 'pmo-deputy' }], quorum: 'any', timeoutHours: 120 },
    { level: 2, name: 'Investment board', minAmount: 0, approvers: [{ role: 'finance' }, { person: EXECUTIVE }], quorum: 'all', timeoutHours: 120 },
  ],
};

let env: TestStack;
let policyDir: string;

beforeAll(async () => {
  policyDir = await mkdtemp(join(tmpdir(), 'pmo-policy-'));
  const policyPath = join(policyDir, 'policy.json');
  await writeFile(policyPath, JSON.stringify(QUORUM_POLICY));
  env = await startTestStack({ approvalPolicyPath: policyPath });
});

afterAll(async () => {
  await env?.stop();
  await rm(policyDir, { recursive: true, force: true });
});

async function submit(title: string): Promise<string> {
  const response = await env.web('/api/proposals', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(proposalBody({ title })),
  });
  return ((await response.json()) as { id: string }).id;
}

function requestTo(address: string, title: string): Promise<StoredEmail> {
  return eventually(`a request for ${title} to ${address}`, async () =>
    (await env.emailsTo(address)).find((email) => email.subject.startsWith('Approval needed') && email.subject.includes(title)),
  );
}

function decide(link: URL, decision: 'approve' | 'reject', comment?: string) {
  return env.web(link.pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key: link.searchParams.get('key')!, decision, ...(comment ? { comment } : {}) }).toString(),
  });
}

async function proposal(id: string) {
  return (await (await env.web(`/api/proposals/${id}`)).json()) as {
    status: string;
    reviewStage?: { level: number };
    approvals: { level: number; status: string; approver: { email: string } }[];
  };
}

const statusesAt = async (id: string, level: number) =>
  (await proposal(id)).approvals.filter((approval) => approval.level === level).map((approval) => `${approval.approver.email}:${approval.status}`).sort();

describe('a level where the first of several approvers decides (quorum "any")', () => {
  const title = 'Any of two';
  let id: string;

  beforeAll(async () => {
    id = await submit(title);
  });

  it('asks both approvers at once', async () => {
    await requestTo(PMO_LEAD, title);
    await requestTo(PMO_DEPUTY, title);

    expect(await statusesAt(id, 1)).toEqual([`${PMO_DEPUTY}:PENDING`, `${PMO_LEAD}:PENDING`]);
  });

  it('moves on with the first decision and tells the other approver’s link it is no longer needed', async () => {
    expect((await decide(linkFrom(await requestTo(PMO_DEPUTY, title), 'approve'), 'approve')).status).toBe(200);

    await eventually('level 2 asked', async () => ((await proposal(id)).reviewStage?.level === 2 ? true : undefined));
    expect(await statusesAt(id, 1)).toEqual([`${PMO_DEPUTY}:APPROVED`, `${PMO_LEAD}:SUPERSEDED`]);
    const late = await decide(linkFrom(await requestTo(PMO_LEAD, title), 'reject'), 'reject', 'Too late');
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('Another approver already decided');
  });
});

describe('a level where every approver must approve (quorum "all")', () => {
  it('waits for the last approval before approving', async () => {
    const title = 'All of two approve';
    const id = await submit(title);
    await decide(linkFrom(await requestTo(PMO_LEAD, title), 'approve'), 'approve');

    await decide(linkFrom(await requestTo(FINANCE, title), 'approve'), 'approve');
    await eventually('finance recorded', async () => ((await statusesAt(id, 2)).includes(`${FINANCE}:APPROVED`) ? true : undefined));
    expect((await proposal(id)).status).toBe('IN_REVIEW');
    await decide(linkFrom(await requestTo(EXECUTIVE, title), 'approve'), 'approve');

    await eventually('approved', async () => ((await proposal(id)).status === 'APPROVED' ? true : undefined));
    expect(await statusesAt(id, 2)).toEqual([`${EXECUTIVE}:APPROVED`, `${FINANCE}:APPROVED`]);
  });

  it('rejects on the first rejection, and the other approver no longer decides', async () => {
    const title = 'All of two, one rejects';
    const id = await submit(title);
    await decide(linkFrom(await requestTo(PMO_LEAD, title), 'approve'), 'approve');

    expect((await decide(linkFrom(await requestTo(FINANCE, title), 'reject'), 'reject', 'Not funded')).status).toBe(200);

    await eventually('rejected', async () => ((await proposal(id)).status === 'REJECTED' ? true : undefined));
    expect(await statusesAt(id, 2)).toEqual([`${EXECUTIVE}:SUPERSEDED`, `${FINANCE}:REJECTED`]);
    expect((await decide(linkFrom(await requestTo(EXECUTIVE, title), 'approve'), 'approve')).status).toBe(409);
  });
});
