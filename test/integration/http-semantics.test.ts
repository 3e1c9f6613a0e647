import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposalBody, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});

afterAll(async () => {
  await env?.stop();
});

describe('a method a path does not take', () => {
  it.each([
    ['PUT', '/api/proposals'],
    ['DELETE', '/api/proposals/7f1c8a52-3c1e-4c55-9a32-8f9f3d6c1a11'],
    ['PATCH', '/proposals/new'],
  ])('%s %s answers 405 with the methods it allows', async (method, path) => {
    const response = await env.web(path, { method });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toMatch(/GET|POST/);
  });

  it.each(['PUT', 'DELETE', 'PATCH', 'POST'])('%s /healthz answers 405', async (method) => {
    const response = await env.web('/healthz', { method });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('still answers 404 on a path nothing serves', async () => {
    expect((await env.web('/api/nothing-here', { method: 'PUT' })).status).toBe(404);
  });
});

describe('idempotency keys of the API and of the form', () => {
  it('live in separate spaces: an API key shaped like a form key creates its own proposal', async () => {
    const formKey = crypto.randomUUID();
    const form = new URLSearchParams({
      idempotencyKey: formKey,
      title: 'Form key space',
      description: 'A proposal submitted through the form, with the form key.',
      submitterName: 'Sam Carter',
      submitterEmail: 'sam.carter@example.org',
      department: 'Engineering',
      amount: '30000',
      currency: 'EUR',
      startDate: '2027-01-04',
      endDate: '2027-06-30',
      strategicAlignment: '4',
      businessValue: '4',
      risk: '2',
      urgency: '3',
    });
    const submitted = await env.web('/proposals', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    const formProposal = /\/proposals\/([0-9a-f-]{36})/.exec(submitted.headers.get('location') ?? '')![1];

    const api = await env.web('/api/proposals', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `form:${formKey}` },
      body: JSON.stringify(proposalBody({ title: 'Form key space' })),
    });

    expect(api.status).toBe(201);
    expect(((await api.json()) as { id: string }).id).not.toBe(formProposal);
  });
});

describe('a pagination cursor the service did not issue for this listing', () => {
  const encode = (key: unknown) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

  it.each([
    ['an empty object (e30)', 'e30'],
    ['not JSON', 'bm90IGpzb24'],
    ['a key of another partition', encode({ pk: 'PROPOSAL#x', sk: 'PROPOSAL', gsi1pk: 'PROPOSALS#APPROVED', gsi1sk: '2026#x' })],
    ['a non-key attribute', encode({ pk: 'PROPOSAL#x', sk: 'PROPOSAL', title: 'x' })],
    ['a number where a key is a string', encode({ pk: 1, sk: 'PROPOSAL' })],
  ])('answers 400 naming the cursor for %s', async (_what, token) => {
    const response = await env.web(`/api/proposals?status=IN_REVIEW&cursor=${token}`);

    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: { path: string }[] }).issues).toEqual([expect.objectContaining({ path: 'cursor' })]);
  });

  it('accepts the cursor it issued', async () => {
    for (let index = 0; index < 3; index += 1) await env.submit({ title: `Paged ${index}` });
    const first = (await (await env.web('/api/proposals?limit=2')).json()) as { nextCursor?: string };

    const next = await env.web(`/api/proposals?limit=2&cursor=${first.nextCursor}`);

    expect(next.status).toBe(200);
  });
});

describe('ids and email addresses longer than any the product issues', () => {
  const longEmail = `${'a'.repeat(3000)}@example.org`;

  it.each([
    ['GET', `/api/proposals/${'f'.repeat(3000)}`],
    ['GET', `/proposals/${'f'.repeat(3000)}/withdraw?key=x`],
    ['GET', `/approvals/${'x'.repeat(3000)}?key=x`],
    ['GET', `/people/${encodeURIComponent(longEmail)}/delegation?key=x`],
    ['POST', `/api/people/${encodeURIComponent(longEmail)}/delegation`],
    ['GET', `/api/projects/${'f'.repeat(3000)}`],
  ])('%s %s answers 404 before any read', async (method, path) => {
    const response = await env.web(path, { method, headers: { 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{}' } : {}) });

    expect(response.status).toBe(404);
  });

  it('refuses an over-long address on the out-of-office form with 400', async () => {
    const response = await env.web('/delegation', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: longEmail }).toString(),
    });

    expect(response.status).toBe(400);
  });
});

describe('an estimated cost', () => {
  it('is stored in integer minor units and read back as the decimal sent', async () => {
    const { DynamoDBDocumentClient, GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const id = await env.submit({ title: 'Minor units', estimatedCost: { amount: 120000.5, currency: 'EUR' } });
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: env.stack.urls.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));

    const { Item } = await client.send(new GetCommand({ TableName: 'pmo', Key: { pk: `PROPOSAL#${id}`, sk: 'PROPOSAL' } }));
    client.destroy();

    expect(Item?.estimatedCost).toEqual({ amountMinor: 12000050, currency: 'EUR' });
    expect(((await (await env.web(`/api/proposals/${id}`)).json()) as { estimatedCost: unknown }).estimatedCost).toEqual({ amount: 120000.5, currency: 'EUR' });
  });

  it.each([5e-324, 1e-9, 0.001, 120000.505])('refuses %s EUR with 400 naming the amount', async (amount) => {
    const response = await env.web('/api/proposals', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(proposalBody({ estimatedCost: { amount, currency: 'EUR' } })),
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: { path: string }[] }).issues).toEqual([expect.objectContaining({ path: 'estimatedCost.amount' })]);
  });
});
