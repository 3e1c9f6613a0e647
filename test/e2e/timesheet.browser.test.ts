import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '#domain/project.ts';
import { PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// The reminder's way in: the personal link to one week opens the week page on a phone, without
// signing in; the grid is filled and the week submitted with the page's own buttons.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = 'test-results/screenshots';
const MIA = 'mia.lopez@example.org';
const WEEK = '2027-06-14';

// The callbacks given to `evaluate` run in the page; the project compiles without the DOM library,
// so the one DOM member they use is declared here, for this file only.
declare const document: { readonly documentElement: { readonly scrollWidth: number } };

let env: TestStack;
let browser: Browser;
let page: Page;
let link: string;

async function storedProject(title: string): Promise<Project> {
  const { projectRepository } = await import('#adapters/project-repository.ts');
  const at = new Date().toISOString();
  const project: Project = {
    id: randomUUID(),
    proposalId: randomUUID(),
    title,
    department: 'Engineering',
    sponsor: { name: 'Sam Carter', email: 'sam.carter@example.org' },
    manager: { name: 'Sam Carter', email: 'sam.carter@example.org' },
    budget: { amountMinor: 5_000_000, currency: 'EUR' },
    plannedStart: '2027-01-04',
    plannedEnd: '2027-12-31',
    status: 'ACTIVE',
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  return (await projectRepository.create(project)).project;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  await mkdir(SCREENSHOTS, { recursive: true });
  env = await startTestStack({ auth: 'on' });
  await storedProject('Customer portal rebuild');
  await storedProject('Warehouse scanners');
  // As the chase will: a link issued when the reminder is emailed.
  const { timesheetLink } = await import('#services/timesheet-service.ts');
  link = await timesheetLink(MIA, WEEK, new Date());
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

describe('filling in a week from the reminder link, on a phone', () => {
  it('opens the week page without signing in', async () => {
    await page.goto(link);

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Timesheet: week of 14 Jun 2027');
    expect(await page.locator('main').textContent()).toContain('Mia Lopez');
    expect(page.url()).not.toMatch(/\/interaction\//);
  });

  it('fits the page to the phone, the grid scrolling sideways with the project column in view', async () => {
    const region = page.locator('.timesheet-scroll');
    const before = await page.getByRole('rowheader', { name: 'Booked' }).boundingBox();

    const widths = await region.evaluate((element) => ({ scroll: element.scrollWidth, client: element.clientWidth, page: document.documentElement.scrollWidth }));
    await region.evaluate((element) => element.scrollBy({ left: 400 }));
    const after = await page.getByRole('rowheader', { name: 'Booked' }).boundingBox();

    expect(widths.page).toBeLessThanOrEqual(390);
    expect(widths.scroll).toBeGreaterThan(widths.client);
    expect(after?.x).toBe(before?.x);
    await region.evaluate((element) => element.scrollTo({ left: 0 }));
  });

  it('names a cell it cannot read, in the summary and in the cell, keeping what was typed', async () => {
    await page.getByLabel('Project for new row 1').selectOption({ label: 'Customer portal rebuild' });
    await page.getByLabel('New row 1, Mon 14 Jun').fill('eight');

    await page.getByRole('button', { name: 'Save draft' }).click();

    const summary = page.getByRole('alert');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Customer portal rebuild, Mon 14 Jun: Enter hours');
    expect(await page.getByLabel('Customer portal rebuild, Mon 14 Jun').inputValue()).toBe('eight');
    await page.screenshot({ path: `${SCREENSHOTS}/phone-timesheet-errors.png`, fullPage: true });
    await page.goto(link);
  });

  it('saves the grid as a draft', async () => {
    await page.getByLabel('Project for new row 1').selectOption({ label: 'Customer portal rebuild' });
    for (const [day, hours] of [['Mon 14 Jun', '8'], ['Tue 15 Jun', '7.5'], ['Wed 16 Jun', '8']] as const) {
      await page.getByLabel(`New row 1, ${day}`).fill(hours);
    }

    await page.getByRole('button', { name: 'Save draft' }).click();

    await page.getByText('Draft saved').waitFor();
    expect(await page.getByLabel('Customer portal rebuild, Tue 15 Jun').inputValue()).toBe('7.5');
    expect(await page.getByRole('row', { name: /^Booked/ }).textContent()).toContain('23.5');
    await page.screenshot({ path: `${SCREENSHOTS}/phone-timesheet-draft.png`, fullPage: true });
  });

  it('submits the week, and the page shows it submitted', async () => {
    await page.getByLabel('Customer portal rebuild, Thu 17 Jun').fill('8');
    await page.getByLabel('Customer portal rebuild, Fri 18 Jun').fill('6.5');

    await page.getByRole('button', { name: 'Submit week' }).click();

    await page.getByText('Submitted. Thank you.').waitFor();
    expect(await page.locator('.status').first().textContent()).toBe('Submitted');
    expect(await page.getByRole('button', { name: 'Save draft' }).count()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/phone-timesheet-week.png`, fullPage: true });
    const stored = (await (await env.webAs(PMO_LEAD, `/api/timesheets/${encodeURIComponent(MIA)}/${WEEK}`)).json()) as { status: string; totals: { total: number } };
    expect(stored).toMatchObject({ status: 'SUBMITTED', totals: { total: 38 } });
  });
});

describe('asking for a late change of a locked week, signed in on a phone', () => {
  // Locked long ago: 3 working days after the week ended.
  const LOCKED = '2026-03-02';

  it('signs in and shows the locked week as a change to ask for', async () => {
    await page.goto(`${env.stack.urls.web}/timesheets/${LOCKED}`);
    await page.waitForURL(/\/interaction\//);
    await page.getByRole('button', { name: /Mia Lopez/ }).click();
    await page.waitForURL(`${env.stack.urls.web}/timesheets/${LOCKED}`);

    expect(await page.locator('main').textContent()).toContain('This week locked on');
    expect(await page.getByRole('button', { name: 'Save draft' }).count()).toBe(0);
  });

  it('sends the corrected grid and a reason to the line manager, and shows it waiting', async () => {
    await page.getByLabel('Project for new row 1').selectOption({ label: 'Warehouse scanners' });
    await page.getByLabel('New row 1, Mon 2 Mar').fill('8');
    await page.getByLabel('Why does the week change after it locked?').fill('I was on site and forgot to book it');

    await page.getByRole('button', { name: 'Ask my manager to approve this change' }).click();

    await page.getByText('Your late change was sent to your line manager').waitFor();
    expect(await page.locator('main').textContent()).toContain('is waiting for your line manager');
    await page.screenshot({ path: `${SCREENSHOTS}/phone-timesheet-late-change.png`, fullPage: true });
    // Mia's line manager in the demo directory.
    const request = await env.waitForEmail('jonas.weber@example.org', 'Mia Lopez');
    expect(request.body.text).toContain('I was on site and forgot to book it');
  });
});
