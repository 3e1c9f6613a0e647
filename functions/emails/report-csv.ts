import { cellText, type ReportDocument, type ReportTable } from './report-document.ts';

/** Characters that make a spreadsheet read a cell as a formula (or a command) when it opens the file. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell as CSV: a text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or
 * carriage return first) gets a leading apostrophe (OWASP's advice), unless it is a plain number
 * (`-12.50` stays a number); then quoted when it holds a comma, quote or line break (RFC 4180).
 */
export function csvCell(text: string): string {
  const safe = FORMULA_START.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One table as CSV: a header row, CRLF line ends, a UTF-8 byte-order mark so Excel reads accents. */
export function tableCsv(table: ReportTable): string {
  const lines = [table.columns.map((column) => csvCell(column.label)), ...table.rows.map((row) => row.map((cell) => csvCell(cellText(cell))))];
  return `\uFEFF${lines.map((line) => line.join(',')).join('\r\n')}\r\n`;
}

/** Every table of a report, as a CSV attachment each. */
export function reportCsvFiles(document: ReportDocument): { fileName: string; content: string }[] {
  return document.sections.flatMap((section) => (section.table ? [{ fileName: `${section.table.id}.csv`, content: tableCsv(section.table) }] : []));
}
