// <souffle-compare> in a real Chromium against a real server: the school's sensor beside the
// AtmoSud background station, a nearer traffic station passed over and said so, the agreement in
// words in both languages, the chart drawn, no accessibility violation; and the dashboard's
// station page carrying the panel. The element loads lazily: the entry script stays without it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evaluation } from '../../data/calibration/evaluate.js';
import { saveCalibration } from '../../data/store/calibrations.js';
import { insertReadings } from '../../data/store/readings.js';
import { ensureSeries } from '../../data/store/series.js';
import { upsertStation } from '../../data/store/stations.js';
import { axeSummary, axeViolations } from './axe.js';
import {
  FLEET,
  launchChromium,
  newPage,
  NOW,
  ROOT,
  schoolPage,
  screenshot,
  shadowText,
  startSchoolSite,
  startSouffle,
  type SchoolSite,
  type Souffle,
} from './harness.js';

const HOUR = 3_600_000;
let souffle: Souffle;
let school: SchoolSite;
let browser: Browser;

beforeAll(async () => {
  souffle = await startSouffle({
    more: async (db) => {
      await db
        .updateTable('stations')
        .set({ station_type: 'urban-background' })
        .where('id', '=', FLEET.official.id)
        .execute();
      // Nearer to the school than Longchamp, beside a road: never the default reference.
      await upsertStation(db, {
        id: 'FR-ROAD',
        source: 'atmosud',
        name: 'Boulevard National',
        lat: 43.3047,
        lon: 5.3825,
        stationType: 'traffic',
      });
      const road = await ensureSeries(db, {
        stationId: 'FR-ROAD',
        phenomenon: 'pm25',
        sensor: 'reference',
        unit: 'µg/m³',
        covers: HOUR,
      });
      // The offline sensor reads 30 where Longchamp reads about 8: a stored calibration brings it
      // to 0.25 · 30 + 0.5 = 8. Its evaluation is not what this test reads, hence left empty.
      await saveCalibration(db, {
        stationId: FLEET.offline.id,
        deviceId: null,
        phenomenon: 'pm25',
        sensor: 'SDS011',
        model: 'linear',
        coefficients: { a: 0.25, c: 0.5 },
        referenceStationId: FLEET.official.id,
        fit: { from: NOW - 9 * 24 * HOUR, to: NOW - 5 * 24 * HOUR },
        evaluation: { from: NOW - 5 * 24 * HOUR, to: NOW - 3 * 24 * HOUR },
        validFrom: 0,
        metrics: {} as Evaluation,
      });
      const hours = Array.from({ length: 24 }, (_, i) => NOW - (i + 2) * HOUR);
      await insertReadings(
        db,
        hours.map((t) => ({ seriesId: road, time: Math.floor(t / HOUR) * HOUR, value: 25, covers: HOUR })),
      );
    },
  });
  school = await startSchoolSite();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await school?.close();
  await souffle?.close();
});

async function pasted(lang: 'fr' | 'en', station: string = FLEET.school.id) {
  school.setPage(
    `/compare-${lang}-${station}.html`,
    schoolPage(souffle.url, `<souffle-compare station="${station}" lang="${lang}"></souffle-compare>`, lang),
  );
  const { page, requests, errors } = await newPage(browser);
  await page.goto(`${school.url}/compare-${lang}-${station}.html`);
  await expect
    .poll(() =>
      page.locator('souffle-compare').evaluate((el) => !!el.shadowRoot?.querySelector('.agreement')),
    )
    .toBe(true);
  return { page, requests, errors };
}

