// The axe helper must catch what it is there to catch: a page with known violations reports
// exactly them, and a clean page reports none (otherwise every "no violations" below is worthless).
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { axeSummary, axeViolations } from './axe.js';
import { launchChromium } from './harness.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

test('reports a missing alt text, an unnamed button and a missing title', async () => {
  const page = await browser.newPage();
  await page.setContent('<html lang="en"><body><img src="x.png"><button></button></body></html>');
  const violations = await axeViolations(page);
  expect(violations.map((v) => v.id).sort()).toEqual(['button-name', 'document-title', 'image-alt']);
  expect(axeSummary(violations)[0]).toMatch(/^button-name \(critical\): .+ at \["button"\]/);
});

test('reports nothing on an accessible page', async () => {
  const page = await browser.newPage();
  await page.setContent(
    '<html lang="en"><head><title>Ok</title></head><body><main><h1>Air</h1>' +
      '<img src="x.png" alt="A map"><button>Send</button></main></body></html>',
  );
  expect(axeSummary(await axeViolations(page))).toEqual([]);
});
