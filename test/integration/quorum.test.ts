import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, EXECUTIVE, FINANCE, linkFrom, PMO_DEPUTY, PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

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

const statusesAt = async (id: string, level: number) =>
  (await env.proposal(id)).approvals.filter((approval) => approval.level === level).map((approval) => `${approval.approver.email}:${approval.status}`).sort();

describe('a level where the first of several approvers decides (quorum "any")', () => {
  const title = 'Any of two';
  let id: string;

  beforeAll(async () => {
    id = await env.submit({ title });
  });

  it('asks both approvers at once', async () => {
    await env.requestTo(PMO_LEAD, title);
    await env.requestTo(PMO_DEPUTY, title);

    expect(await statusesAt(id, 1)).toEqual([`${PMO_DEPUTY}:PENDING`, `${PMO_LEAD}:PENDING`]);
  });

  it('moves on with the first decision and tells the other approver’s link it is no longer needed', async () => {
    expect((await env.decide(linkFrom(await env.requestTo(PMO_DEPUTY, title), 'approve'), 'approve')).status).toBe(200);

    await eventually('level 2 asked', async () => ((await env.proposal(id)).reviewStage?.level === 2 ? true : undefined));
    expect(await statusesAt(id, 1)).toEqual([`${PMO_DEPUTY}:APPROVED`, `${PMO_LEAD}:SUPERSEDED`]);
    const late = await env.decide(linkFrom(await env.requestTo(PMO_LEAD, title), 'reject'), 'reject', 'Too late');
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('Another approver already decided');
  });
});

describe('a level where every approver must approve (quorum "all")', () => {
  it('waits for the last approval before approving', async () => {
    const title = 'All of two approve';
    const id = await env.submit({ title });
    await env.decide(linkFrom(await env.requestTo(PMO_LEAD, title), 'approve'), 'approve');

    await env.decide(linkFrom(await env.requestTo(FINANCE, title), 'approve'), 'approve');
    await eventually('finance recorded', async () => ((await statusesAt(id, 2)).includes(`${FINANCE}:APPROVED`) ? true : undefined));
    expect((await env.proposal(id)).status).toBe('IN_REVIEW');
    await env.decide(linkFrom(await env.requestTo(EXECUTIVE, title), 'approve'), 'approve');

    await eventually('approved', async () => ((await env.proposal(id)).status === 'APPROVED' ? true : undefined));
    expect(await statusesAt(id, 2)).toEqual([`${EXECUTIVE}:APPROVED`, `${FINANCE}:APPROVED`]);
  });

  it('rejects on the first rejection, and the other approver no longer decides', async () => {
    const title = 'All of two, one rejects';
    const id = await env.submit({ title });
    await env.decide(linkFrom(await env.requestTo(PMO_LEAD, title), 'approve'), 'approve');

    expect((await env.decide(linkFrom(await env.requestTo(FINANCE, title), 'reject'), 'reject', 'Not funded')).status).toBe(200);

    await eventually('rejected', async () => ((await env.proposal(id)).status === 'REJECTED' ? true : undefined));
    expect(await statusesAt(id, 2)).toEqual([`${EXECUTIVE}:SUPERSEDED`, `${FINANCE}:REJECTED`]);
    expect((await env.decide(linkFrom(await env.requestTo(EXECUTIVE, title), 'approve'), 'approve')).status).toBe(409);
  });
});
