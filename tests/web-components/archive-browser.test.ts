// The open-data archive's index page (/archive/) in real Chromium, in French and English, on a
// desktop and a phone: zero axe-core violations, every link to a file answering with its type.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArchive } from '../../cli/archive/build-archive.js';
import { axeSummary, axeViolations } from './axe.js';
import { launchChromium, newPage, NOW, screenshot, startSouffle, type Souffle } from './harness.js';

let souffle: Souffle;
let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'souffle-archive-web-'));

beforeAll(async () => {
  [souffle, browser] = await Promise.all([
    startSouffle({
      // Two months on, so that the seeded month is closed and archived.
      archive: async (db) => {
        await buildArchive({ db, dir, now: NOW + 62 * 86_400_000, timeZone: 'Europe/Paris' });
        return dir;
      },
    }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await souffle?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the archive index', () => {
  for (const [lang, viewport, heading] of [
    ['fr', { width: 1280, height: 800 }, 'Archive des données ouvertes'],
    ['en', { width: 390, height: 844 }, 'Open-data archive'],
  ] as const) {
    it(`lists the archive's files and passes axe (${lang}, ${viewport.width} px)`, async () => {
      const { page, context, errors } = await newPage(browser, viewport);
      await page.goto(`${souffle.url}/archive/?lang=${lang}`);
      await expect.poll(() => page.locator('h1').textContent()).toBe(heading);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      expect(axeSummary(await axeViolations(page))).toEqual([]);
      await screenshot(page, `archive-${lang}-${viewport.width}`);
      const hrefs = await page
        .locator('main a')
        .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      const parquet = hrefs.find((h) => h.endsWith('.parquet'))!;
      expect(parquet).toMatch(/\/archive\/archive\/source=\w+\/year=\d{4}\/month=\d{2}\/readings\.parquet$/);
      const types = await Promise.all(
        [parquet, ...hrefs.filter((h) => /(\.gz|\.zip|\.cff|\.json|SUMS)$/.test(h)).slice(0, 5)].map(
          async (h) => [h.split('.').pop(), (await fetch(h)).headers.get('content-type')],
        ),
      );
      expect(types).toContainEqual(['parquet', 'application/vnd.apache.parquet']);
      expect(types).toContainEqual(['cff', 'application/yaml; charset=utf-8']);
      expect(types).toContainEqual(['zip', 'application/zip']);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('serves nothing outside the archive folder, and no unfinished file', async () => {
    for (const path of [
      '/archive/../package.json',
      '/archive/%2e%2e/package.json',
      '/archive/manifest.json.partial',
    ])
      expect((await fetch(`${souffle.url}${path}`)).status, path).toBe(404);
  });
});
