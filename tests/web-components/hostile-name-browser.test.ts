// A station name is data, never markup (docs/security.md, Names): names stored as AtmoSud or a
// legacy registration would store them, with markup in them, shown on `/`, `/embed` and a school's
// page embedding <souffle-map>, hovered and opened in a real Chromium. No script may run, and the
// name must read as the literal text it is.
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { startApiServer } from '../../api/server.js';
import { upsertStation } from '../../data/store/stations.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import {
  NOW,
  ROOT,
  launchChromium,
  newPage,
  schoolPage,
  startSchoolSite,
  type SchoolSite,
} from './harness.js';

const OFFICIAL = { id: 'FR99001', name: '<img src=x onerror="window.__xss=\'tooltip\';alert(1)">' };
const CITIZEN = { id: 'balcon-hostile', name: '<svg onload="window.__xss=\'svg\'"></svg>Balcon' };

let handle: TempDb;
let server: Awaited<ReturnType<typeof startApiServer>>;
let souffleUrl: string;
let school: SchoolSite;
let browser: Browser;

beforeAll(async () => {
  handle = await tempDb();
  // Straight into the database, past the admin API's validation: as the AtmoSud puller or an
  // older version would have stored them.
  await upsertStation(handle.db, {
    id: OFFICIAL.id,
    source: 'atmosud',
    name: OFFICIAL.name,
    lat: 43.3061,
    lon: 5.3955,
    pollutants: ['no2'],
    attribution: 'AtmoSud',
    licence: 'ODbL',
  });
  await upsertStation(handle.db, {
    id: CITIZEN.id,
    source: 'citizen',
    name: CITIZEN.name,
    lat: 43.3,
    lon: 5.38,
  });
  const app = createApp({
    db: handle.db,
    adminToken: 'test-admin-token',
    publicUrl: 'http://127.0.0.1',
    mqttUrl: 'mqtt://127.0.0.1:1',
    webDir: resolve(ROOT, 'dist/web'),
    now: () => NOW,
  });
  server = await startApiServer({ app, port: 0, host: '127.0.0.1' });
  souffleUrl = `http://127.0.0.1:${server.port}`;
  [school, browser] = await Promise.all([startSchoolSite(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await school?.close();
  await server?.close();
  await handle?.cleanup();
});

/** A page that records every dialog (alert) instead of blocking on it. */
async function hostilePage() {
  const opened = await newPage(browser, { width: 1280, height: 900 });
  const dialogs: string[] = [];
  opened.page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { ...opened, dialogs };
}

/** Hovers each station's marker of the first <souffle-map>, then clicks one (opening its popup
 * where the map has popups); returns the tooltips' text. */
async function hoverAndOpen(page: Page, options: { popup: boolean } = { popup: true }): Promise<string[]> {
  const map = page.locator('souffle-map').first();
  await expect
    .poll(() => map.evaluate((el) => el.shadowRoot!.querySelectorAll('path[data-station]').length))
    .toBe(2);
  const tooltips: string[] = [];
  for (const { id, name } of [OFFICIAL, CITIZEN]) {
    await map.locator(`path[data-station="${id}"]`).hover({ force: true });
    const tooltip = map.locator('.leaflet-tooltip');
    await expect.poll(() => tooltip.count()).toBeGreaterThan(0);
    await expect.poll(() => tooltip.first().textContent()).toContain(name);
    tooltips.push((await tooltip.first().textContent()) ?? '');
    // No element came out of the name: the tooltip holds text only.
    expect(await tooltip.first().evaluate((el) => el.querySelectorAll('img, svg').length)).toBe(0);
  }
  await map.locator(`path[data-station="${OFFICIAL.id}"]`).click({ force: true });
  if (options.popup) {
    const card = map.locator('souffle-card');
    await card.locator('[part~="name"]').waitFor();
    expect(await card.locator('[part~="name"]').textContent()).toContain(OFFICIAL.name);
  }
  // An <img src=x> fails to load asynchronously: leave onerror the time to fire, were it there.
  await page.waitForTimeout(500);
  return tooltips;
}

const xss = (page: Page) => page.evaluate(() => (window as unknown as { __xss?: string }).__xss);

describe('a station name with markup in it', () => {
  it('is text on a school page embedding <souffle-map>: hovered and opened, no script runs', async () => {
    school.setPage('/map.html', schoolPage(souffleUrl, '<souffle-map tiles="none"></souffle-map>'));
    const { page, context, dialogs } = await hostilePage();
    await page.goto(school.url + '/map.html');
    const tooltips = await hoverAndOpen(page);
    expect(tooltips[0]).toContain(OFFICIAL.name);
    expect(await xss(page)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('is text on the dashboard at /, in its list and on its map', async () => {
    const { page, context, dialogs } = await hostilePage();
    await page.goto(souffleUrl + '/');
    await page.locator('.station-list li').first().waitFor();
    const names = await page.locator('.station-list__name').allTextContents();
    expect(names.map((n) => n.trim())).toEqual(expect.arrayContaining([OFFICIAL.name, CITIZEN.name]));
    // The dashboard shows a chosen station's card under its map, not in a popup (issue 20).
    await hoverAndOpen(page, { popup: false });
    const card = page.locator('.map-selection souffle-card [part~="name"]');
    await card.waitFor();
    expect(await card.textContent()).toContain(OFFICIAL.name);
    expect(await xss(page)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('is text in the embed builder at /embed', async () => {
    const { page, context, dialogs } = await hostilePage();
    await page.goto(`${souffleUrl}/embed#station=${CITIZEN.id}`);
    const preview = page.locator('#preview souffle-card [part~="name"]');
    await preview.waitFor();
    expect(await preview.textContent()).toContain(CITIZEN.name);
    // The builder's map picks a station on click (no popup): the preview then shows that one.
    await hoverAndOpen(page, { popup: false });
    await expect.poll(() => preview.textContent()).toContain(OFFICIAL.name);
    expect(await xss(page)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
