// "Mon capteur" (/my) in a real Chromium against a real Souffle over a SQLite file: the owner opens
// their personal link, reads the status and the error log, renames the sensor, rotates its token and
// deletes it; a wrong login is refused. Desktop and phone, French and English, checked by axe-core.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { startApiServer } from '../../api/server.js';
import { createDevice } from '../../data/store/devices.js';
import { recordIngestErrors } from '../../data/store/ingest-errors.js';
import { insertReadings } from '../../data/store/readings.js';
import { ensureSeries } from '../../data/store/series.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { axeSummary, axeViolations } from './axe.js';
import { launchChromium, newPage, ROOT, screenshot } from './harness.js';

const PHONE = { width: 390, height: 844 };
let db: TempDb;
let browser: Browser;
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  db = await tempDb({ dialect: 'sqlite' });
  const app = createApp({
    db: db.db,
    adminToken: 'my-browser-admin-token',
    publicUrl: 'http://127.0.0.1',
    mqttUrl: 'mqtt://127.0.0.1:1883',
    webDir: `${ROOT}/dist/web`,
  });
  const server = await startApiServer({ app, port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${server.port}`;
  close = server.close;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await close?.();
  await db?.cleanup();
});

/** A sensor heard ten minutes ago, with one refused message in its log. */
async function sensor(id: string) {
  const now = Date.now();
  const created = await createDevice(
    db.db,
    { id, name: 'Balcon Chave', lat: 43.297, lon: 5.392 },
    now - 86_400_000,
  );
  const seriesId = await ensureSeries(db.db, {
    stationId: id,
    phenomenon: 'pm25',
    sensor: 'SDS011',
    unit: 'µg/m³',
  });
  await insertReadings(db.db, [{ seriesId, time: now - 600_000, value: 9.5 }]);
  await db.db
    .updateTable('devices')
    .set({ last_seen: now - 600_000 })
    .where('id', '=', id)
    .execute();
  await recordIngestErrors(db.db, [
    {
      deviceId: id,
      source: 'mqtt',
      time: now - 300_000,
      topic: `souffle/v1/${id}/readings`,
      reason: 'pm25: 5000 µg/m³ is outside the physical range 0–2000 µg/m³',
      payload: '{"values":{"pm25":5000}}',
    },
  ]);
  return created.token;
}

/** The station's public place, as the public API gives it. */
async function stationPlace(id: string): Promise<{ lat: number; lon: number }> {
  const s = (await (await fetch(`${url}/api/v1/stations/${id}`)).json()) as { lat: number; lon: number };
  return { lat: s.lat, lon: s.lon };
}

async function open(path: string, viewport?: { width: number; height: number }) {
  const opened = await newPage(browser, viewport, Date.now());
  await opened.page.goto(url + path);
  return opened;
}

async function expectNoAxeViolations(page: Page) {
  expect(axeSummary(await axeViolations(page))).toEqual([]);
}

describe('/my', () => {
  it('shows the owner their sensor from the personal link, and lets them rename, re-key and delete it (French, desktop)', async () => {
    const token = await sensor('balcon-chave');
    const { page, errors } = await open(`/my#device=balcon-chave&token=${encodeURIComponent(token)}`);
    await page.locator('#my-title').waitFor();
    // The token left the address bar at once.
    expect(page.url()).toBe(`${url}/my`);
    await expect(page.locator('#my-title').textContent()).resolves.toBe('Balcon Chave');
    await expect(page.locator('.my-status').textContent()).resolves.toBe(
      'En ligne : le capteur envoie ses mesures.',
    );
    await expect(page.locator('.error-log tbody tr').count()).resolves.toBe(1);
    await expect(page.locator('.error-log tbody').textContent()).resolves.toContain(
      'outside the physical range',
    );
    // The latest value, in the <souffle-card> widget.
    await expect
      .poll(() => page.locator('souffle-card').evaluate((el) => el.shadowRoot?.textContent ?? ''))
      .toContain('9,5');
    await expectNoAxeViolations(page);
    await screenshot(page, 'my-fr-desktop');

    await page.fill('#my-name', 'Balcon côté mer');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => page.locator('#my-title').textContent()).toBe('Balcon côté mer');

    // Moved across town and announced to Home Assistant, from the same form.
    const before = await stationPlace('balcon-chave');
    await page.getByLabel('Latitude').fill('43.2612');
    await page.getByLabel('Longitude').fill('5.4073');
    await page.getByLabel('Annoncer le capteur à Home Assistant', { exact: false }).check();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect
      .poll(() => page.locator('[role="status"]').first().textContent())
      .toBe('Réglages enregistrés.');
    const after = await stationPlace('balcon-chave');
    expect(after).not.toEqual(before);
    expect(Math.abs(after.lat - 43.2612)).toBeLessThan(0.01);
    await expect(page.getByLabel('Latitude').inputValue()).resolves.toBe('');
    await expectNoAxeViolations(page);

    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    const fresh = await page.locator('#my-new-token').inputValue();
    expect(fresh).not.toBe(token);
    const statusWith = (t: string) =>
      fetch(`${url}/api/v1/devices/balcon-chave/status`, { headers: { Authorization: `Bearer ${t}` } }).then(
        (r) => r.status,
      );
    expect(await statusWith(token)).toBe(401);
    expect(await statusWith(fresh)).toBe(200);

    await page.fill('#my-confirm', 'balcon');
    await page.getByRole('button', { name: 'Supprimer définitivement' }).click();
    await expect
      .poll(() => page.locator('[role="status"]').first().textContent())
      .toBe('Saisissez exactement l’identifiant balcon-chave.');
    await page.fill('#my-confirm', 'balcon-chave');
    await page.getByRole('button', { name: 'Supprimer définitivement' }).click();
    await expect
      .poll(() => page.locator('[role="status"]').first().textContent())
      .toBe('Le capteur balcon-chave et ses données ont été supprimés.');
    expect((await fetch(`${url}/api/v1/stations/balcon-chave`)).status).toBe(404);
    expect(errors).toEqual([]);
  });

  it('refuses a wrong password and says so (English, phone)', async () => {
    await sensor('fenetre');
    const { page } = await open('/my?lang=en', PHONE);
    await page.fill('#my-id', 'fenetre');
    await page.fill('#my-token', 'not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(async () => (await page.locator('#my-problem').textContent())?.trim())
      .toBe('Wrong id or password.');
    await expectNoAxeViolations(page);
    await screenshot(page, 'my-signin-en-phone');
  });

  it('shows the sensor on a phone in English', async () => {
    const token = await sensor('cour');
    const { page } = await open(`/my?lang=en#device=cour&token=${encodeURIComponent(token)}`, PHONE);
    await page.locator('#my-title').waitFor();
    await expect(page.locator('h2').first().textContent()).resolves.toBe('Status');
    // Half a place is refused with the API's reason.
    await page.getByLabel('Latitude').fill('43.3');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.locator('[role="status"]').first().textContent())
      .toContain('give both to move the sensor');
    await expect(page.getByRole('group', { name: 'Move the sensor' }).count()).resolves.toBe(1);
    await expectNoAxeViolations(page);
    await screenshot(page, 'my-en-phone');
  });
});
