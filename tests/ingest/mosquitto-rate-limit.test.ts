// One device flooding the generated Mosquitto while the ingest worker is away (issue 12, item 6):
// without a rate limit, the flood fills the worker's queue and Mosquitto drops other devices'
// acknowledged readings; with the souffle_rate_limit plugin (ingest/mosquitto-plugin/), the flood
// is cut to the device's budget at the broker and every reading of the other device is stored.
// Real Mosquitto, the plugin compiled here by the code `souffle mosquitto-plugin build` runs.
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
import { nativeTopic } from '../../data/topics.js';
import type { PluginRateLimit } from '../../ingest/mosquitto-files.js';
import { buildMosquittoPlugin } from '../../ingest/mosquitto-plugin.js';
import { IngestWorker } from '../../ingest/worker.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import {
  connectAs,
  startGeneratedMosquitto,
  storedValues,
  waitFor,
  workerLogin,
  type GeneratedMosquitto,
} from './ingest-helpers.js';

/** Three times the generated queue's floor (1 000): without a limit the queue overflows. */
const FLOOD = 3000;
/** 500 messages a second: 10 every 20 ms. */
const FLOOD_STEP = 10;
const FLOOD_PAUSE_MS = 20;
const CALM_READINGS = 15;
const LIMIT = { perMinute: 60, burst: 20, logIntervalS: 60 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * Reading i is i minutes before `base`, a minute fixed once per flood: computed at each publish, a
 * minute turning during the flood gave two readings one time and the store rightly kept one.
 */
const minuteBase = () => Math.floor(Date.now() / 60_000) * 60 - 86_400;
const reading = (base: number, i: number, value: number) =>
  JSON.stringify({ ts: base - i * 60, values: { pm25: value } });

type Fleet = { db: TempDb; broker: GeneratedMosquitto; tokens: Record<string, string> };

async function fleet(rateLimit?: PluginRateLimit): Promise<Fleet> {
  const db = await tempDb();
  const tokens: Record<string, string> = {};
  for (const id of ['torrent', 'calme']) {
    tokens[id] = (await createDevice(db.db, { id, name: id, lat: 43.3, lon: 5.4 })).token;
  }
  const broker = await startGeneratedMosquitto(db.db, rateLimit ? { rateLimit } : {});
  return { db, broker, tokens };
}

const newWorker = ({ db, broker }: Fleet) =>
  new IngestWorker({ db: db.db, mqttUrl: broker.url, ...workerLogin('souffle-ingest') });

/**
 * The worker subscribes (its session persists) and stops; `torrent` publishes FLOOD messages at
 * 500 a second while `calme` publishes CALM_READINGS spread over the flood, every one of both
 * acknowledged by Mosquitto; then the worker comes back and takes its queue.
 */
async function floodWhileWorkerAway(f: Fleet) {
  const first = newWorker(f);
  await first.start();
  await first.stop();

  const torrent = await connectAs(f.broker.url, { username: 'torrent', password: f.tokens.torrent! });
  const calme = await connectAs(f.broker.url, { username: 'calme', password: f.tokens.calme! });
  const started = Date.now();
  const base = minuteBase();
  const acks: Promise<unknown>[] = [];
  const calmEvery = Math.floor(FLOOD / FLOOD_STEP / CALM_READINGS);
  let calmSent = 0;
  for (let i = 0, step = 0; i < FLOOD; step++) {
    for (let k = 0; k < FLOOD_STEP; k++, i++) {
      acks.push(torrent.publishAsync(nativeTopic('torrent'), reading(base, i, 900), { qos: 1 }));
    }
    if (step % calmEvery === calmEvery - 1 && calmSent < CALM_READINGS) {
      await calme.publishAsync(nativeTopic('calme'), reading(base, calmSent++, 5), { qos: 1 });
    }
    await sleep(FLOOD_PAUSE_MS);
  }
  while (calmSent < CALM_READINGS) {
    await calme.publishAsync(nativeTopic('calme'), reading(base, calmSent++, 5), { qos: 1 });
  }
  // Every message is acknowledged, dropped ones too (MQTT 3.1.1 refuses only by disconnecting).
  await Promise.all(acks);
  const floodMs = Date.now() - started;
  await torrent.endAsync();
  await calme.endAsync();

  const second = newWorker(f);
  await second.start();
  try {
    // The queue is taken in order: once a marker published now is stored, all before it is.
    const marker = await connectAs(f.broker.url, { username: 'calme', password: f.tokens.calme! });
    await marker.publishAsync(nativeTopic('calme'), JSON.stringify({ values: { pm10: 1 } }), { qos: 1 });
    await marker.endAsync();
    await waitFor(async () => (await storedValues(f.db.db, 'calme')).some((r) => r.phenomenon === 'pm10'), {
      timeoutMs: 60_000,
      what: 'the marker reading published after the flood to be stored',
    });
  } finally {
    await second.stop();
  }
  const stored = async (id: string) =>
    (await storedValues(f.db.db, id)).filter((r) => r.phenomenon === 'pm25').length;
  return { calme: await stored('calme'), torrent: await stored('torrent'), floodMs };
}

describe('a device flooding the generated Mosquitto while the worker is away', () => {
  let plugin: string;
  let pluginDir: string;

  beforeAll(async () => {
    pluginDir = mkdtempSync(join(tmpdir(), 'souffle-plugin-'));
    chmodSync(pluginDir, 0o755); // started as root, Mosquitto loads plugins as its own user
    plugin = (await buildMosquittoPlugin(pluginDir)).plugin;
  });

  afterAll(() => rmSync(pluginDir, { recursive: true, force: true }));

  describe('without the rate limit plugin', () => {
    let f: Fleet;
    beforeAll(async () => (f = await fleet()));
    afterAll(async () => {
      await f?.broker.cleanup();
      await f?.db.cleanup();
    });

    it("overflows the worker's queue and loses the other device's acknowledged readings", async () => {
      const result = await floodWhileWorkerAway(f);
      // The limit this plugin removes (docs/ingest.md, Limits): the queue took the flood first.
      expect(result.torrent).toBeGreaterThanOrEqual(f.broker.config.sizing.maxQueued - CALM_READINGS);
      expect(result.calme).toBeLessThan(CALM_READINGS);
    });
  });

  describe('with the rate limit plugin', () => {
    let f: Fleet;
    beforeAll(async () => (f = await fleet({ plugin, ...LIMIT })));
    afterAll(async () => {
      await f?.broker.cleanup();
      await f?.db.cleanup();
    });

    it("stores every reading of the other device and holds the flood to the device's budget", async () => {
      const result = await floodWhileWorkerAway(f);
      expect(result.calme).toBe(CALM_READINGS);
      // The burst, and what refilled at one a second while the flood lasted.
      expect(result.torrent).toBeGreaterThanOrEqual(LIMIT.burst);
      expect(result.torrent).toBeLessThanOrEqual(LIMIT.burst + Math.ceil(result.floodMs / 1000) + 1);
      expect(f.broker.log()).toMatch(
        /souffle_rate_limit: torrent is over its publish limit \(60 messages a minute, bursts of 20\): \d+ message\(s\) dropped/,
      );
      expect(f.broker.log()).not.toMatch(/souffle_rate_limit: (calme|souffle-ingest) is over/);
    });

    it('writes the plugin lines, with the service users exempt, into mosquitto.conf', async () => {
      const conf = readFileSync(f.broker.config.files.conf, 'utf8');
      expect(conf).toContain(
        `plugin ${plugin}\nplugin_opt_rate 60\nplugin_opt_burst 20\nplugin_opt_log_interval 60\n`,
      );
      expect(conf).toMatch(/^plugin_opt_exempt souffle,souffle-ingest,souffle-ingest-1,/m);
    });
  });
});
