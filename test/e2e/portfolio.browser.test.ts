import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// The portfolio page on a phone: the PMO lead signs in, sees the lights and their reasons, and
// narrows the list with the filters (a plain form: no script).

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = 'test-results/screenshots';

// The callbacks given to `evaluate` run in the page; the project compiles without the DOM library.
declare const document: { readonly documentElement: { readonly scrollWidth: number } };

let env: TestStack;
let browser: Browser;
let page: Page;

async function storedProject(title: string, department: string, actualsMinor: number): Promise<void> {
  const { projectRepository } = await import('#adapters/project-repository.ts');
  const { projectFinanceRepository } = await import('#adapters/project-finance-repository.ts');
  const at = new Date().toISOString();
  const start = new Date(Date.now() - 50 * 86_400_000).toISOString().slice(0, 10);
  const end = new Date(Date.now() + 50 * 86_400_000).toISOString().slice(0, 10);
  const id = randomUUID();
  const manager = { name: 'Sam Carter', email: 'sam.carter@example.org' };
  await projectRepository.create({ id, proposalId: randomUUID(), title, department, sponsor: manager, manager, budget: { amountMinor: 10_000_000, currency: 'EUR' }, plannedStart: start, plannedEnd: end, status: 'ACTIVE', createdAt: at, updatedAt: at, version: 1 });
  if (actualsMinor > 0) await projectFinanceRepository.post(id, randomUUID(), actualsMinor);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  await mkdir(SCREENSHOTS, { recursive: true });
  env = await startTestStack({ auth: 'on' });
  // Half the time gone: 90 % spent is red, 62 % amber, 40 % green.
  await storedProject('Warehouse scanners', 'Operations', 9_000_000);
  await storedProject('Customer portal rebuild', 'Engineering', 6_200_000);
  await storedProject('CRM migration', 'Engineering', 4_000_000);
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

describe('the portfolio on a phone', () => {
  it('shows the lights worst first, each with its reason in words', async () => {
    await page.goto(`${env.stack.urls.web}/portfolio`);
    await page.waitForURL(/\/interaction\//);
    await page.getByRole('button', { name: /Priya Shah/ }).click();
    await page.waitForURL(`${env.stack.urls.web}/portfolio`);

    const rows = await page.locator('tbody tr').allTextContents();
    expect(rows[0]).toContain('Warehouse scanners');
    expect(rows[0]).toContain('Red');
    expect(rows[0]).toContain('points ahead of time');
    expect(await page.getByRole('img', { name: /Projects by status light: 1 red, 1 amber, 1 green/ }).count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SCREENSHOTS}/phone-portfolio.png`, fullPage: true });
  });

  it('narrows the list to a department with the filter form', async () => {
    await page.getByLabel('Department').selectOption('Engineering');

    await page.getByRole('button', { name: 'Show' }).click();

    await page.waitForURL(/department=Engineering/);
    const rows = await page.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows.join(' ')).not.toContain('Warehouse scanners');
  });
});
