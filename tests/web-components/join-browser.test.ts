// A citizen's way from an enrolment code to a stored reading, in a real Chromium against a real
// Souffle: the /join page served from the built pages, the API, the embedded broker and the ingest
// worker over a SQLite file. Desktop and phone, French and English, checked by axe-core.
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { startApiServer } from '../../api/server.js';
import { loadConfig } from '../../cli/config.js';
import { startConfiguredIngest } from '../../cli/configured-ingest.js';
import { connectionSettings } from '../../cli/connection-settings.js';
import { createEnrolmentCode } from '../../data/store/enrolment-codes.js';
import { silentLogger } from '../../ingest/index.js';
import { freePort } from '../../testing/free-port.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { axeSummary, axeViolations } from './axe.js';
import { launchChromium, newPage, ROOT, screenshot } from './harness.js';

const PHONE = { width: 390, height: 844 };
let db: TempDb;
let browser: Browser;
let url: string;
let stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  db = await tempDb({ dialect: 'sqlite' });
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  url = `http://127.0.0.1:${httpPort}`;
  const config = loadConfig({
    SOUFFLE_DB: db.env.SOUFFLE_DB,
    SOUFFLE_ADMIN_TOKEN: 'join-browser-admin-token',
    SOUFFLE_PUBLIC_URL: url,
    SOUFFLE_MQTT_PORT: String(mqttPort),
    SOUFFLE_MQTT_HOST: '127.0.0.1',
    ATMOSUD_ENABLED: 'false',
  });
  const ingest = await startConfiguredIngest({ config, db: db.db, logger: silentLogger });
  stops.push(ingest.stop);
  const app = createApp({
    db: db.db,
    adminToken: 'join-browser-admin-token',
    ...connectionSettings(config),
    webDir: `${ROOT}/dist/web`,
  });
  const server = await startApiServer({ app, port: httpPort, host: '127.0.0.1' });
  stops.push(server.close);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const stop of stops.reverse()) await stop().catch(() => {});
  stops = [];
  await db?.cleanup();
});

/** A page that never reaches the tile server (no network in tests): the map works without tiles. */
async function openJoin(viewport?: { width: number; height: number }, path = '/join') {
  const opened = await newPage(browser, viewport, Date.now());
  await opened.page.route('https://tile.openstreetmap.org/**', (route) => route.abort());
  await opened.page.goto(url + path);
  await opened.page.locator('souffle-join form').waitFor();
  return opened;
}

async function expectNoAxeViolations(page: Page) {
  expect(axeSummary(await axeViolations(page))).toEqual([]);
}

