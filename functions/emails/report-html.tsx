import { EmailLayout } from './layout.tsx';
import { cellText, RAG_WORDS, type ReportCell, type ReportColumn, type ReportDocument, type ReportTable } from './report-document.ts';

const RAG_STYLE: Readonly<Record<string, string>> = {
  red: 'background: #ffebe9; color: #b42318;',
  amber: 'background: #fff8c5; color: #7a5200;',
  green: 'background: #dafbe1; color: #1a7f37;',
  none: 'background: #eaeef2; color: #555;',
};

const CELL = 'padding: 6px 8px; border-bottom: 1px solid #d0d7de; vertical-align: top;';

/**
 * A bar made of table cells (mail clients drop SVG, scripts and most CSS): a filled cell as wide
 * as the value, clamped to 0–100 %, beside the number itself.
 */
function Bar(props: { value: number; text: string }) {
  const width = Math.round(Math.min(100, Math.max(0, props.value)));
  return (
    <table role="presentation" cellpadding="0" cellspacing="0" style="width: 120px; border-collapse: collapse;">
      <tr>
        <td style="width: 80px; background: #eaeef2; padding: 0;">
          <table role="presentation" cellpadding="0" cellspacing="0" style={`width: ${width}%; border-collapse: collapse;`}>
            <tr>
              <td style={`height: 10px; background: ${props.value > 100 ? '#b42318' : '#0b57d0'}; font-size: 0; line-height: 0;`}>&nbsp;</td>
            </tr>
          </table>
        </td>
        <td style="padding: 0 0 0 6px; white-space: nowrap; font-size: 13px;">{props.text}</td>
      </tr>
    </table>
  );
}

function Cell(props: { cell: ReportCell; column: ReportColumn }) {
  const { cell, column } = props;
  const align = column.kind === 'number' || column.kind === 'percent' ? 'text-align: right; white-space: nowrap;' : '';
  if (column.kind === 'bar' && typeof cell === 'object' && 'value' in cell) {
    return (
      <td style={CELL}>
        <Bar value={cell.value} text={cell.text} />
      </td>
    );
  }
  if (column.kind === 'rag' && typeof cell === 'object' && 'rag' in cell) {
    // The word as well as the colour: a light is never colour alone.
    return (
      <td style={CELL}>
        <span style={`${RAG_STYLE[cell.rag]} padding: 2px 8px; border-radius: 10px; font-weight: bold; font-size: 13px;`}>{RAG_WORDS[cell.rag]}</span>
        {cell.text ? <div style="font-size: 13px; color: #555;">{cell.text}</div> : null}
      </td>
    );
  }
  return <td style={`${CELL} ${align}`}>{cellText(cell)}</td>;
}

function Table(props: { table: ReportTable }) {
  const { table } = props;
  if (table.rows.length === 0) return <p style="color: #555;">{table.empty ?? 'Nothing to show.'}</p>;
  return (
    <table cellpadding="0" cellspacing="0" style="border-collapse: collapse; width: 100%; font-size: 14px;">
      <caption style="text-align: left; font-weight: bold; padding: 4px 0;">{table.caption}</caption>
      <thead>
        <tr>
          {table.columns.map((column) => (
            <th scope="col" style={`${CELL} text-align: ${column.kind === 'number' || column.kind === 'percent' ? 'right' : 'left'}; background: #f6f8fa;`}>
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row) => (
          <tr>
            {row.map((cell, index) => (
              <Cell cell={cell} column={table.columns[index] ?? { label: '' }} />
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The HTML part of a report email: one column of layout tables with inline styles, bars built of
 * table cells, no SVG, no script, no external image; every value escaped (JSX does).
 */
export function renderReportHtml(document: ReportDocument): string {
  const html = (
    <EmailLayout title={document.title}>
      <h1 style="font-size: 22px; margin: 0 0 4px;">{document.title}</h1>
      <p style="color: #555; margin: 0 0 16px;">
        {document.periodLabel} · {document.audience}
      </p>
      {document.attention.length > 0 ? (
        <table role="presentation" cellpadding="0" cellspacing="0" style="width: 100%; border-collapse: collapse; margin-bottom: 16px;">
          <tr>
            <td style="border-left: 4px solid #b42318; background: #fff5f5; padding: 8px 12px;">
              <strong>Needs attention</strong>
              <ul style="margin: 4px 0 0; padding-left: 20px;">
                {document.attention.map((item) => (
                  <li>{item}</li>
                ))}
              </ul>
            </td>
          </tr>
        </table>
      ) : null}
      {document.sections.map((section) => (
        <>
          <h2 style="font-size: 18px; margin: 24px 0 8px;">{section.heading}</h2>
          {section.intro ? <p>{section.intro}</p> : null}
          {section.facts && section.facts.length > 0 ? (
            <table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse: collapse; margin-bottom: 8px;">
              {section.facts.map((fact) => (
                <tr>
                  <th scope="row" style="text-align: left; padding: 2px 16px 2px 0; font-weight: normal; color: #555;">
                    {fact.label}
                  </th>
                  <td style="padding: 2px 0; font-weight: bold;">{fact.value}</td>
                </tr>
              ))}
            </table>
          ) : null}
          {section.table ? <Table table={section.table} /> : null}
        </>
      ))}
      {document.footnote ? <p style="color: #555; font-size: 13px;">{document.footnote}</p> : null}
    </EmailLayout>
  );
  return `<!doctype html>${String(html)}`;
}
