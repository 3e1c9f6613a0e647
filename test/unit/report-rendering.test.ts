import { describe, expect, it } from 'vitest';
import { csvCell, reportCsvFiles, tableCsv } from '#emails/report-csv.ts';
import type { ReportDocument, ReportTable } from '#emails/report-document.ts';
import { renderReportHtml } from '#emails/report-html.tsx';
import { renderReportText } from '#emails/report-text.ts';

const HOSTILE = '<script>alert(1)</script> & "quotes"';

const projects: ReportTable = {
  id: 'projects',
  caption: 'Projects',
  columns: [{ label: 'Project' }, { label: 'Status', kind: 'rag' }, { label: 'Burn', kind: 'bar' }, { label: 'Actuals', kind: 'number' }],
  rows: [
    [HOSTILE, { text: 'Spending is 20 points ahead of time', rag: 'red' }, { text: '160 %', value: 160 }, '1,440.00 EUR'],
    ['CRM', { text: '', rag: 'green' }, { text: '-5 %', value: -5 }, '0.00 EUR'],
  ],
};

const document: ReportDocument = {
  title: 'Weekly portfolio status',
  periodLabel: '16 Nov 2026 – 22 Nov 2026',
  audience: 'Priya Shah · whole portfolio',
  attention: ['1 red project: Portal'],
  sections: [{ heading: 'Projects', facts: [{ label: 'Active', value: '2' }], table: projects }],
};

describe('renderReportHtml', () => {
  const html = renderReportHtml(document);

  it('escapes every value', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
  });

  it('has no SVG, script or external image, which mail clients drop', () => {
    expect(html).not.toMatch(/<svg|<script|<img/i);
  });

  it('shows a status light as a word as well as a colour', () => {
    expect(html).toContain('>Red</span>');
  });

  it('clamps bars to 0–100 % of their cell', () => {
    expect(html).toContain('width: 100%;');
    expect(html).toContain('width: 0%;');
    expect(html).not.toContain('width: 160%');
  });

  it('puts what needs attention first', () => {
    expect(html.indexOf('Needs attention')).toBeLessThan(html.indexOf('<h2'));
  });
});

describe('renderReportText', () => {
  const text = renderReportText(document);

  it('carries the same content as the HTML, with the words of the lights', () => {
    expect(text).toContain('Needs attention:\n- 1 red project: Portal');
    expect(text).toContain('Red: Spending is 20 points ahead of time');
    expect(text).toContain('Active: 2');
  });

  it('right-aligns numeric columns', () => {
    expect(text).toMatch(/ {2}1,440\.00 EUR\n/);
    expect(text).toMatch(/ {6}0\.00 EUR$/m);
  });
});

describe('CSV', () => {
  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+1', "'+1"],
    ['-cmd', "'-cmd"],
    ['@import', "'@import"],
    ['\tTAB', "'\tTAB"],
    ['\rCR', `"'\rCR"`],
  ])('neutralises a cell that starts a formula: %j', (text, safe) => {
    expect(csvCell(text)).toBe(safe);
  });

  it('leaves a negative number a number', () => {
    expect(csvCell('-12.50')).toBe('-12.50');
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect([csvCell('a,b'), csvCell('say "hi"'), csvCell('two\nlines')]).toEqual(['"a,b"', '"say ""hi"""', '"two\nlines"']);
  });

  it('writes a header row, CRLF line ends and a byte-order mark for Excel', () => {
    expect(tableCsv(projects)).toBe(
      `\uFEFFProject,Status,Burn,Actuals\r\n"<script>alert(1)</script> & ""quotes""",Red: Spending is 20 points ahead of time,160 %,"1,440.00 EUR"\r\nCRM,Green,'-5 %,0.00 EUR\r\n`,
    );
  });

  it('makes one file per table, named after it', () => {
    expect(reportCsvFiles(document).map((file) => file.fileName)).toEqual(['projects.csv']);
  });
});
