import { buildRawEmail, type RawEmailInput } from './raw-email.ts';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { EmailMessage } from '#emails/layout.tsx';
import { documentClient } from './dynamodb-client.ts';
import { logger } from './logger.ts';
import { sesClient } from './ses-client.ts';
import { environment } from './environment.ts';
import { isConditionFailure, keys, ttlAfter } from './table-keys.ts';

/** How long a "sent" marker is kept: longer than any workflow can retry or replay a step. */
const MARKER_TTL_SECONDS = 90 * 24 * 60 * 60;

/** One recipient, as `Name <address>` is built from it. */
export interface Recipient {
  readonly name: string;
  readonly email: string;
}

/**
 * `"Name" <address>`: an RFC 5322 quoted display name. Quotes, backslashes, control characters and
 * line or paragraph separators are dropped (they would break the header or start a new one), and a
 * name outside ASCII is an RFC 2047 encoded word, as SES requires.
 */
function mailbox(recipient: Recipient): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must not reach a header.
  const name = recipient.name.replace(/["\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!name) return recipient.email;
  // Printable ASCII may stand in a quoted string as it is.
  if (/^[\u0020-\u007e]*$/.test(name)) return `"${name}" <${recipient.email}>`;
  return `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?= <${recipient.email}>`;
}

/**
 * Sends an email at most once per `dedupeKey`: a marker is claimed with a conditional write
 * before sending and released if SES refuses, so retried and replayed steps never send twice.
 * Returns false when the email had already been sent. A message given as a function is built only
 * once the claim succeeded, so work it does (storing the hash of a link secret) happens only for
 * an email that goes out. `cc` are copied on it (a manager on an overdue timesheet reminder).
 */
export async function sendEmailOnce(
  dedupeKey: string,
  to: Recipient,
  content: EmailMessage | (() => Promise<EmailMessage>),
  now: Date,
  options: { readonly cc?: readonly Recipient[] } = {},
): Promise<boolean> {
  const Key = keys.emailMarker(dedupeKey);
  try {
    await documentClient.send(
      new PutCommand({
        TableName: environment.tableName,
        Item: { ...Key, kind: 'email-marker', to: to.email, sentAt: now.toISOString(), expiresAt: ttlAfter(now, MARKER_TTL_SECONDS) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
  try {
    const message = typeof content === 'function' ? await content() : content;
    await sesClient.send(
      new SendEmailCommand({
        FromEmailAddress: environment.emailFrom,
        Destination: { ToAddresses: [mailbox(to)], ...(options.cc?.length ? { CcAddresses: options.cc.map(mailbox) } : {}) },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: { Html: { Data: message.html, Charset: 'UTF-8' }, Text: { Data: message.text, Charset: 'UTF-8' } },
          },
        },
        ...(environment.emailConfigurationSet ? { ConfigurationSetName: environment.emailConfigurationSet } : {}),
      }),
    );
  } catch (error) {
    try {
      await documentClient.send(new DeleteCommand({ TableName: environment.tableName, Key }));
    } catch (releaseError) {
      // The marker stays and this email will not be retried: say so, and keep SES's reason as the failure.
      logger.error('An unsent email kept its "sent" marker; it will not be retried', { dedupeKey, releaseError });
    }
    throw error;
  }
  return true;
}

/**
 * Sends a raw MIME email (a report with its CSV attachments) at most once per `dedupeKey`, as
 * {@link sendEmailOnce} does. Returns SES's message id, or undefined when it had been sent already.
 */
export async function sendRawEmailOnce(dedupeKey: string, to: Recipient, content: () => Promise<Omit<RawEmailInput, 'from' | 'to'>>, now: Date): Promise<{ readonly sent: boolean; readonly messageId?: string }> {
  const Key = keys.emailMarker(dedupeKey);
  try {
    await documentClient.send(
      new PutCommand({
        TableName: environment.tableName,
        Item: { ...Key, kind: 'email-marker', to: to.email, sentAt: now.toISOString(), expiresAt: ttlAfter(now, MARKER_TTL_SECONDS) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return { sent: false };
    throw error;
  }
  try {
    const raw = await buildRawEmail({ ...(await content()), from: environment.emailFrom, to: mailbox(to) });
    const { MessageId } = await sesClient.send(
      new SendEmailCommand({
        FromEmailAddress: environment.emailFrom,
        Destination: { ToAddresses: [mailbox(to)] },
        Content: { Raw: { Data: raw } },
        ...(environment.emailConfigurationSet ? { ConfigurationSetName: environment.emailConfigurationSet } : {}),
      }),
    );
    return { sent: true, ...(MessageId ? { messageId: MessageId } : {}) };
  } catch (error) {
    try {
      await documentClient.send(new DeleteCommand({ TableName: environment.tableName, Key }));
    } catch (releaseError) {
      logger.error('An unsent email kept its "sent" marker; it will not be retried', { dedupeKey, releaseError });
    }
    throw error;
  }
}
