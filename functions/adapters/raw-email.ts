import MailComposer from 'nodemailer/lib/mail-composer/index.js';

/** A file attached to an email. */
export interface EmailAttachment {
  readonly fileName: string;
  readonly content: string | Uint8Array;
  readonly contentType: string;
}

/** What a raw email carries: the addresses, both parts and the attachments. */
export interface RawEmailInput {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly attachments: readonly EmailAttachment[];
}

/**
 * A MIME message (multipart/mixed around multipart/alternative, with the attachments), as SES v2
 * sends it raw. Built by nodemailer's composer, which encodes headers (a non-ASCII subject, file
 * names) and bodies as the standards want; hand-written MIME gets those wrong.
 */
export async function buildRawEmail(input: RawEmailInput): Promise<Uint8Array> {
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    subject: input.subject,
    html: input.html,
    text: input.text,
    attachments: input.attachments.map((attachment) => ({
      filename: attachment.fileName,
      content: typeof attachment.content === 'string' ? attachment.content : Buffer.from(attachment.content),
      contentType: attachment.contentType,
    })),
  });
  return new Uint8Array(await composer.compile().build());
}
