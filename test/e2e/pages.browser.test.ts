import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, linkFrom, PMO_LEAD, startTestStack, type ProposalJson, type TestStack } from '#test/support/local-stack-harness.ts';

// The pages as a person on a phone meets them: 390 × 844 CSS pixels (a current mid-size phone).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = 'test-results/screenshots';
const PHONE = { width: 390, height: 844 };
const TITLE = 'Depot charging points';

// The callbacks given to `evaluate` run in the page. The project compiles without the DOM library
// (its code runs in Node), so the few DOM members they use are declared here, for this file only.
interface PageElement {
  readonly classList: { contains(name: string): boolean };
  compareDocumentPosition(other: PageElement): number;
}
declare const document: {
  readonly compatMode: string;
  readonly documentElement: { readonly scrollWidth: number };
  readonly activeElement: PageElement | null;
  readonly body: PageElement;
  getElementById(id: string): PageElement | null;
};
declare const Node: { readonly DOCUMENT_POSITION_FOLLOWING: number };
declare function getComputedStyle(element: unknown): {
  readonly outlineStyle: string;
  readonly outlineWidth: string;
  readonly outlineOffset: string;
  readonly outlineColor: string;
  readonly backgroundColor: string;
};

let env: TestStack;
let browser: Browser;
let page: Page;
let proposalPath: string;

/** What every page must be: rendered in standards mode, and no wider than the phone's screen. */
async function layoutOf(current: Page) {
  return current.evaluate(() => ({ compatMode: document.compatMode, scrollWidth: document.documentElement.scrollWidth }));
}

/** WCAG relative luminance of a computed `rgb(…)` colour. */
function luminance(color: string): number {
  const [r, g, b] = (color.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((channel) => {
    const c = Number(channel) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  await mkdir(SCREENSHOTS, { recursive: true });
  // A zone with a half-hour offset, so that the pages cannot pass by showing UTC or the default.
  process.env.ORG_TIME_ZONE = 'Asia/Kolkata';
  env = await startTestStack();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: PHONE });
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
  delete process.env.ORG_TIME_ZONE;
});

describe('the intake form on a phone', () => {
  it('says the minimum lengths and the date format before anything is typed, next to the field', async () => {
    await page.goto(`${env.stack.urls.web}/proposals/new`);

    expect(await page.getByLabel('Title').getAttribute('aria-describedby')).toBe('title-hint');
    expect(await page.locator('#title-hint').textContent()).toContain('At least 3 characters');
    expect(await page.locator('#description-hint').textContent()).toContain('At least 20 characters');
    expect(await page.getByLabel('Department').getAttribute('aria-describedby')).toBe('department-hint');
    expect(await page.locator('#startDate-hint').textContent()).toContain('YYYY-MM-DD');
    expect(await page.getByLabel('Start date').getAttribute('aria-describedby')).toBe('startDate-hint');
  });

  it('draws a focus ring on the submit button that stands out from the button and the page (3:1 at least)', async () => {
    await page.getByRole('button', { name: 'Submit proposal' }).focus();
    // A keyboard user reaches it with Tab; focus from script alone may not show :focus-visible.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');

    const ring = await page.getByRole('button', { name: 'Submit proposal' }).evaluate((button) => {
      const style = getComputedStyle(button);
      return {
        outlineStyle: style.outlineStyle,
        outlineWidth: Number.parseFloat(style.outlineWidth),
        outlineOffset: Number.parseFloat(style.outlineOffset),
        outlineColor: style.outlineColor,
        button: style.backgroundColor,
        page: getComputedStyle(document.body).backgroundColor,
      };
    });

    expect(ring.outlineStyle).toBe('solid');
    expect(ring.outlineWidth).toBeGreaterThanOrEqual(2);
    expect(ring.outlineOffset).toBeGreaterThan(0);
    expect(contrast(ring.outlineColor, ring.button)).toBeGreaterThanOrEqual(3);
    expect(contrast(ring.outlineColor, ring.page)).toBeGreaterThanOrEqual(3);
  });

  it('moves focus to the error summary after a failed submit, lists the errors in form order, and fits the screen', async () => {
    await page.getByLabel('Title').fill('Depot');
    await page.getByLabel('Estimated cost').fill('120.000');
    await page.getByLabel('Your email').fill('not-an-email');

    await page.getByRole('button', { name: 'Submit proposal' }).click();

    await page.waitForLoadState();
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    const listed = await page.locator('.error-summary a').evaluateAll((links) => links.map((link) => link.getAttribute('href')!.slice(1)));
    const inDocumentOrder = await page.evaluate(
      (ids) =>
        [...ids].sort((a, b) => {
          const [first, second] = [document.getElementById(a)!, document.getElementById(b)!];
          return first.compareDocumentPosition(second) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
        }),
      listed,
    );
    expect(listed.length).toBeGreaterThan(5);
    expect(listed).toEqual(inDocumentOrder);
    expect(await page.locator('#amount-error').textContent()).toContain('“120.000” could mean 120 or 120000. Write 120000 or 120000.00');
    expect(await layoutOf(page)).toEqual({ compatMode: 'CSS1Compat', scrollWidth: PHONE.width });
    await page.screenshot({ path: `${SCREENSHOTS}/phone-intake-errors.png` });
  });

  it('stores 120.000,00 EUR as 120000 and says so on the page that follows', async () => {
    await page.getByLabel('Title').fill(TITLE);
    await page.getByLabel('Description').fill('Install charging points at the north depot for the electric van fleet.');
    await page.getByLabel('Department').fill('Logistics');
    await page.getByLabel('Estimated cost').fill('120.000,00');
    await page.getByLabel('Currency').selectOption('EUR');
    await page.getByLabel('Start date').fill('2027-03-01');
    await page.getByLabel('End date').fill('2027-09-30');
    await page.getByLabel('Your name').fill('Lena Berg');
    await page.getByLabel('Your email').fill('lena.berg@example.org');
    for (const [criterion, rating] of [['Strategic alignment', '4'], ['Business value', '4'], ['Risk', '2'], ['Urgency', '3']] as const) {
      await page.getByRole('group', { name: criterion }).getByLabel(rating, { exact: true }).check();
    }

    await page.getByRole('button', { name: 'Submit proposal' }).click();

    await page.waitForURL(/\/proposals\/[0-9a-f-]{36}\?submitted=1$/);
    proposalPath = new URL(page.url()).pathname;
    expect(await page.getByRole('status').first().textContent()).toContain('Estimated cost stored: €120,000.00');
    const stored = (await (await env.web(`/api${proposalPath}`)).json()) as ProposalJson & { estimatedCost: { amount: number; currency: string } };
    expect(stored.estimatedCost).toEqual({ amount: 120000, currency: 'EUR' });
  });
});

