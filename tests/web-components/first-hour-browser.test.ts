// The first hour of a teacher, a citizen and an operator (issue 20): what a newcomer met in real
// Chromium and found wrong, each checked here in the browser where it was seen.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSummary, axeViolations } from './axe.js';
import { bumpCounters } from '../../data/store/counters.js';
import { insertReadings, type NewReading } from '../../data/store/readings.js';
import { ensureSeries } from '../../data/store/series.js';
import { upsertStation } from '../../data/store/stations.js';
import type { TempDb } from '../helpers/temp-db.js';
import {
  FLEET,
  NOW,
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

const H = 3_600_000;
const LAST_HOUR = Math.floor(NOW / H) * H;
/** A workshop's sensor: PM2.5 at 10 for a day, then a burst to 30 in its last reading (21:25 UTC),
 * which the hourly means (at most 13.3) leave out; and a dimensionless NOx index. */
const WORKSHOP = { id: 'atelier-velo', name: 'Atelier vélo' };
const CROWD = 26;

async function seedWorkshop(db: TempDb['db']): Promise<void> {
  await upsertStation(db, {
    id: WORKSHOP.id,
    source: 'citizen',
    name: WORKSHOP.name,
    lat: 43.301,
    lon: 5.39,
  });
  const pm = await ensureSeries(db, {
    stationId: WORKSHOP.id,
    phenomenon: 'pm25',
    sensor: 'SPS30',
    unit: 'µg/m³',
  });
  const nox = await ensureSeries(db, {
    stationId: WORKSHOP.id,
    phenomenon: 'nox_index',
    sensor: 'SGP41',
    unit: 'index',
  });
  const rows: NewReading[] = [];
  for (let t = LAST_HOUR - 24 * H; t < LAST_HOUR; t += 300_000)
    rows.push({ seriesId: pm, time: t, value: 10 });
  for (let m = 0; m < 6; m++)
    rows.push({ seriesId: pm, time: LAST_HOUR + m * 300_000, value: m === 5 ? 30 : 10 });
  rows.push({ seriesId: nox, time: LAST_HOUR + 25 * 60_000, value: 1 });
  await insertReadings(db, rows);
  // A city-sized list: 26 more citizen stations without readings, whose "Indisponible · … · reason"
  // badges are the widest there are.
  for (let i = 1; i <= CROWD; i++)
    await upsertStation(db, {
      id: `college-${i}`,
      source: 'citizen',
      name: `Collège Marseilleveyre ${i}`,
      lat: 43.27 + (i % 6) * 0.012,
      lon: 5.35 + Math.floor(i / 6) * 0.015,
    });
  // AtmoSud unreachable at 21:20 UTC; its last successful pull was at 16:30 UTC.
  await bumpCounters(db, [{ name: 'souffle_atmosud_cycles_total', labels: 'status="offline"', value: 1 }], {
    now: NOW - 10 * 60_000,
  });
  await bumpCounters(db, [{ name: 'souffle_atmosud_last_success_seconds', value: (NOW - 5 * H) / 1000 }], {
    mode: 'set',
  });
}

beforeAll(async () => {
  [souffle, school, browser] = await Promise.all([
    startSouffle({ more: seedWorkshop }),
    startSchoolSite(),
    launchChromium(),
  ]);
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

describe('a card’s values and sparkline', () => {
  for (const [lang, caption, nox] of [
    ['fr', 'PM2.5 sur 24 h : de 10,0 à 30,0 µg/m³', 'Indice NOx 1'],
    ['en', 'PM2.5 over 24 h: 10.0 to 30.0 µg/m³', 'NOx index 1'],
  ] as const) {
    it(`gives a range that includes the value shown above it, and no "index" unit (${lang})`, async () => {
      school.setPage(
        `/card-${lang}.html`,
        schoolPage(
          souffle.url,
          `<souffle-card id="card" station="${WORKSHOP.id}" sparkline="pm25"></souffle-card>`,
          lang,
        ),
      );
      const { page, context } = await newPage(browser);
      await page.goto(`${school.url}/card-${lang}.html`);
      await page.locator('#card').locator('[part~="sparkline"]').waitFor();
      const text = await shadowText(page, '#card');
      expect(text).toContain(lang === 'fr' ? 'PM2.5 30,0 µg/m³' : 'PM2.5 30.0 µg/m³');
      expect(text).toContain(caption);
      expect(text).toContain(nox);
      expect(text.toLowerCase()).not.toContain('1 index');
      expect(axeSummary(await axeViolations(page))).toEqual([]);
      await screenshot(page, `first-hour-card-${lang}`, '#card');
      await context.close();
    });
  }
});

describe('the dashboard with AtmoSud unreachable', () => {
  for (const [lang, viewport, words] of [
    [
      'fr',
      { width: 1280, height: 800 },
      'Données officielles AtmoSud : AtmoSud ne répond pas (dernier essai le 10 mars 2026, 22:20). Dernière récupération réussie : le 10 mars 2026, 17:30.',
    ],
    [
      'en',
      { width: 390, height: 844 },
      'AtmoSud official data: AtmoSud is not responding (last try 10 Mar 2026, 22:20). Last successful pull: 10 Mar 2026, 17:30.',
    ],
  ] as const) {
    it(`says so, with the time of the last successful pull (${lang}, ${viewport.width} px)`, async () => {
      const { page, context, errors } = await newPage(browser, viewport);
      await page.goto(`${souffle.url}/?lang=${lang}`);
      const notice = page.locator('.atmosud-notice');
      await notice.waitFor();
      expect((await notice.textContent())!.replace(/\s+/g, ' ').trim().replace(' à ', ', ')).toBe(words);
      await page.locator('.station-list li').first().waitFor();
      expect(axeSummary(await axeViolations(page))).toEqual([]);
      await screenshot(page, `first-hour-atmosud-offline-${lang}`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});

describe('the dashboard’s list of 31 stations', () => {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    it(`ends at the footer, and gives each name room beside or above its badge (${viewport.width} px)`, async () => {
      const { page, context } = await newPage(browser, viewport);
      await page.goto(`${souffle.url}/`);
      await expect.poll(() => page.locator('.station-list souffle-index [part~="badge"]').count()).toBe(31);
      const layout = await page.evaluate(() => {
        const footer = document.querySelector('footer')!.getBoundingClientRect().bottom + window.scrollY;
        const names = [...document.querySelectorAll<HTMLElement>('.station-list li')].map((li) => {
          const name = li.querySelector<HTMLElement>('.station-list__name')!;
          const badge = li.querySelector('souffle-index')!.getBoundingClientRect();
          const box = name.getBoundingClientRect();
          const overlaps =
            box.left < badge.right &&
            badge.left < box.right &&
            box.top < badge.bottom &&
            badge.top < box.bottom;
          return {
            name: name.textContent,
            lines: Math.round(box.height / parseFloat(getComputedStyle(name).lineHeight)),
            overlaps,
          };
        });
        return { blank: document.documentElement.scrollHeight - footer, names };
      });
      // Nothing below the footer (it was 1 400–1 900 px of blank).
      expect(layout.blank).toBeLessThanOrEqual(1);
      expect(layout.names.filter((n) => n.lines > 2 || n.overlaps)).toEqual([]);
      await screenshot(page, `first-hour-list-${viewport.width}`);
      await context.close();
    });
  }
});

describe('a marker chosen on the dashboard’s map', () => {
  it('selects the station in the list, scrolls the list to it, and shows its card under the map', async () => {
    const { page, context, errors } = await newPage(browser, { width: 1280, height: 800 });
    await page.goto(`${souffle.url}/`);
    const marker = page.locator('souffle-map').locator('path[data-station="college-26"]');
    await marker.waitFor();
    await marker.click();
    await expect
      .poll(() => page.locator('.station-list li.is-selected .station-list__name').textContent())
      .toBe('Collège Marseilleveyre 26');
    // The selected item is within the list's visible part (it was the 31st, far below).
    const visible = await page.evaluate(() => {
      const list = document.querySelector('.station-list')!.getBoundingClientRect();
      const item = document.querySelector('.station-list li.is-selected')!.getBoundingClientRect();
      return item.top >= list.top - 1 && item.bottom <= list.bottom + 1;
    });
    expect(visible).toBe(true);
    await page.locator('.map-selection souffle-card [part~="name"]').waitFor();
    expect(await shadowText(page, '.map-selection souffle-card')).toContain('Collège Marseilleveyre 26');
    expect(axeSummary(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'first-hour-map-select');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('the map’s stations from the keyboard', () => {
  it('are one tab stop, arrow keys move between them, and Enter selects as a click does', async () => {
    const { page, context } = await newPage(browser, { width: 1280, height: 800 });
    await page.goto(`${souffle.url}/`);
    const map = page.locator('souffle-map');
    await map.locator('path[data-station]').first().waitFor();
    const stops = await map.evaluate(
      (el) =>
        [...el.shadowRoot!.querySelectorAll('ul button')].filter((b) => (b as HTMLElement).tabIndex === 0)
          .length,
    );
    expect(stops).toBe(1);
    await map.locator('ul button').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    const focused = await map.evaluate((el) => el.shadowRoot!.activeElement?.textContent?.trim() ?? '');
    await page.keyboard.press('Enter');
    const name = focused.split(' · ')[0]!;
    await expect
      .poll(() => page.locator('.station-list li.is-selected .station-list__name').textContent())
      .toBe(name);
    await page.locator('.map-selection souffle-card [part~="name"]').waitFor();
    expect(await shadowText(page, '.map-selection souffle-card')).toContain(name);
    await context.close();
  });
});
