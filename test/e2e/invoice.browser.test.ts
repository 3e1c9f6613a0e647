import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '#domain/project.ts';
import { eventually, linkFrom, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// Finance enters a vendor invoice through the form, on a phone; the project manager approves it
// from the email; the invoice is posted and the project shows its actuals.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = 'test-results/screenshots';
const SAM = 'sam.carter@example.org';

let env: TestStack;
let browser: Browser;
let page: Page;
let project: Project;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  await mkdir(SCREENSHOTS, { recursive: true });
  env = await startTestStack({ auth: 'on' });
  const { projectRepository } = await import('#adapters/project-repository.ts');
  const at = new Date().toISOString();
  project = (
    await projectRepository.create({
      id: randomUUID(),
      proposalId: randomUUID(),
      title: 'Customer portal rebuild',
      department: 'Engineering',
      sponsor: { name: 'Sam Carter', email: SAM },
      manager: { name: 'Sam Carter', email: SAM },
      budget: { amountMinor: 5_000_000, currency: 'EUR' },
      plannedStart: '2026-01-05',
      plannedEnd: '2027-12-31',
      status: 'ACTIVE',
      createdAt: at,
      updatedAt: at,
      version: 1,
    })
  ).project;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 390, height: 844 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

describe('entering an invoice and approving it from the email', () => {
  it('signs finance in and opens the form', async () => {
    await page.goto(`${env.stack.urls.web}/invoices/new`);
    await page.waitForURL(/\/interaction\//);
    await page.getByRole('button', { name: /Femi Adeyemi/ }).click();
    await page.waitForURL(`${env.stack.urls.web}/invoices/new`);

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Enter an invoice');
  });

  it('names a total that does not add up, keeping what was typed', async () => {
    await page.getByLabel('Vendor name').fill('Northwind Consulting GmbH');
    await page.getByLabel('Vendor’s billing email').fill('billing@northwind.example');
    await page.getByLabel('Invoice number').fill('NW-2026-117');
    await page.getByLabel('Issue date').fill('2026-11-02');
    await page.getByLabel('Due date').fill('2026-12-02');
    await page.getByLabel('Line 1, description').fill('Architecture review');
    await page.getByLabel('Line 1, project').selectOption({ label: 'Customer portal rebuild' });
    await page.getByLabel('Line 1, quantity').fill('50');
    await page.getByLabel('Line 1, unit price').fill('120,00');
    await page.getByLabel('Line 1, tax rate').fill('19');
    await page.getByLabel('Total with tax').fill('7,000.00');

    await page.getByRole('button', { name: 'Enter the invoice' }).click();

    const summary = page.getByRole('alert');
    await summary.waitFor();
    // 50 × 120.00 = 6,000.00; 19 % = 1,140.00; 7,140.00 in all.
    expect(await summary.textContent()).toContain('7140.00 EUR in all, not 7000.00');
    expect(await page.getByLabel('Line 1, unit price').inputValue()).toBe('120,00');
    await page.screenshot({ path: `${SCREENSHOTS}/phone-invoice-error.png`, fullPage: true });
  });

  it('enters the corrected invoice and shows it', async () => {
    await page.getByLabel('Total with tax').fill('7.140,00');

    await page.getByRole('button', { name: 'Enter the invoice' }).click();

    await page.waitForURL(/\/invoices\/[0-9a-f-]{36}\?entered=1$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Northwind Consulting GmbH: invoice NW-2026-117');
  });

  it('uploads the invoice’s PDF from its page, straight to the files store', async () => {
    await page.getByLabel('The PDF, at most 10 MB').setInputFiles({ name: 'nw-2026-117.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n% an invoice\n') });

    await page.getByRole('button', { name: 'Upload the PDF' }).click();

    await page.getByText('The PDF was attached.').waitFor();
    expect(await page.getByRole('link', { name: /Download Northwind Consulting GmbH NW-2026-117.pdf/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Upload the PDF' }).count()).toBe(0);
  });

  it('lets the project manager approve it from the email, and it is posted', async () => {
    const request = await eventually('the approval request', async () => (await env.emailsTo(SAM)).find((email) => email.subject.includes('Northwind')));

    await page.goto(linkFrom(request, 'approve').toString());
    expect(await page.locator('main').textContent()).toContain('7140.00 EUR');
    await page.getByRole('button', { name: 'Approve' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Decision recorded');

    const { projectFinanceRepository } = await import('#adapters/project-finance-repository.ts');
    await eventually('the posting', async () => ((await projectFinanceRepository.get(project.id)).actualsMinor === 714_000 ? true : undefined));
  });

  it('shows the invoice posted, with its history', async () => {
    const invoices = (await (await env.webAs('femi.adeyemi@example.org', '/api/invoices?status=POSTED')).json()) as { items: { id: string }[] };
    await page.goto(`${env.stack.urls.web}/invoices/${invoices.items[0]!.id}`);

    expect(await page.locator('.status').first().textContent()).toBe('Posted to project actuals');
    expect(await page.locator('ol.history').textContent()).toContain('Approved by Sam Carter');
    await page.screenshot({ path: `${SCREENSHOTS}/phone-invoice-posted.png`, fullPage: true });
  });
});