describe('/join', () => {
  it('walks a citizen from a class code to a stored reading (French, desktop)', async () => {
    const { code } = await createEnrolmentCode(db.db, { uses: 30, expiresAt: null, label: '5e B' });
    const { page, errors } = await openJoin(undefined, `/join#code=${code}`);
    // The code came in the link's fragment.
    await expect.poll(() => page.locator('#join-code').inputValue()).toBe(code);
    await expect(page.locator('h1').textContent()).resolves.toBe('Inscrire mon capteur');
    await page.fill('#join-name', 'Fenêtre de Léa');
    await page.getByLabel('Autre capteur (MQTT)').check();
    await page.locator('#join-map').click({ position: { x: 300, y: 160 } });
    // Clicking the map filled the coordinates, and the privacy cell is said and drawn.
    await expect.poll(() => page.locator('#join-lat').inputValue()).toMatch(/^4\d\.\d{5}$/);
    await expect(page.getByText('carré d’environ 200 m').count()).resolves.toBe(1);
    await expect(page.locator('#join-map path.leaflet-interactive, #join-map path').count()).resolves.toBe(2);
    await page
      .getByLabel('J’accepte que les mesures de mon capteur soient publiées sous licence ODbL')
      .check();
    await expectNoAxeViolations(page);
    await screenshot(page, 'join-form-fr-desktop');

    await page.getByRole('button', { name: 'Inscrire le capteur' }).click();
    await page.locator('#join-done').waitFor();
    await expect(page.locator('#join-done').textContent()).resolves.toBe(
      'Votre capteur « Fenêtre de Léa » est inscrit',
    );
    const token = await page.locator('#join-token').inputValue();
    expect(token.length).toBeGreaterThan(20);
    const settings = await page.locator('.settings').first().textContent();
    expect(settings).toContain(`mqtt://127.0.0.1:`);
    expect(settings).toContain('souffle/v1/fenetre-de-lea/readings');
    // The QR code was served and decoded as an image.
    await expect
      .poll(() => page.locator('.join-qr img').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0);
    await expectNoAxeViolations(page);
    await screenshot(page, 'join-done-fr-desktop');
    expect(errors).toEqual([]);

    // The sensor publishes with what the page showed, and its reading is stored.
    const broker = (await page.locator('.settings dd').first().textContent())!.trim();
    const client = await mqtt.connectAsync(broker, {
      clientId: 'fenetre-de-lea',
      username: 'fenetre-de-lea',
      password: token,
      reconnectPeriod: 0,
    });
    await client.publishAsync(
      'souffle/v1/fenetre-de-lea/readings',
      JSON.stringify({ ts: new Date().toISOString(), values: { pm25: 11.5 } }),
      { qos: 1 },
    );
    await client.endAsync();
    await expect
      .poll(
        async () => {
          const res = await fetch(`${url}/api/v1/stations/fenetre-de-lea/latest`);
          const body = (await res.json()) as { values?: Array<{ phenomenon: string; value: number }> };
          return body.values?.find((v) => v.phenomenon === 'pm25')?.value;
        },
        { timeout: 15_000 },
      )
      .toBe(11.5);
  });

  it('says what is wrong beside each field and in a summary (English, phone)', async () => {
    const { page, errors } = await openJoin(PHONE, '/join?lang=en');
    await expect(page.locator('h1').textContent()).resolves.toBe('Register my sensor');
    await page.getByRole('button', { name: 'Register the sensor' }).click();
    const summary = page.locator('#join-errors');
    await summary.waitFor();
    await expect(summary.locator('li').allTextContents()).resolves.toEqual([
      'Enrolment code: This field is required.',
      'Sensor name: This field is required.',
      'Location: Place the sensor on the map or type its latitude and longitude.',
      'Licence: The licence must be accepted to publish the readings.',
    ]);
    await expect(page.locator('#join-code').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#join-code').getAttribute('aria-describedby')).resolves.toBe(
      'code-hint code-error',
    );
    await expectNoAxeViolations(page);
    await screenshot(page, 'join-errors-en-phone');

    // A well-formed code that does not exist: the server's refusal, in the page's language.
    await page.fill('#join-code', 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345');
    await page.fill('#join-name', 'Balcony');
    await page.fill('#join-lat', '43.2965');
    await page.fill('#join-lon', '5.3698');
    await page.getByLabel('I agree that my sensor’s readings are published under the ODbL licence').check();
    await page.getByRole('button', { name: 'Register the sensor' }).click();
    await expect
      .poll(() => page.locator('#code-error').textContent())
      .toBe('This code does not exist: check it with the person who gave it to you.');
    expect(errors).toEqual([]);
  });

  it('registers an AirGradient monitor and shows its broker URL (French, phone)', async () => {
    const { code } = await createEnrolmentCode(db.db, { uses: 1, expiresAt: null });
    const { page } = await openJoin(PHONE, `/join#code=${code}`);
    await page.fill('#join-name', 'Cour du collège');
    await page.getByLabel('AirGradient').check();
    await page.fill('#join-serial', 'EC:DA:3B:1E:AA:B1');
    await page.fill('#join-lat', '43,3046');
    await page.fill('#join-lon', '5,3806');
    await page.getByLabel('Publier l’emplacement exact').check();
    await expect(page.getByText('à l’endroit exact indiqué').count()).resolves.toBe(1);
    await page
      .getByLabel('J’accepte que les mesures de mon capteur soient publiées sous licence ODbL')
      .check();
    await page.getByRole('button', { name: 'Inscrire le capteur' }).click();
    await page.locator('#join-done').waitFor();
    const token = await page.locator('#join-token').inputValue();
    await expect(page.locator('.settings').textContent()).resolves.toContain(
      `mqtt://cour-du-college:${token}@127.0.0.1:`,
    );
    await expect(page.locator('.steps').textContent()).resolves.toContain('ecda3b1eaab1');
    await expectNoAxeViolations(page);
    await screenshot(page, 'join-done-airgradient-fr-phone');
    // The personal link opens "Mon capteur" signed in, and leaves the address bar without the token.
    await page.getByRole('link', { name: /Ouvrir « Mon capteur »/ }).click();
    await expect
      .poll(async () => (await page.locator('#my-title').textContent())?.trim())
      .toBe('Cour du collège');
    expect(page.url()).toBe(`${url}/my`);
  });
});
