import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

/** The stand-in's in-memory inbox, which a restart of `npm start` (a new process) starts without. */
const sesStore = createRequire(import.meta.url)('aws-ses-v2-local/dist/store.js') as { getStoreReadonly: () => { emails: unknown[] } };

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});

afterAll(async () => {
  await env?.stop();
});

/** Stops the stack and starts it again as a new process would: without the inbox it had in memory. */
async function restartAsNewProcess(): Promise<void> {
  await env.stop({ keepData: true });
  sesStore.getStoreReadonly().emails.length = 0;
  env = await env.restart();
}

describe('the local inbox', () => {
  it('keeps every email across a restart of the stack, in sending order', async () => {
    await env.submit({ title: 'Mail that outlives a restart' });
    await env.requestTo(PMO_LEAD, 'Mail that outlives a restart');
    const before = await env.emails();

    await restartAsNewProcess();

    expect(before.length).toBeGreaterThan(0);
    expect((await env.emails()).map((email) => email.messageId)).toEqual(before.map((email) => email.messageId));
  });

  it('writes each email under the data folder as it is sent', async () => {
    const count = (await env.emails()).length;

    const files = (await readdir(join(env.dataDir, 'mail'))).filter((name) => name.endsWith('.json'));

    expect(files).toHaveLength(count);
  });

  it('forgets the kept emails when the inbox is cleared', async () => {
    await fetch(`${env.stack.urls.mailbox}/clear-store`, { method: 'POST' });

    await restartAsNewProcess();

    expect(await env.emails()).toEqual([]);
  });
});