describe('<souffle-compare>', () => {
  it('names the background station, says why the nearer traffic one was left aside, and words the agreement', async () => {
    const { page, errors } = await pasted('en');
    const text = await shadowText(page, 'souffle-compare');
    expect(text).toContain('Reference station: Marseille Longchamp (urban background station, 1.2 km away).');
    expect(text).toContain('The nearer Boulevard National station (traffic, 133 m) was left aside');
    // The school's sensor waves around 12 µg/m³, Longchamp around 8: 4 higher, the same rhythm.
    expect(text).toMatch(/Over \d+ hours measured by both \(\d+ % of the period\):/);
    expect(text).toContain('on average, this sensor reads 4 µg/m³ higher than the station (12 against 8)');
    expect(text).toContain(
      'it closely follows the rises and falls of the station (100 % of its variation, R² = 1)',
    );
    expect(text).toContain(
      'when the station rises by 10 µg/m³, this sensor rises by 15.2 µg/m³ (slope 1.52)',
    );
    await expect
      .poll(() =>
        page.locator('souffle-compare').evaluate((el) => !!el.shadowRoot?.querySelector('canvas')?.width),
      )
      .toBe(true);
    expect(axeSummary(await axeViolations(page))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('speaks French, with the figures in a table', async () => {
    const { page } = await pasted('fr');
    await screenshot(page, 'compare-fr', 'souffle-compare');
    const text = await shadowText(page, 'souffle-compare');
    expect(text).toContain('Station de référence : Marseille Longchamp, station urbaine de fond, à 1,2 km.');
    expect(text).toContain('ce capteur indique 4 µg/m³ de plus que la station (12 contre 8)');
    expect(text).toContain('Écart quadratique moyen (RMSE)');
    expect(axeSummary(await axeViolations(page))).toEqual([]);
  });

  it('says what a calibration changes, with the corrected figures beside the raw ones', async () => {
    const { page, errors } = await pasted('fr', FLEET.offline.id);
    const text = await shadowText(page, 'souffle-compare');
    expect(text).toMatch(
      /Après correction \(calibration \d+, linear fit against FR24038 [^)]*\) : écart habituel [\d,]+ µg\/m³ au lieu de 22 µg\/m³, écart moyen 0 µg\/m³/,
    );
    expect(text).toContain('Heures (corrigé)');
    expect(axeSummary(await axeViolations(page))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('<souffle-chart compare> draws a calibrated sensor corrected, as measured and beside the reference, and says so', async () => {
    const station = FLEET.offline.id;
    school.setPage(
      `/chart-compare-${station}.html`,
      schoolPage(
        souffle.url,
        `<souffle-chart station="${station}" phenomenon="pm25" range="7d" compare lang="fr"></souffle-chart>`,
        'fr',
      ),
    );
    const { page, errors } = await newPage(browser);
    await page.goto(`${school.url}/chart-compare-${station}.html`);
    await page.waitForFunction(
      () => !!document.querySelector('souffle-chart')?.shadowRoot?.querySelector('canvas')?.width,
    );
    const text = await shadowText(page, 'souffle-chart');
    expect(text).toContain(
      'Valeurs du capteur corrigées par comparaison avec une station officielle voisine',
    );
    // The table: corrected (0.25 · 30 + 0.5 = 8), measured (30) and the reference, side by side.
    expect(text).toContain('Cette station, corrigée');
    expect(text).toContain('Mesurée');
    expect(text).toContain('AtmoSud');
    const row = await page
      .locator('souffle-chart')
      .evaluate((el) =>
        [...(el.shadowRoot?.querySelectorAll('tbody tr') ?? [])]
          .map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? ''))
          .find((cells) => cells[1] !== '–'),
      );
    expect(row?.[0]).toMatch(/^8/);
    expect(row?.[1]).toMatch(/^30/);
    await screenshot(page, 'chart-compare-corrected-fr', 'souffle-chart');
    expect(axeSummary(await axeViolations(page))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('sits on the station page of a citizen sensor in the dashboard', async () => {
    const { page, errors } = await newPage(browser);
    await page.goto(`${souffle.url}/#/station/${FLEET.school.id}`);
    await expect
      .poll(() => page.locator('souffle-compare').evaluate((el) => el.shadowRoot?.textContent ?? ''))
      .toContain('Marseille Longchamp');
    expect(await page.locator('souffle-compare').getAttribute('phenomenon')).toBe('pm25');
    expect(errors).toEqual([]);
  });

  it('is not in the entry script a school pastes: it loads only where used', () => {
    const entry = readFileSync(resolve(ROOT, 'dist/web/widgets/souffle.js'), 'utf8');
    expect(entry).toContain('souffle-compare'); // the lazy loader's tag
    expect(entry).not.toContain('Comparaison avec AtmoSud');
  });
});
