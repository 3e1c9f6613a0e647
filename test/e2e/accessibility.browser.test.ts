import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// The new pages checked by axe-core (WCAG 2.1 A and AA rules) in real Chromium, signed in as the
// PMO lead. The pages allow no script: axe is injected with the page's CSP bypassed, for the test only.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}
declare const axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[]; passes: unknown[] }> };
declare const document: unknown;

let env: TestStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  env = await startTestStack({ auth: 'on' });
  const { projectRepository } = await import('#adapters/project-repository.ts');
  const at = new Date().toISOString();
  const manager = { name: 'Sam Carter', email: 'sam.carter@example.org' };
  await projectRepository.create({ id: randomUUID(), proposalId: randomUUID(), title: 'Accessible portal', department: 'Engineering', sponsor: manager, manager, budget: { amountMinor: 1_000_000, currency: 'EUR' }, plannedStart: '2026-01-05', plannedEnd: '2027-12-31', status: 'ACTIVE', createdAt: at, updatedAt: at, version: 1 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await page.goto(`${env.stack.urls.web}/portfolio`);
  await page.waitForURL(/\/interaction\//);
  await page.getByRole('button', { name: /Priya Shah/ }).click();
  await page.waitForURL(`${env.stack.urls.web}/portfolio`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

/** What axe found on a page: its violations in words, and how many rules it checked and passed. */
async function axeOn(path: string): Promise<{ violations: string[]; passed: number }> {
  await page.goto(`${env.stack.urls.web}${path}`);
  await page.addScriptTag({ path: AXE_PATH });
  const result = await page.evaluate(() => axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  return { violations: result.violations.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`), passed: result.passes.length };
}

describe('axe on the pages', () => {
  it.each(['/portfolio', '/approvals', '/invoices', '/invoices/new', '/reports', '/reports/weekly-portfolio-status'])('finds nothing on %s', async (path) => {
    const found = await axeOn(path);

    expect(found.violations).toEqual([]);
    // It did check: rules passed on this page (a page axe never saw would pass nothing).
    expect(found.passed).toBeGreaterThan(5);
  });
});
