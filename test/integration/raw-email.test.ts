import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// A report's raw MIME email through the real SES v2 API of the local stack, once per key.

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});

afterAll(async () => {
  await env?.stop();
});

describe('sendRawEmailOnce', () => {
  it('delivers the email with its CSV attachment once, whatever the number of calls', async () => {
    const { sendRawEmailOnce } = await import('#adapters/email-sender.ts');
    const to = { name: 'Priya Shah', email: 'raw.report@example.org' };
    const content = async () => ({ subject: 'Weekly portfolio status', html: '<p>Report</p>', text: 'Report', attachments: [{ fileName: 'projects.csv', content: 'Project\r\nPortal\r\n', contentType: 'text/csv' }] });

    const first = await sendRawEmailOnce('report-test#run-1#raw.report@example.org', to, content, new Date());
    const second = await sendRawEmailOnce('report-test#run-1#raw.report@example.org', to, content, new Date());

    expect([first.sent, typeof first.messageId, second.sent]).toEqual([true, 'string', false]);
    const emails = await eventually('the report email', async () => {
      const found = await env.emailsTo('raw.report@example.org');
      return found.length > 0 ? found : undefined;
    });
    expect(emails).toHaveLength(1);
    expect(emails[0]?.attachments?.map((attachment) => [attachment.filename, Buffer.from(attachment.content, 'base64').toString('utf8')])).toEqual([['projects.csv', 'Project\r\nPortal\r\n']]);
  });
});
