import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '#domain/project.ts';
import bundledPolicy from '../../functions/config/approval-policies/invoice.json' with { type: 'json' };
import { eventually, linkFrom, PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// Invoices from arrival to posted actuals, through the local stack: the HTTP API (JSON and UBL),
// the invoice state machine, the review engine's emails, and the projects' ledgers.

const FEMI = 'femi.adeyemi@example.org'; // finance
const SAM = 'sam.carter@example.org'; // manages the test projects
const JONAS = 'jonas.weber@example.org'; // nobody to invoices

/** A project whose budget gate is `stop`, by the policy this file runs with. */
const STOP_PROJECT = randomUUID();
const policyPath = join(tmpdir(), `invoice-policy-${STOP_PROJECT}.json`);
writeFileSync(policyPath, JSON.stringify({ ...bundledPolicy, budgetGate: { default: 'warn', projects: { [STOP_PROJECT]: 'stop' } } }));
// Read by the invoice service when it loads, in this process, which runs the functions too.
process.env.INVOICE_POLICY_PATH = policyPath;

let test: TestStack;
let tokens: Record<string, string>;

async function storedProject(title: string, budgetMinor: number, id: string = randomUUID()): Promise<Project> {
  const { projectRepository } = await import('#adapters/project-repository.ts');
  const at = new Date().toISOString();
  return (
    await projectRepository.create({
      id,
      proposalId: randomUUID(),
      title,
      department: 'Engineering',
      sponsor: { name: 'Sam Carter', email: SAM },
      manager: { name: 'Sam Carter', email: SAM },
      budget: { amountMinor: budgetMinor, currency: 'EUR' },
      plannedStart: '2026-01-05',
      plannedEnd: '2027-12-31',
      status: 'ACTIVE',
      createdAt: at,
      updatedAt: at,
      version: 1,
    })
  ).project;
}

beforeAll(async () => {
  test = await startTestStack({ auth: 'on' });
  tokens = Object.fromEntries(await Promise.all([FEMI, SAM, JONAS, PMO_LEAD].map(async (email) => [email, await test.stack.mintAccessToken(email)] as const)));
}, 60_000);

afterAll(async () => {
  await test?.stop();
});

function api(path: string, as: string, init: RequestInit & { type?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${tokens[as]}`);
  if (init.body) headers.set('content-type', init.type ?? 'application/json');
  return test.web(path, { ...init, headers });
}

interface InvoiceJson {
  id: string;
  status: string;
  flags: { code: string }[];
  totalMinor: number;
}

function invoiceBody(project: Project, overrides: Record<string, unknown> = {}) {
  return {
    vendor: { name: 'Northwind Consulting GmbH', email: 'billing@northwind.example', taxId: `DE${Math.floor(Math.random() * 1e9)}` },
    invoiceNumber: `INV-${randomUUID().slice(0, 8)}`,
    issueDate: '2026-11-02',
    dueDate: '2026-12-02',
    currency: 'EUR',
    lines: [{ description: 'Consulting', quantity: 10, unitPrice: 120, taxRate: 20, projectId: project.id }],
    total: 1440,
    ...overrides,
  };
}

async function post(body: unknown, as = FEMI): Promise<Response> {
  return api('/api/invoices', as, { method: 'POST', body: JSON.stringify(body) });
}

async function waitForStatus(id: string, status: string): Promise<InvoiceJson> {
  return eventually(`invoice ${id} ${status}`, async () => {
    const invoice = (await (await api(`/api/invoices/${id}`, PMO_LEAD)).json()) as InvoiceJson;
    return invoice.status === status ? invoice : undefined;
  });
}

async function ledger(projectId: string) {
  const { projectFinanceRepository } = await import('#adapters/project-finance-repository.ts');
  return projectFinanceRepository.get(projectId);
}

describe('a clean small invoice', () => {
  it('is approved by the policy and posted to the project’s actuals, finance told', async () => {
    const project = await storedProject('Invoice clean', 10_000_000);

    const response = await post(invoiceBody(project));

    expect(response.status).toBe(201);
    const { id } = (await response.json()) as InvoiceJson;
    await waitForStatus(id, 'POSTED');
    expect(await ledger(project.id)).toMatchObject({ actualsMinor: 144_000, committedMinor: 0 });
    const summary = await test.waitForEmail(FEMI, 'Posted: Northwind');
    expect(summary.body.text).toContain('approved by the policy');
  });

  it('shows on the project: actuals, nothing committed, what remains and the burn', async () => {
    const project = await storedProject('Invoice shown', 10_000_000);
    const { id } = (await (await post(invoiceBody(project))).json()) as InvoiceJson;
    await waitForStatus(id, 'POSTED');

    const shown = (await (await api(`/api/projects/${project.id}`, SAM)).json()) as { finance: unknown };

    // 100,000.00 budget, 1,440.00 posted: 98,560.00 left, 1.4 % burnt.
    expect(shown.finance).toEqual({ currency: 'EUR', budgetMinor: 10_000_000, actualsMinor: 144_000, committedMinor: 0, remainingMinor: 9_856_000, burnPercent: 1.4 });
  });
});

describe('a large invoice', () => {
  it('waits for the project manager, then is posted', async () => {
    const project = await storedProject('Invoice large', 10_000_000);
    const response = await post(invoiceBody(project, { lines: [{ description: 'Build', quantity: 1, unitPrice: 6000, taxRate: 0, projectId: project.id }], total: 6000 }));
    const { id } = (await response.json()) as InvoiceJson;
    await waitForStatus(id, 'PENDING_APPROVAL');
    const request = await test.waitForEmail(SAM, 'Northwind');

    await test.decide(linkFrom(request, 'approve'), 'approve', 'Delivered');

    await waitForStatus(id, 'POSTED');
    expect((await ledger(project.id)).actualsMinor).toBe(600_000);
  });

  it('from 25,000 also needs finance after the project manager', async () => {
    const project = await storedProject('Invoice very large', 100_000_000);
    // Entered by the PMO: finance, which decides the second level, never decides what it entered itself.
    const response = await post(invoiceBody(project, { vendor: { name: 'Contoso Ltd', email: 'ar@contoso.example' }, lines: [{ description: 'Platform', quantity: 1, unitPrice: 30000, taxRate: 0, projectId: project.id }], total: 30000 }), PMO_LEAD);
    const { id } = (await response.json()) as InvoiceJson;
    await test.decide(linkFrom(await test.waitForEmail(SAM, 'Contoso'), 'approve'), 'approve');

    const financeRequest = await test.waitForEmail(FEMI, 'Contoso');
    // The project manager's level is the policy's third, but the second and last of this review.
    expect(financeRequest.body.text).toContain('Level 2 of 2: Finance');
    await test.decide(linkFrom(financeRequest, 'approve'), 'approve');

    await waitForStatus(id, 'POSTED');
  });
});

describe('duplicates', () => {
  it('refuses the same vendor’s number again, whatever its case and spacing (409)', async () => {
    const project = await storedProject('Invoice duplicate', 10_000_000);
    const first = invoiceBody(project, { invoiceNumber: 'RE-2026/0815' });
    expect((await post(first)).status).toBe(201);

    const again = await post({ ...first, invoiceNumber: ' re 2026 0815 ' });

    expect(again.status).toBe(409);
    expect(((await again.json()) as { invoice: InvoiceJson }).invoice.status).toBe('DUPLICATE');
  });

  it('sends a suspected duplicate (same vendor and total, other number, 3 days apart) to the PMO before anything is posted', async () => {
    const project = await storedProject('Invoice suspected', 10_000_000);
    const first = invoiceBody(project, { vendor: { name: 'Fabrikam AG', email: 'billing@fabrikam.example', taxId: 'DE100200300' } });
    const firstId = ((await (await post(first)).json()) as InvoiceJson).id;
    await waitForStatus(firstId, 'POSTED');

    const second = await post({ ...first, invoiceNumber: 'FAB-2', issueDate: '2026-11-05' });

    const { id } = (await second.json()) as InvoiceJson;
    const waiting = await waitForStatus(id, 'NEEDS_REVIEW');
    expect(waiting.flags.map((flag) => flag.code)).toEqual(['suspected-duplicate']);
    const request = await test.waitForEmail(PMO_LEAD, 'Fabrikam');
    expect(request.body.text).toContain('Look at this first');
    expect((await ledger(project.id)).actualsMinor).toBe(144_000);
  });
});

describe('over budget', () => {
  it('waits for finance when the project’s gate is stop', async () => {
    const project = await storedProject('Invoice stop gate', 100_000, STOP_PROJECT);

    const { id } = (await (await post(invoiceBody(project, { vendor: { name: 'Litware Inc', email: 'ar@litware.example' } }), PMO_LEAD)).json()) as InvoiceJson;

    const waiting = await waitForStatus(id, 'NEEDS_REVIEW');
    expect(waiting.flags.map((flag) => flag.code)).toEqual(['over-budget']);
    const request = await test.waitForEmail(FEMI, 'Litware');
    expect(request.subject).toContain('Litware');
    expect((await ledger(project.id)).actualsMinor).toBe(0);
  });
});

describe('posting', () => {
  it('adds the amount once when the step is retried', async () => {
    const project = await storedProject('Invoice retried', 10_000_000);
    const { id } = (await (await post(invoiceBody(project))).json()) as InvoiceJson;
    await waitForStatus(id, 'POSTED');
    const { postInvoiceStep, invoiceExecutionName } = await import('#services/invoice-service.ts');

    await postInvoiceStep(id, invoiceExecutionName(id), new Date());
    await postInvoiceStep(id, invoiceExecutionName(id), new Date());

    expect((await ledger(project.id)).actualsMinor).toBe(144_000);
  });

  it('sends the 90 % budget alert once', async () => {
    // Budget 1,600.00: the first invoice of 1,440.00 is 90 % of it; a second small one stays above 90 %.
    const project = await storedProject('Invoice alert', 160_000);
    const first = (await (await post(invoiceBody(project))).json()) as InvoiceJson;
    await waitForStatus(first.id, 'POSTED');
    const second = (await (await post(invoiceBody(project, { lines: [{ description: 'Small', quantity: 1, unitPrice: 10, taxRate: 0, projectId: project.id }], total: 10 }))).json()) as InvoiceJson;
    await waitForStatus(second.id, 'POSTED');

    const alerts = (await test.emailsTo(SAM)).filter((email) => email.subject.includes('“Invoice alert” has spent 90 %'));

    expect(alerts).toHaveLength(1);
  });
});

describe('a rejected invoice', () => {
  it('tells whoever entered it and the vendor why, and releases its commitment', async () => {
    const project = await storedProject('Invoice rejected', 10_000_000);
    const { id } = (await (await post(invoiceBody(project, { vendor: { name: 'Tailspin Toys', email: 'ar@tailspin.example' }, lines: [{ description: 'Toys', quantity: 1, unitPrice: 7000, taxRate: 0, projectId: project.id }], total: 7000 }))).json()) as InvoiceJson;

    await test.decide(linkFrom(await test.waitForEmail(SAM, 'Tailspin'), 'reject'), 'reject', 'Not ordered by us');

    await waitForStatus(id, 'REJECTED');
    expect((await test.waitForEmail('ar@tailspin.example', 'not approved')).body.text).toContain('Not ordered by us');
    expect((await test.waitForEmail(FEMI, 'not approved')).body.text).toContain('Not ordered by us');
    expect((await ledger(project.id)).committedMinor).toBe(0);
  });
});

describe('arrival', () => {
  it('takes a UBL e-invoice as application/xml', async () => {
    const project = await storedProject('Invoice UBL', 10_000_000);
    const xml = readFileSync(new URL('../fixtures/ubl/invoice-en16931.xml', import.meta.url), 'utf8').replaceAll('{{PROJECT_ID}}', project.id).replace('<cac:OrderReference>\n    <cbc:ID>PO-2026-041</cbc:ID>\n  </cac:OrderReference>\n', '');

    const response = await api('/api/invoices', FEMI, { method: 'POST', body: xml, type: 'application/xml' });

    expect(response.status).toBe(201);
    expect(((await response.json()) as InvoiceJson).totalMinor).toBe(164_220);
  });

  it('refuses a UBL e-invoice whose total is wrong, naming the element (400)', async () => {
    const project = await storedProject('Invoice UBL wrong', 10_000_000);
    const xml = readFileSync(new URL('../fixtures/ubl/invoice-en16931.xml', import.meta.url), 'utf8').replaceAll('{{PROJECT_ID}}', project.id).replace('>1642.20<', '>1642.30<');

    const response = await api('/api/invoices', FEMI, { method: 'POST', body: xml, type: 'application/xml' });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount']);
  });

  it('names the UBL element of a line whose project does not exist (400)', async () => {
    const xml = readFileSync(new URL('../fixtures/ubl/invoice-en16931.xml', import.meta.url), 'utf8').replaceAll('{{PROJECT_ID}}', randomUUID());

    const response = await api('/api/invoices', FEMI, { method: 'POST', body: xml, type: 'application/xml' });

    expect(((await response.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['cac:InvoiceLine[1]/cbc:AccountingCost', 'cac:InvoiceLine[2]/cbc:AccountingCost', 'cac:OrderReference/cbc:ID']);
  });

  it('names the line and field that is wrong (400)', async () => {
    const project = await storedProject('Invoice bad line', 10_000_000);

    const response = await post(invoiceBody(project, { lines: [{ description: 'x', quantity: 1, unitPrice: '12.345', projectId: project.id }], total: 12.35 }));

    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['lines.0.unitPrice']);
  });

  it('refuses an invoice for a project that does not exist', async () => {
    const response = await post(invoiceBody({ id: randomUUID() } as Project));

    expect(((await response.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['lines.0.projectId']);
  });

  it('lets only finance and the PMO enter invoices (403)', async () => {
    const project = await storedProject('Invoice forbidden', 10_000_000);

    expect((await post(invoiceBody(project), SAM)).status).toBe(403);
  });

  it('lists a project manager their projects’ invoices, and someone with none nothing', async () => {
    const project = await storedProject('Invoice listed', 10_000_000);
    const { id } = (await (await post(invoiceBody(project))).json()) as InvoiceJson;

    const managers = (await (await api('/api/invoices', SAM)).json()) as { items: InvoiceJson[] };
    const nobody = (await (await api('/api/invoices', JONAS)).json()) as { items: InvoiceJson[] };

    expect(managers.items.map((invoice) => invoice.id)).toContain(id);
    expect(nobody.items).toEqual([]);
  });

  it('lists a vendor’s invoices by name or key, for finance', async () => {
    const project = await storedProject('Invoice by vendor', 10_000_000);
    const vendor = { name: 'Wingtip Supplies Ltd', email: 'ar@wingtip.example' };
    const { id } = (await (await post(invoiceBody(project, { vendor }))).json()) as InvoiceJson;

    const byName = (await (await api('/api/invoices?vendor=Wingtip%20Supplies', FEMI)).json()) as { items: InvoiceJson[] };
    const byKey = (await (await api('/api/invoices?vendor=name:wingtip%20supplies', FEMI)).json()) as { items: InvoiceJson[] };

    expect([byName.items.map((invoice) => invoice.id), byKey.items.map((invoice) => invoice.id)]).toEqual([[id], [id]]);
  });

  it('hides an invoice from someone with no part in it (404)', async () => {
    const project = await storedProject('Invoice hidden', 10_000_000);
    const { id } = (await (await post(invoiceBody(project))).json()) as InvoiceJson;

    expect((await api(`/api/invoices/${id}`, JONAS)).status).toBe(404);
    expect((await api(`/api/invoices/${id}`, SAM)).status).toBe(200);
  });
});

describe('the PDF attachment', () => {
  async function uploadFor(id: string, bytes: Uint8Array, type = 'application/pdf'): Promise<string> {
    const signed = (await (await api(`/api/invoices/${id}/attachment-upload`, FEMI, { method: 'POST' })).json()) as { key: string; url: string; fields: Record<string, string> };
    const form = new FormData();
    for (const [name, value] of Object.entries(signed.fields)) form.append(name, value);
    form.set('Content-Type', type);
    form.append('file', new Blob([bytes], { type }), 'invoice.pdf');
    const uploaded = await fetch(signed.url, { method: 'POST', body: form });
    expect(uploaded.status).toBeLessThan(300);
    return signed.key;
  }

  async function attach(id: string, key: string, as = FEMI): Promise<Response> {
    return api(`/api/invoices/${id}/attachment`, as, { method: 'PUT', body: JSON.stringify({ key, fileName: 'NW-117 invoice.pdf' }) });
  }

  it('is uploaded straight to the files store, attached once checked, and downloaded by whoever may read the invoice', async () => {
    const project = await storedProject('Invoice with PDF', 10_000_000);
    const { id } = (await (await post(invoiceBody(project))).json()) as InvoiceJson;
    const key = await uploadFor(id, new TextEncoder().encode('%PDF-1.7 a small invoice'));

    const attached = await attach(id, key);
    const download = await api(`/api/invoices/${id}/attachment`, SAM, { redirect: 'manual' });
    const file = await fetch(download.headers.get('location')!);

    expect(attached.status).toBe(200);
    expect(download.status).toBe(302);
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="NW-117 invoice.pdf"');
    expect(await file.text()).toBe('%PDF-1.7 a small invoice');
  });

  it('refuses and deletes a file that is not a PDF', async () => {
    const project = await storedProject('Invoice not a PDF', 10_000_000);
    const { id } = (await (await post(invoiceBody(project))).json()) as InvoiceJson;
    const key = await uploadFor(id, new TextEncoder().encode('<html>not a pdf</html>'));

    const attached = await attach(id, key);

    expect(attached.status).toBe(400);
    expect(((await attached.json()) as { issues: { message: string }[] }).issues[0]?.message).toBe('The file is not a PDF');
    const { attachmentStore } = await import('#adapters/attachment-store.ts');
    expect(await attachmentStore.inspect(key)).toBeUndefined();
  });

  it('refuses a file over 10 MB, which the local store does not stop', async () => {
    const project = await storedProject('Invoice big PDF', 10_000_000);
    const { id } = (await (await post(invoiceBody(project))).json()) as InvoiceJson;
    const bytes = new Uint8Array(10 * 1024 * 1024 + 1).fill(0x20);
    bytes.set(new TextEncoder().encode('%PDF-'));
    const key = await uploadFor(id, bytes);

    const attached = await attach(id, key);

    expect(((await attached.json()) as { issues: { message: string }[] }).issues[0]?.message).toBe('The file is larger than 10 MB');
  });

  it('refuses a key signed for another invoice', async () => {
    const project = await storedProject('Invoice foreign key', 10_000_000);
    const first = (await (await post(invoiceBody(project))).json()) as InvoiceJson;
    const second = (await (await post(invoiceBody(project))).json()) as InvoiceJson;
    const key = await uploadFor(first.id, new TextEncoder().encode('%PDF-1.7'));

    const attached = await attach(second.id, key);

    expect(attached.status).toBe(400);
  });

  it('is not there for someone with no part in the invoice (404)', async () => {
    const project = await storedProject('Invoice PDF hidden', 10_000_000);
    const { id } = (await (await post(invoiceBody(project))).json()) as InvoiceJson;
    await attach(id, await uploadFor(id, new TextEncoder().encode('%PDF-1.7')));

    expect((await api(`/api/invoices/${id}/attachment`, JONAS, { redirect: 'manual' })).status).toBe(404);
  });
});
