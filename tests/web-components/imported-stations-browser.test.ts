// Kits imported from Sensor.Community and openSenseMap on the dashboard (issue 15, "the map fills
// with imported stations marked by source"): the kind filter offers each network that has
// stations, each station carries its network's name, the map draws them apart (dashed ring) with
// a legend key per network, and the page stays axe-clean.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureSeries } from '../../data/store/series.js';
import { insertReadings } from '../../data/store/readings.js';
import { upsertStation } from '../../data/store/stations.js';
import { axeSummary, axeViolations } from './axe.js';
import { launchChromium, newPage, NOW, screenshot, startSouffle, type Souffle } from './harness.js';

let souffle: Souffle;
let browser: Browser;

beforeAll(async () => {
  [souffle, browser] = await Promise.all([
    startSouffle({
      // As the importers store them (ingest/networks/imported-store.ts).
      more: async (db) => {
        const imported = [
          {
            id: 'sc-5001',
            source: 'sensor.community' as const,
            name: 'Sensor.Community 5001',
            lat: 43.296,
            lon: 5.37,
          },
          {
            id: 'osem-box-aix',
            source: 'opensensemap' as const,
            name: 'École Mignet',
            lat: 43.5297,
            lon: 5.4474,
          },
        ];
        for (const s of imported) {
          await upsertStation(db, {
            ...s,
            exactLocation: true,
            attribution:
              s.source === 'opensensemap' ? 'openSenseMap contributors' : 'Sensor.Community contributors',
            licence: 'ODbL-1.0',
          });
          const seriesId = await ensureSeries(db, {
            stationId: s.id,
            phenomenon: 'pm25',
            sensor: 'SDS011',
            unit: 'µg/m³',
          });
          await insertReadings(db, [{ seriesId, time: NOW - 10 * 60_000, value: 9 }]);
        }
      },
    }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await souffle?.close();
});

/** Attributes of a marker the dashboard's map drew, and its legend's text. */
const marker = (page: Page, id: string, attribute: string) =>
  page
    .locator('souffle-map')
    .first()
    .evaluate(
      (el, [id, attribute]) =>
        el.shadowRoot?.querySelector(`path[data-station="${id}"]`)?.getAttribute(attribute!) ?? null,
      [id, attribute],
    );
const legendText = (page: Page) =>
  page
    .locator('souffle-map')
    .first()
    .evaluate((el) => el.shadowRoot?.querySelector('[part="legend"]')?.textContent ?? '');

it('filters the list by network, tags each imported station and keys it in the map legend, axe-clean', async () => {
  const { page, context, errors } = await newPage(browser);
  await page.goto(`${souffle.url}/`);
  const filters = page.locator('fieldset.segmented label');
  await expect
    .poll(() => filters.allInnerTexts())
    .toEqual(['Toutes (6)', 'Officielles (1)', 'Citoyennes (3)', 'Sensor.Community (1)', 'openSenseMap (1)']);
  // The map draws the imported kits with a dashed ring, and its legend names both networks.
  await expect.poll(() => legendText(page)).toContain('openSenseMap');
  expect(await legendText(page)).toContain('Sensor.Community');
  expect(await marker(page, 'sc-5001', 'class')).toContain('sensor-community');
  expect(await marker(page, 'osem-box-aix', 'stroke-dasharray')).toBe('3 2');
  expect(await marker(page, 'ecole-saint-charles', 'stroke-dasharray')).toBeNull();
  expect(axeSummary(await axeViolations(page))).toEqual([]);
  await screenshot(page, 'dashboard-imported-stations');

  // One network picked: the list and the map keep its kits, tagged with its name.
  await page.getByLabel(/Sensor\.Community \(1\)/).check();
  const list = page.locator('.station-list li');
  await expect.poll(() => list.allInnerTexts()).toEqual([expect.stringContaining('Sensor.Community 5001')]);
  expect(await list.first().locator('.tag').innerText()).toMatch(/sensor\.community/i);
  await expect.poll(() => legendText(page)).not.toContain('openSenseMap');
  expect(axeSummary(await axeViolations(page))).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});
