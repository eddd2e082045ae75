// The interactive API reference (/api/v1/docs) in real Chromium: zero axe-core violations with an
// operation opened, a link back to the site, and examples in curl, Python and JavaScript (issue 20).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSummary, axeViolations } from './axe.js';
import { launchChromium, newPage, screenshot, startSouffle, type Souffle } from './harness.js';

let souffle: Souffle;
let browser: Browser;

beforeAll(async () => {
  [souffle, browser] = await Promise.all([startSouffle(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await souffle?.close();
});

describe('the API reference', () => {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    it(`passes axe with an operation open (${viewport.width} px)`, async () => {
      const { page, context, errors } = await newPage(browser, viewport);
      await page.goto(`${souffle.url}/api/v1/docs`);
      await page.locator('.opblock').first().waitFor();
      await page.locator('.opblock-summary-control').first().click();
      await page.locator('.opblock-body').first().waitFor();
      // With its parameters editable, too.
      await page.locator('.opblock-body .try-out__btn').first().click();
      await page.locator('.opblock-body .execute').first().waitFor();
      expect(axeSummary(await axeViolations(page))).toEqual([]);
      // A way back to the site, and examples in three languages.
      await expect.poll(() => page.locator('header a').first().getAttribute('href')).toBe('../../');
      const info = await page.locator('.info').textContent();
      for (const example of ['curl -s', 'import requests', 'await fetch(']) expect(info).toContain(example);
      await screenshot(page, `api-docs-${viewport.width}`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
