import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildRawEmail } from '#adapters/raw-email.ts';

describe('buildRawEmail', () => {
  it('carries both parts and each attachment with its name and type, readable back', async () => {
    const raw = await buildRawEmail({
      from: 'PMO Pipeline <pmo@example.org>',
      to: 'Priya Shah <priya.shah@example.org>',
      subject: 'Wöchentlicher Portfolio-Status – 16. Nov',
      html: '<p>Hello</p>',
      text: 'Hello',
      attachments: [{ fileName: 'projects.csv', content: '\uFEFFProject\r\nPortal\r\n', contentType: 'text/csv; charset=utf-8' }],
    });

    const parsed = await simpleParser(Buffer.from(raw));

    expect(parsed.subject).toBe('Wöchentlicher Portfolio-Status – 16. Nov');
    expect([parsed.text?.trim(), parsed.html]).toEqual(['Hello', '<p>Hello</p>']);
    expect(parsed.attachments.map((attachment) => [attachment.filename, attachment.contentType, attachment.content.toString('utf8')])).toEqual([['projects.csv', 'text/csv', '\uFEFFProject\r\nPortal\r\n']]);
  });

  it('encodes a non-ASCII subject rather than writing it raw into the header', async () => {
    const raw = new TextDecoder().decode(await buildRawEmail({ from: 'a@example.org', to: 'b@example.org', subject: 'Größe', html: '<p>x</p>', text: 'x', attachments: [] }));

    expect(raw).toMatch(/^Subject: =\?UTF-8\?/m);
  });
});
