// The dashboard as a fresh install shows it, before AtmoSud has answered or any sensor has sent:
// the empty list says why it is empty, not that nothing matches an empty search.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { axeSummary, axeViolations } from './axe.js';
import { launchChromium, newPage, startSouffle, type Souffle } from './harness.js';

let souffle: Souffle;
let browser: Browser;

beforeAll(async () => {
  [souffle, browser] = await Promise.all([startSouffle({ empty: true }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await souffle?.close();
});

it('says there are no stations yet, in French and in English, and passes axe', async () => {
  const { page, context, errors } = await newPage(browser);
  await page.goto(`${souffle.url}/`);
  await expect.poll(() => page.locator('body').innerText()).toContain('Aucune station pour l’instant');
  expect(await page.locator('body').innerText()).not.toContain('ne correspond à « »');
  expect(axeSummary(await axeViolations(page))).toEqual([]);
  await page.goto(`${souffle.url}/?lang=en`);
  await expect.poll(() => page.locator('body').innerText()).toContain('No stations yet');
  expect(errors).toEqual([]);
  await context.close();
});
