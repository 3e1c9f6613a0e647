import { cellText, type ReportDocument, type ReportTable } from './report-document.ts';

function pad(text: string, width: number, right: boolean): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** A table as aligned plain-text columns (numbers right-aligned). */
function textTable(table: ReportTable): string[] {
  if (table.rows.length === 0) return [table.empty ?? 'Nothing to show.'];
  const texts = table.rows.map((row) => row.map((cell) => cellText(cell)));
  const widths = table.columns.map((column, index) => Math.min(40, Math.max(column.label.length, ...texts.map((row) => (row[index] ?? '').length))));
  const numeric = table.columns.map((column) => column.kind === 'number' || column.kind === 'percent' || column.kind === 'bar');
  const line = (cells: readonly string[]) => cells.map((cell, index) => pad(cell.length > widths[index]! ? `${cell.slice(0, widths[index]! - 1)}…` : cell, widths[index]!, numeric[index]!)).join('  ').trimEnd();
  return [line(table.columns.map((column) => column.label)), widths.map((width) => '-'.repeat(width)).join('  '), ...texts.map(line)];
}

/** The plain-text part of a report email: the same content as the HTML part. */
export function renderReportText(document: ReportDocument): string {
  const lines = [document.title, document.periodLabel, document.audience, ''];
  if (document.attention.length > 0) lines.push('Needs attention:', ...document.attention.map((item) => `- ${item}`), '');
  for (const section of document.sections) {
    lines.push(section.heading, '='.repeat(Math.min(section.heading.length, 72)));
    if (section.intro) lines.push(section.intro);
    for (const fact of section.facts ?? []) lines.push(`${fact.label}: ${fact.value}`);
    if (section.table) lines.push('', section.table.caption, ...textTable(section.table));
    lines.push('');
  }
  if (document.footnote) lines.push(document.footnote);
  return lines.join('\n');
}