describe('the approval page on a phone', () => {
  it('shows the summary and the decision buttons within the first screen, details after', async () => {
    const request = await eventually('the approval request', async () =>
      (await env.emailsTo(PMO_LEAD)).find((email) => email.subject.includes(TITLE)),
    );

    await page.goto(linkFrom(request, 'approve').toString());

    const approve = await page.getByRole('button', { name: 'Approve' }).boundingBox();
    const reject = await page.getByRole('button', { name: 'Reject' }).boundingBox();
    expect(approve!.y + approve!.height).toBeLessThanOrEqual(PHONE.height);
    expect(reject!.y + reject!.height).toBeLessThanOrEqual(PHONE.height);
    expect(await page.locator('main').textContent()).toContain('€120,000.00');
    expect(await layoutOf(page)).toEqual({ compatMode: 'CSS1Compat', scrollWidth: PHONE.width });
    await page.screenshot({ path: `${SCREENSHOTS}/phone-approval.png` });
  });
});

describe('the proposal pages on a phone', () => {
  it('lists proposals with the submitter, the status in words, the level, whom it waits on, age and score, times with their offset', async () => {
    await page.goto(`${env.stack.urls.web}/proposals`);

    const row = page.locator('table tbody tr', { hasText: TITLE });
    const cells = await row.locator('td').allTextContents();
    expect(cells).toEqual([
      TITLE,
      expect.stringMatching(/^In review\s*Level 1 of 2: PMO review$/),
      'Priya Shah',
      'under an hour',
      expect.stringMatching(/^\d+(\.\d+)?$/),
      '€120,000.00',
      'Lena Berg',
      'Logistics',
      expect.stringMatching(/^\d{1,2} [A-Z][a-z]{2,3} \d{4}, \d{2}:\d{2} (\(UTC\+5:30\)|IST \(UTC\+5:30\))$/),
    ]);
    expect(await page.locator('select#status option').allTextContents()).toContain('In review');
    expect(await layoutOf(page)).toEqual({ compatMode: 'CSS1Compat', scrollWidth: PHONE.width });
    await page.screenshot({ path: `${SCREENSHOTS}/phone-proposals.png` });
  });

  it('shows a proposal without widening the page: its tables scroll inside their own box', async () => {
    await page.goto(`${env.stack.urls.web}${proposalPath}`);

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(TITLE);
    expect(await layoutOf(page)).toEqual({ compatMode: 'CSS1Compat', scrollWidth: PHONE.width });
    await page.screenshot({ path: `${SCREENSHOTS}/phone-proposal.png`, fullPage: true });
  });

  it('renders a message page in standards mode too', async () => {
    const response = await page.goto(`${env.stack.urls.web}/no-such-page`);

    expect(response?.status()).toBe(404);
    expect(await layoutOf(page)).toEqual({ compatMode: 'CSS1Compat', scrollWidth: PHONE.width });
  });
});
