// "Mes alertes" on /my in a real Chromium against a real Souffle over a SQLite file: the owner
// adds an alert by e-mail (it waits for the address's confirmation), sees an alert's history of
// notices, is told what is wrong with a refused webhook, and deletes an alert. French on desktop,
// English on a phone, each checked by axe-core.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { startApiServer } from '../../api/server.js';
import {
  createAlertRule,
  changeEpisode,
  findAlertRule,
  markDelivered,
  pendingDeliveries,
} from '../../data/store/alert-rules.js';
import { createDevice } from '../../data/store/devices.js';
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
    adminToken: 'my-alerts-admin-token',
    publicUrl: 'http://127.0.0.1',
    mqttUrl: 'mqtt://127.0.0.1:1883',
    webDir: `${ROOT}/dist/web`,
    alerts: { emailEnabled: true },
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

/** A sensor with one webhook alert whose episode started and was notified. */
async function sensorWithAlert(id: string) {
  const now = Date.now();
  const { token } = await createDevice(
    db.db,
    { id, name: 'Balcon Chave', lat: 43.297, lon: 5.392 },
    now - 86_400_000,
  );
  const { rule } = await createAlertRule(
    db.db,
    {
      kind: 'offline',
      deviceId: id,
      stationId: id,
      windowMs: 7_200_000,
      channel: 'webhook',
      target: 'https://hooks.example.org/souffle',
      locale: 'fr',
    },
    now - 7_300_000,
  );
  await changeEpisode(db.db, (await findAlertRule(db.db, rule.id))!, {
    active: true,
    value: 7300,
    at: now - 60_000,
    notices: [{ channel: 'webhook', body: {} }],
  });
  for (const d of await pendingDeliveries(db.db))
    if (d.rule_id === rule.id) await markDelivered(db.db, d, now - 59_000);
  return token;
}

async function open(path: string, viewport?: { width: number; height: number }) {
  const opened = await newPage(browser, viewport, Date.now());
  await opened.page.goto(url + path);
  return opened;
}

async function expectNoAxeViolations(page: Page) {
  expect(axeSummary(await axeViolations(page))).toEqual([]);
}

describe('/my, Mes alertes', () => {
  it('lists an alert with its history and adds one by e-mail, awaiting confirmation (French, desktop)', async () => {
    const token = await sensorWithAlert('balcon-alertes');
    const { page, errors } = await open(`/my#device=balcon-alertes&token=${encodeURIComponent(token)}`);
    await page.locator('#my-alerts-title').waitFor();
    const rules = page.locator('.alert-rule');
    await expect.poll(() => rules.count()).toBe(1);
    await expect(rules.first().textContent()).resolves.toContain('épisode en cours');
    await rules.first().locator('summary').click();
    await expect(rules.first().locator('tbody tr').count()).resolves.toBe(1);
    await expect(rules.first().locator('tbody').textContent()).resolves.toContain('début');
    await expectNoAxeViolations(page);

    await page.fill('#alert-minutes', '30');
    await page.fill('#alert-target', 'moi@example.org');
    await page.getByRole('button', { name: 'Ajouter l’alerte' }).click();
    await expect
      .poll(() => page.locator('#alert-notice').textContent())
      .toBe('Alerte ajoutée : confirmez l’adresse avec le lien reçu par e-mail.');
    await expect.poll(() => rules.count()).toBe(2);
    await expect(rules.nth(1).textContent()).resolves.toContain('en attente de confirmation');
    await expect(rules.nth(1).textContent()).resolves.toContain('(30 min)');
    await expectNoAxeViolations(page);
    await screenshot(page, 'my-alerts-fr-desktop');
    expect(errors).toEqual([]);
  });

  it('says why a webhook is refused and deletes an alert (English, phone)', async () => {
    const token = await sensorWithAlert('fenetre-alertes');
    const { page } = await open(
      `/my?lang=en#device=fenetre-alertes&token=${encodeURIComponent(token)}`,
      PHONE,
    );
    await page.locator('#my-alerts-title').waitFor();
    await expect(page.locator('#my-alerts-title').textContent()).resolves.toBe('My alerts');
    await page.selectOption('#alert-kind', 'stuck');
    await page.getByLabel('webhook').check();
    await page.fill('#alert-target', 'http://127.0.0.1:8080/hook');
    await page.getByRole('button', { name: 'Add the alert' }).click();
    await expect.poll(() => page.locator('#alert-problem').textContent()).toContain('loopback, private');
    await expectNoAxeViolations(page);
    await screenshot(page, 'my-alerts-en-phone');

    await page.getByRole('button', { name: /^Delete : the sensor goes silent/ }).click();
    await expect.poll(() => page.locator('#alert-notice').textContent()).toBe('Alert deleted.');
    await expect.poll(() => page.locator('.alert-rule').count()).toBe(0);
    await expect(page.locator('#my-alerts-title + p + p').textContent()).resolves.toBe('No alert yet.');
  });
});
