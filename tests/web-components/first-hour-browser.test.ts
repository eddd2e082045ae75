// The first hour of a teacher, a citizen and an operator (issue 20): what a newcomer met in real
// Chromium and found wrong, each checked here in the browser where it was seen.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSummary, axeViolations } from './axe.js';
import {
  FLEET,
  launchChromium,
  newPage,
  schoolPage,
  screenshot,
  shadowText,
  startSchoolSite,
  startSouffle,
  type SchoolSite,
  type Souffle,
} from './harness.js';

let souffle: Souffle;
let school: SchoolSite;
let browser: Browser;

beforeAll(async () => {
  [souffle, school, browser] = await Promise.all([startSouffle(), startSchoolSite(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await school?.close();
  await souffle?.close();
});

describe('a chart of a phenomenon the station does not measure', () => {
  for (const [lang, words] of [
    ['fr', 'Cette station ne mesure pas ce paramètre : Dioxyde d’azote (NO₂).'],
    ['en', 'This station does not measure Nitrogen dioxide (NO₂).'],
  ] as const) {
    it(`says so instead of "unknown station" (${lang})`, async () => {
      school.setPage(
        `/no2-${lang}.html`,
        schoolPage(
          souffle.url,
          `<souffle-chart id="chart" station="${FLEET.school.id}" phenomenon="no2"></souffle-chart>`,
          lang,
        ),
      );
      const { page, context } = await newPage(browser);
      await page.goto(`${school.url}/no2-${lang}.html`);
      await page.locator('#chart').locator('[part~="error"]').waitFor();
      const text = await shadowText(page, '#chart');
      expect(text).toContain(words);
      expect(text).not.toMatch(/inconnue|Unknown station/);
      expect(axeSummary(await axeViolations(page))).toEqual([]);
      await screenshot(page, `first-hour-no2-${lang}`, '#chart');
      await context.close();
    });
  }
});
