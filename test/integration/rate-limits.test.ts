import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// Secret-checking links and requests that send email are limited; what a person does in a
// browser stays well under the limits.

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});

afterAll(async () => {
  await env?.stop();
});

async function tableItems(prefix: string): Promise<number> {
  const { DynamoDBClient, ScanCommand } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({ endpoint: env.stack.urls.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const { Items } = await client.send(new ScanCommand({ TableName: 'pmo', FilterExpression: 'begins_with(sk, :prefix)', ExpressionAttributeValues: { ':prefix': { S: prefix } } }));
    return Items?.length ?? 0;
  } finally {
    client.destroy();
  }
}

describe('wrong keys tried on one approval link', () => {
  it('are refused with 429 and Retry-After after the per-target limit, before any secret is checked', async () => {
    const id = await env.submit({ title: 'Guessed at' });
    const request = await env.requestTo(PMO_LEAD, 'Guessed at');
    const approvalPath = new URL(/Approve: (\S+)/.exec(request.body.text!)![1]!).pathname;

    const answers = await Promise.all(Array.from({ length: 40 }, (_, index) => env.web(`${approvalPath}?key=wrong-${index}`)));

    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 403)).toHaveLength(30);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
    expect(Number(answers.find((answer) => answer.status === 429)!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await env.proposal(id)).status).toBe('IN_REVIEW');
  });
});

describe('out-of-office link requests for one address', () => {
  it('send one email and store one key however often they come within the window', async () => {
    const keysBefore = await tableItems('ACCESS#');

    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        env.web('/delegation', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: 'noor.haddad@example.org' }).toString() }),
      ),
    );

    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect((await env.emailsTo('noor.haddad@example.org')).filter((email) => email.subject.includes('out-of-office'))).toHaveLength(1);
    expect((await tableItems('ACCESS#')) - keysBefore).toBe(1);
  });

  it('are refused with 429 from one client past the per-client limit', async () => {
    const answers = [];
    for (let index = 0; index < 12; index += 1) {
      answers.push(
        await env.web('/delegation', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: `nobody${index}@example.org` }).toString() }),
      );
    }

    expect(answers.some((answer) => answer.status === 429)).toBe(true);
    expect(answers.find((answer) => answer.status === 429)!.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
