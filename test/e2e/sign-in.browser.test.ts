import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = 'test-results/screenshots';

let env: TestStack;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  await mkdir(SCREENSHOTS, { recursive: true });
  env = await startTestStack({ auth: 'on' });
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

describe('signing in, submitting and signing out in the browser', () => {
  it('takes someone who opens the intake form to the development sign-in first', async () => {
    await page.goto(`${env.stack.urls.web}/proposals/new`);

    await page.waitForURL(/\/interaction\//);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Sign in');
    expect(await page.content()).toMatch(/development/i);
    await page.screenshot({ path: `${SCREENSHOTS}/dev-sign-in.png`, fullPage: true });
  });

  it('returns to the intake form signed in, which names who submits instead of asking', async () => {
    await page.getByRole('button', { name: /Lena Berg/ }).click();

    await page.waitForURL(`${env.stack.urls.web}/proposals/new`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Submit a project proposal');
    expect(await page.locator('header').textContent()).toContain('Lena Berg');
    expect(await page.getByLabel('Your email').count()).toBe(0);
    expect(await page.getByText('You submit as').textContent()).toContain('lena.berg@example.org');
  });

  it('submits the form as the signed-in person', async () => {
    await page.getByLabel('Title').fill('Loading dock scheduling');
    await page.getByLabel('Description').fill('Book loading dock slots online so that lorries stop queueing on the road.');
    await page.getByLabel('Department').fill('Operations');
    await page.getByLabel('Estimated cost').fill('18000');
    await page.getByLabel('Currency').selectOption('EUR');
    await page.getByLabel('Start date').fill('2027-02-01');
    await page.getByLabel('End date').fill('2027-05-31');
    for (const [criterion, rating] of [['Strategic alignment', '3'], ['Business value', '4'], ['Risk', '2'], ['Urgency', '4']] as const) {
      await page.getByRole('group', { name: criterion }).getByLabel(rating, { exact: true }).check();
    }

    await page.getByRole('button', { name: 'Submit proposal' }).click();

    await page.waitForURL(/\/proposals\/[0-9a-f-]{36}\?submitted=1$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Loading dock scheduling');
    const request = await env.requestTo(PMO_LEAD, 'Loading dock scheduling');
    expect(request.body.text).toContain('Lena Berg');
    await page.screenshot({ path: `${SCREENSHOTS}/signed-in-proposal.png`, fullPage: true });
  });

  it('lists the person’s own proposals', async () => {
    await page.goto(`${env.stack.urls.web}/proposals`);

    expect(await page.getByRole('link', { name: 'Loading dock scheduling' }).count()).toBe(1);
    expect(await page.getByRole('navigation', { name: 'Which proposals' }).textContent()).not.toContain('All proposals');
  });

  it('signs out, and the pages ask to sign in again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    // The development provider asks whether to end its own session too, as an identity provider may.
    await page.getByRole('button', { name: /Yes, sign me out/ }).click();

    await page.waitForURL(`${env.stack.urls.web}/auth/signed-out`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Signed out');
    await page.goto(`${env.stack.urls.web}/proposals`);
    await page.waitForURL(/\/interaction\//);
  });
});
