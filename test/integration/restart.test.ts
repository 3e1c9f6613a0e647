import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, linkFrom, PMO_LEAD, startTestStack, type StoredEmail, type TestStack } from '#test/support/local-stack-harness.ts';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});

afterAll(async () => {
  await env?.stop();
});

async function statusOf(id: string): Promise<string> {
  return (await env.proposal(id)).status;
}

async function submit(title: string): Promise<{ id: string; request: StoredEmail }> {
  const id = await env.submit({ title });
  return { id, request: await env.requestTo(PMO_LEAD, title) };
}

function approve(link: URL) {
  return env.decide(link, 'approve');
}

describe('a restart of the local stack while a workflow waits for a decision', () => {
  it('keeps the emailed link working and completes the workflow, without a second request email', async () => {
    const { id, request } = await submit('Survives a restart');
    await eventually('in review', async () => ((await statusOf(id)) === 'IN_REVIEW' ? true : undefined));

    env = await env.restart();
    const response = await approve(linkFrom(request, 'approve'));

    expect(response.status).toBe(200);
    await eventually('approved', async () => ((await statusOf(id)) === 'APPROVED' ? true : undefined));
    // The local inbox is kept across the restart (in the data folder): the replayed step sent nothing.
    expect((await env.emailsTo(PMO_LEAD)).filter((email) => email.subject.includes('Survives a restart'))).toHaveLength(1);
  });

  it('picks up a decision recorded while the workflow was not running', async () => {
    const { id, request } = await submit('Decided while down');
    await eventually('in review', async () => ((await statusOf(id)) === 'IN_REVIEW' ? true : undefined));
    // Stop the workflow runner only: the web app records the decision, but no workflow hears it.
    await env.stack.stepFunctions.close();
    const response = await approve(linkFrom(request, 'approve'));
    expect(response.status).toBe(200);
    expect(await statusOf(id)).toBe('IN_REVIEW');

    env = await env.restart();

    await eventually('approved after the restart', async () => ((await statusOf(id)) === 'APPROVED' ? true : undefined));
  });
});
