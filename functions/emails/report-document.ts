// A report as data, before it is rendered: the scheduled email (HTML and text parts, a CSV per
// table) and the archived copy are made from the same document. Nothing here knows what the
// numbers mean; the report service builds the document from the KPIs.

/** How a column's cells are shown: text, an amount, a share, a bar (0–100), a status light. */
export type ReportColumnKind = 'text' | 'number' | 'percent' | 'bar' | 'rag';

export interface ReportColumn {
  readonly label: string;
  readonly kind?: ReportColumnKind;
}

/** A cell: its text as shown, and for a bar or a light the value it stands for. */
export type ReportCell = string | { readonly text: string; readonly value: number } | { readonly text: string; readonly rag: 'red' | 'amber' | 'green' | 'none' };

export interface ReportTable {
  /** The CSV file's name, without extension: lower-case words joined by dashes. */
  readonly id: string;
  readonly caption: string;
  readonly columns: readonly ReportColumn[];
  readonly rows: readonly (readonly ReportCell[])[];
  readonly empty?: string;
}

export interface ReportSection {
  readonly heading: string;
  readonly intro?: string;
  readonly facts?: readonly { readonly label: string; readonly value: string }[];
  readonly table?: ReportTable;
}

export interface ReportDocument {
  readonly title: string;
  readonly periodLabel: string;
  /** Who it was computed for, and their scope: "Priya Shah · whole portfolio". */
  readonly audience: string;
  /** What needs attention, first in the report; empty when all is well. */
  readonly attention: readonly string[];
  readonly sections: readonly ReportSection[];
  readonly footnote?: string;
}

import { RAG_LABELS as RAG_WORDS } from '#domain/kpi.ts';

export { RAG_WORDS };

/** The text a cell shows where there is no colour (the text part, CSV): a light as its word and reason. */
export function cellText(cell: ReportCell): string {
  if (typeof cell === 'string') return cell;
  if ('rag' in cell) return cell.text ? `${RAG_WORDS[cell.rag]}: ${cell.text}` : RAG_WORDS[cell.rag];
  return cell.text;
}
