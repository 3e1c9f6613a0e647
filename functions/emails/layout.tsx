import type { Child } from 'hono/jsx';
import type { SubjectTable, SubjectView } from '#domain/subject.ts';

/** A rendered email: both parts, so clients without HTML read the same message. */
export interface EmailMessage {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/**
 * Subjects are one line: control characters, line and paragraph separators in user text must not
 * start new headers or lines, so they become spaces.
 */
export function oneLine(text: string, max = 180): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters in user text must not start new header lines.
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The frame of every email: one column, inline styles (mail clients drop style sheets). */
export function EmailLayout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>{props.title}</title>
      </head>
      <body style="font-family: Arial, Helvetica, sans-serif; color: #1b1b1b; line-height: 1.5; max-width: 640px; margin: 0 auto; padding: 16px;">
        {props.children}
        <p style="color: #555; font-size: 12px; margin-top: 32px;">Sent by PMO Pipeline. Links in this message are personal to you; do not forward it.</p>
      </body>
    </html>
  );
}

/** An email from its HTML element and its text lines. */
export function message(subject: string, html: Child, text: readonly string[]): EmailMessage {
  return { subject, html: `<!doctype html>${String(html)}`, text: text.join('\n') };
}

/** A link that opens outside the mail client's preview (our pages refuse to be framed). */
export function ExternalLink(props: { href: string; children: Child; style?: string }) {
  return (
    <a target="_blank" rel="noopener noreferrer" href={props.href} style={props.style}>
      {props.children}
    </a>
  );
}

/** A subject's facts as a two-column table. */
export function FactsTable(props: { view: SubjectView }) {
  return (
    <table style="border-collapse: collapse;" cellpadding="4">
      <tbody>
        <tr>
          <th style="text-align: left;">Title</th>
          <td>{props.view.title}</td>
        </tr>
        {props.view.facts.map((fact) => (
          <tr>
            <th style="text-align: left;">{fact.label}</th>
            <td>{fact.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A subject's facts as text lines. */
export function factsText(view: SubjectView): string[] {
  return [`Title: ${view.title}`, ...view.facts.map((fact) => `${fact.label}: ${fact.value}`)];
}

const CELL = 'border-bottom: 1px solid #ccc;';

/** A subject's backing table (score breakdown, invoice lines). */
export function DetailTable(props: { table: SubjectTable }) {
  const { table } = props;
  const align = (index: number) => (table.columns[index]?.numeric ? 'text-align: right;' : 'text-align: left;');
  return (
    <table style="border-collapse: collapse; margin: 8px 0;" cellpadding="6">
      <caption style="text-align: left; font-weight: bold;">{table.caption}</caption>
      <thead>
        <tr>
          {table.columns.map((column, index) => (
            <th style={`${align(index)} ${CELL}`}>{column.label}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row) => (
          <tr>
            {row.map((cell, index) => (
              <td style={align(index)}>{cell}</td>
            ))}
          </tr>
        ))}
        {table.footer ? (
          <tr>
            {table.footer.map((cell, index) => (
              <td style={`${align(index)} border-top: 1px solid #ccc;`}>
                <strong>{cell}</strong>
              </td>
            ))}
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}
