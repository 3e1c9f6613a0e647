import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { eventually, PMO_LEAD, proposalBody, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});

afterAll(async () => {
  await env?.stop();
});

function postProposal(body: unknown, headers: Record<string, string> = {}) {
  return env.web('/api/proposals', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('POST /api/proposals', () => {
  it('creates a proposal and answers 201 with its id, status and location', async () => {
    const response = await postProposal(proposalBody());

    expect(response.status).toBe(201);
    const proposal = (await response.json()) as { id: string; status: string; approvals: unknown[] };
    expect(proposal.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(proposal.status).toBe('SUBMITTED');
    expect(response.headers.get('location')).toBe(`/api/proposals/${proposal.id}`);
  });

  it('answers 400 with the path and message of every invalid field', async () => {
    const response = await postProposal(
      proposalBody({ submitter: { name: '', email: 'nope' }, endDate: '2026-01-01', criteria: { strategicAlignment: 9, businessValue: 5, risk: 2, urgency: 3 } }),
    );

    expect(response.status).toBe(400);
    const body = (await response.json()) as { issues: { path: string; message: string }[] };
    expect(body.issues.map((issue) => issue.path).sort()).toEqual(['criteria.strategicAlignment', 'endDate', 'submitter.email', 'submitter.name']);
    expect(body.issues.every((issue) => issue.message.length > 0)).toBe(true);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const response = await postProposal('{"title": ');

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('MalformedJson');
  });

  it('answers 415 to a body that is not declared as JSON', async () => {
    const response = await postProposal(JSON.stringify(proposalBody()), { 'content-type': 'text/plain' });

    expect(response.status).toBe(415);
  });

  it('answers 413 to an oversized body and stores nothing', async () => {
    const before = (await (await env.web('/api/proposals?limit=100')).json()) as { items: unknown[] };

    const response = await postProposal(proposalBody({ description: 'x'.repeat(100_000) }));

    expect(response.status).toBe(413);
    const after = (await (await env.web('/api/proposals?limit=100')).json()) as { items: unknown[] };
    expect(after.items.length).toBe(before.items.length);
  });

  it('creates one proposal and one workflow for a submission retried with the same Idempotency-Key', async () => {
    const key = `retry-${crypto.randomUUID()}`;
    const body = proposalBody({ title: `Idempotent ${key}` });

    const first = await postProposal(body, { 'Idempotency-Key': key });
    const second = await postProposal(body, { 'Idempotency-Key': key });

    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const [a, b] = (await Promise.all([first.json(), second.json()])) as { id: string }[];
    expect(b!.id).toBe(a!.id);
    const list = (await (await env.web('/api/proposals?limit=100')).json()) as { items: { title: string }[] };
    expect(list.items.filter((item) => item.title === body.title)).toHaveLength(1);
    const sfn = new SFNClient({ endpoint: env.stack.urls.sfn });
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: env.stack.intakeStateMachineArn, maxResults: 1000 }));
    expect(executions?.filter((execution) => execution.name?.includes(a!.id))).toHaveLength(1);
    const requests = await eventually('the approval request', async () => {
      const found = (await env.emailsTo(PMO_LEAD)).filter((email) => email.subject.includes(key));
      return found.length > 0 ? found : undefined;
    });
    expect(requests).toHaveLength(1);
  });

  it('refuses an Idempotency-Key reused for a different proposal', async () => {
    const key = `reuse-${crypto.randomUUID()}`;
    await postProposal(proposalBody({ title: 'First use of a key' }), { 'Idempotency-Key': key });

    const response = await postProposal(proposalBody({ title: 'Second use of a key' }), { 'Idempotency-Key': key });

    expect(response.status).toBe(422);
  });
});

describe('GET /api/proposals', () => {
  it('lists proposals of a status, newest first, a page at a time', async () => {
    const created: string[] = [];
    for (const title of ['List A', 'List B', 'List C']) {
      const response = await postProposal(proposalBody({ title }));
      created.push(((await response.json()) as { id: string }).id);
    }
    await eventually('all three in review', async () => {
      const statuses = await Promise.all(created.map(async (id) => ((await (await env.web(`/api/proposals/${id}`)).json()) as { status: string }).status));
      return statuses.every((status) => status === 'IN_REVIEW') ? true : undefined;
    });

    const first = (await (await env.web('/api/proposals?status=IN_REVIEW&limit=2')).json()) as { items: { id: string }[]; nextCursor?: string };
    const second = (await (await env.web(`/api/proposals?status=IN_REVIEW&limit=2&cursor=${first.nextCursor}`)).json()) as { items: { id: string }[] };

    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeDefined();
    const seen = [...first.items, ...second.items].map((item) => item.id);
    expect(seen.indexOf(created[2]!)).toBeLessThan(seen.indexOf(created[0]!));
  });

  it('answers 400 to an unknown status or a forged cursor', async () => {
    expect((await env.web('/api/proposals?status=DONE')).status).toBe(400);
    expect((await env.web('/api/proposals?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
  });

  it('answers 404 for an unknown proposal', async () => {
    expect((await env.web(`/api/proposals/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await env.web('/api/proposals/not-an-id')).status).toBe(404);
  });
});

describe('GET /healthz', () => {
  it('answers 200 when every part of the local stack is ready', async () => {
    const response = await env.web('/healthz');

    expect(response.status).toBe(200);
    expect(((await response.json()) as { parts: Record<string, boolean> }).parts).toMatchObject({ dynamodb: true, mailbox: true, stepFunctions: true, web: true });
  });
});
