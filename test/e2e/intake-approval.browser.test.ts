import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, FINANCE, linkFrom, PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = 'test-results/screenshots';

let env: TestStack;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  await mkdir(SCREENSHOTS, { recursive: true });
  env = await startTestStack();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

describe('a submitter and an approver in the browser', () => {
  it('shows field errors next to the fields and keeps what was typed', async () => {
    await page.goto(`${env.stack.urls.web}/`);
    await page.getByRole('link', { name: 'Submit a proposal' }).first().click();
    await page.getByLabel('Title').fill('Warehouse automation');
    await page.getByLabel('Your email').fill('not-an-email');

    await page.getByRole('button', { name: 'Submit proposal' }).click();

    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Please correct');
    expect(await page.locator('#submitterEmail-error').textContent()).toContain('Enter an email address');
    expect(await page.getByLabel('Title').inputValue()).toBe('Warehouse automation');
    expect(await page.getByLabel('Your email').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: `${SCREENSHOTS}/intake-errors.png`, fullPage: true });
  });

  it('submits the form and lands on the proposal page', async () => {
    await page.getByLabel('Description').fill('Automate picking in the main warehouse to cut order lead time by a third.');
    await page.getByLabel('Department').fill('Operations');
    await page.getByLabel('Estimated cost').fill('85000');
    await page.getByLabel('Currency').selectOption('EUR');
    await page.getByLabel('Start date').fill('2027-03-01');
    await page.getByLabel('End date').fill('2027-09-30');
    await page.getByLabel('Your name').fill('Lena Berg');
    await page.getByLabel('Your email').fill('lena.berg@example.org');
    for (const [criterion, rating] of [['Strategic alignment', '4'], ['Business value', '5'], ['Risk', '3'], ['Urgency', '4']] as const) {
      await page.getByRole('group', { name: criterion }).getByLabel(rating, { exact: true }).check();
    }

    await page.getByRole('button', { name: 'Submit proposal' }).click();

    await page.waitForURL(/\/proposals\/[0-9a-f-]{36}\?submitted=1$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Warehouse automation');
    expect(await page.getByRole('status').first().textContent()).toContain('Your proposal was submitted');
  });

  it('lets the PMO lead open the emailed link, see the proposal and approve it', async () => {
    const request = await eventually('the approval request', async () =>
      (await env.emailsTo(PMO_LEAD)).find((email) => email.subject.includes('Warehouse automation')),
    );

    await page.goto(linkFrom(request, 'approve').toString());
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Warehouse automation');
    await page.screenshot({ path: `${SCREENSHOTS}/approval-page.png`, fullPage: true });
    await page.getByLabel(/Comment/).fill('Strong case; go ahead.');
    await page.getByRole('button', { name: 'Approve' }).click();

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Decision recorded');
  });

  it('shows the proposal waiting for finance, the second level for its amount', async () => {
    await page.getByRole('link', { name: 'See the proposal' }).click();

    await expect
      .poll(async () => {
        await page.reload();
        return page.locator('main > p').first().textContent();
      }, { timeout: 10_000 })
      .toContain('Level 2 of 2: Finance');
  });

  it('lets finance approve from its own email', async () => {
    const request = await eventually('the finance request', async () =>
      (await env.emailsTo(FINANCE)).find((email) => email.subject.includes('Warehouse automation')),
    );

    await page.goto(linkFrom(request, 'approve').toString());
    expect(await page.locator('main').textContent()).toContain('level 2 of 2: Finance');
    await page.getByRole('button', { name: 'Approve' }).click();

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Decision recorded');
  });

  it('shows the proposal as approved, with both decisions in its history', async () => {
    await page.getByRole('link', { name: 'See the proposal' }).click();

    await expect
      .poll(async () => {
        await page.reload();
        return page.locator('.status').first().textContent();
      }, { timeout: 10_000 })
      .toBe('Approved');
    const timeline = await page.locator('ol.timeline').textContent();
    expect(timeline).toContain('Approved by Priya Shah (level 1, PMO review)');
    expect(timeline).toContain('Approved by Femi Adeyemi (level 2, Finance)');
    await page.screenshot({ path: `${SCREENSHOTS}/proposal-approved.png`, fullPage: true });
  });
});
