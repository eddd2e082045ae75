// Live updates end to end: a sensor publishes over MQTT to a real Mosquitto, the ingest worker
// commits, the API's live stream announces it, and the card and index on a school page show the
// new value without a reload. (Without the stream, the widgets' periodic refresh stays: the
// widgets' browser test covers it.)
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { createDevice } from '../../data/store/devices.js';
import { IngestWorker } from '../../ingest/worker.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import {
  publishAs,
  startGeneratedMosquitto,
  workerLogin,
  type GeneratedMosquitto,
} from '../ingest/ingest-helpers.js';
import { axeSummary, axeViolations } from './axe.js';
import {
  launchChromium,
  newPage,
  ROOT,
  schoolPage,
  screenshot,
  shadowText,
  startSchoolSite,
  type SchoolSite,
} from './harness.js';

describe('live updates', () => {
  let db: TempDb;
  let broker: GeneratedMosquitto;
  let worker: IngestWorker;
  let server: ApiServer;
  let api: string;
  let browser: Browser;
  let school: SchoolSite;
  let token: string;

  const publish = (pm25: number, at = Date.now()) =>
    publishAs(
      broker.url,
      { username: 'ecole', password: token },
      'souffle/v1/ecole/readings',
      JSON.stringify({ ts: new Date(at).toISOString(), values: { pm25 } }),
    );

  beforeAll(async () => {
    db = await tempDb();
    token = (await createDevice(db.db, { id: 'ecole', name: 'École du Panier', lat: 43.3, lon: 5.37 })).token;
    broker = await startGeneratedMosquitto(db.db);
    worker = new IngestWorker({ db: db.db, mqttUrl: broker.url, ...workerLogin('souffle-ingest') });
    await worker.start();
    const app = createApp({
      db: db.db,
      adminToken: 'test-admin-token',
      publicUrl: 'http://127.0.0.1',
      mqttUrl: broker.url,
      webDir: resolve(ROOT, 'dist/web'),
      live: { pollMs: 250 },
    });
    server = await startApiServer({ app, port: 0, host: '127.0.0.1' });
    api = `http://127.0.0.1:${server.port}`;
    [browser, school] = await Promise.all([launchChromium(), startSchoolSite()]);
    await publish(11.2, Date.now() - 60_000);
  });

  afterAll(async () => {
    await browser?.close();
    await school?.close();
    await server?.close();
    await worker?.stop();
    await broker?.cleanup();
    await db?.cleanup();
  });

  it('shows a reading published over MQTT within seconds, without reloading the page', async () => {
    // A refresh period of an hour: only the live stream can bring the new value in time.
    school.setPage(
      '/live.html',
      schoolPage(api, '<souffle-card station="ecole" refresh="1h"></souffle-card>'),
    );
    const { page, context, errors, requests } = await newPage(browser, undefined, Date.now());
    await page.goto(`${school.url}/live.html`);
    await expect.poll(() => shadowText(page, 'souffle-card'), { timeout: 15_000 }).toContain('11,2');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await expect.poll(() => requests.some((u) => u.includes('/api/v1/stream?stations=ecole'))).toBe(true);
    await publish(37.4);
    await expect.poll(() => shadowText(page, 'souffle-card'), { timeout: 15_000 }).toContain('37,4');
    // The same document: no navigation happened.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    expect(axeSummary(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'live-card-updated');
    expect(errors).toEqual([]);

    await context.close();
  });
});
