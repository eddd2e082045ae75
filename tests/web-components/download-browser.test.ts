// "Télécharger / Download" on the station page and in the embed builder, in real Chromium: the
// period, step and format a teacher picks build an export link that answers the file asked for,
// in French on a desktop and in English on a phone, with zero axe-core violations.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSummary, axeViolations } from './axe.js';
import { FLEET, launchChromium, newPage, screenshot, startSouffle, type Souffle } from './harness.js';

let souffle: Souffle;
let browser: Browser;

beforeAll(async () => {
  [souffle, browser] = await Promise.all([startSouffle(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await souffle?.close();
});

describe('the download control', () => {
  for (const [lang, viewport, page_, label] of [
    ['fr', { width: 1280, height: 800 }, `/#/station/${FLEET.official.id}`, 'Télécharger'],
    ['en', { width: 390, height: 844 }, `/embed#station=${FLEET.school.id}`, 'Download'],
  ] as const) {
    it(`builds the export link from the choices (${lang}, ${viewport.width} px, ${page_.split('#')[0]})`, async () => {
      const { page, context, errors } = await newPage(browser, viewport);
      await page.goto(`${souffle.url}${page_}`);
      if (lang === 'en') await page.locator('.lang-switch').first().click();
      const control = page.locator('souffle-download');
      const link = control.getByRole('link', { name: label });
      await link.waitFor();
      const station = page_.includes('embed') ? FLEET.school.id : FLEET.official.id;
      await control.locator('select[name="step"]').selectOption('1d');
      await control.locator('select[name="format"]').selectOption('excel-fr');
      await control.locator('select[name="period"]').selectOption('1y');
      const href = (await link.getAttribute('href'))!;
      const url = new URL(href, page.url());
      expect(url.pathname).toBe('/api/v1/export');
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        station,
        step: '1d',
        format: 'csv',
        dialect: 'excel-fr',
      });
      expect(url.searchParams.get('from')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      // The French dialect: BOM, then the header separated by semicolons.
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(new TextDecoder().decode(bytes).split('\r\n')[0]).toMatch(/^station;source;/);
      await control.locator('select[name="format"]').selectOption('parquet');
      const parquet = new URL((await link.getAttribute('href'))!, page.url());
      expect(parquet.searchParams.get('format')).toBe('parquet');
      expect((await fetch(parquet)).headers.get('content-type')).toBe('application/vnd.apache.parquet');
      expect(axeSummary(await axeViolations(page))).toEqual([]);
      await control.scrollIntoViewIfNeeded();
      await screenshot(page, `download-${lang}-${viewport.width}`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
