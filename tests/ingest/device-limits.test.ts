// One device must not be able to crowd out the others or grow the process (issue 12, item 6): the
// embedded broker limits what each device publishes, keeps no retained message and queues nothing
// for a device that is away; the worker ignores retained messages a broker delivers; the generated
// Mosquitto refuses retained messages.
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
import { listIngestErrors } from '../../data/store/ingest-errors.js';
import { nativeTopic } from '../../data/topics.js';
import { DeviceRateLimit } from '../../ingest/device-rate-limit.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../ingest/embedded-broker.js';
import { IngestWorker } from '../../ingest/worker.js';
import { startMosquitto, type Mosquitto } from '../../testing/mosquitto.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import {
  connectAs,
  SERVICE,
  startGeneratedMosquitto,
  storedValues,
  waitFor,
  type GeneratedMosquitto,
} from './ingest-helpers.js';

const minutesAgo = (i: number) => Math.floor(Date.now() / 60_000) * 60 - 86_400 - i * 60;
const reading = (i: number, value = 5) => JSON.stringify({ ts: minutesAgo(i), values: { pm25: value } });

/** The first message `client` receives. */
const firstMessage = (client: MqttClient) =>
  new Promise<string>((resolve) => client.once('message', (_topic, payload) => resolve(payload.toString())));

describe('a device rate limit (token bucket)', () => {
  it('lets a burst through, drops beyond it, refills at the rate, and says so once a minute', () => {
    const limit = new DeviceRateLimit({ perMinute: 60, burst: 3 });
    const t = 1_000_000;
    expect([1, 2, 3].map(() => limit.take('a', t).ok)).toEqual([true, true, true]);
    expect(limit.take('a', t)).toEqual({ ok: false, log: true, dropped: 1 });
    expect(limit.take('a', t + 10)).toEqual({ ok: false, log: false });
    expect(limit.take('b', t).ok).toBe(true); // another device has its own bucket
    expect(limit.take('a', t + 1000).ok).toBe(true); // one a second at 60 a minute
    expect(limit.take('a', t + 1000)).toEqual({ ok: false, log: false });
    expect(limit.take('a', t + 60_000)).toMatchObject({ ok: true });
    for (let i = 0; i < 2; i++) limit.take('a', t + 60_000);
    expect(limit.take('a', t + 60_000)).toEqual({ ok: false, log: true, dropped: 3 });
  });
});

describe('the embedded broker under one device flooding', () => {
  let db: TempDb;
  let worker: IngestWorker;
  let broker: EmbeddedBroker;
  let url: string;
  const tokens: Record<string, string> = {};
  const as = (id: string, clientId = id) => ({ username: id, password: tokens[id]!, clientId });

  beforeAll(async () => {
    db = await tempDb();
    for (const id of ['torrent', 'calme', 'balcon']) {
      tokens[id] = (await createDevice(db.db, { id, name: id, lat: 43.3, lon: 5.4 })).token;
    }
    // As `souffle start` runs them: the worker in-process, the broker handing readings to it.
    worker = new IngestWorker({ db: db.db });
    await worker.start();
    broker = await startEmbeddedBroker({
      db: db.db,
      port: 0,
      host: '127.0.0.1',
      serviceCredentials: SERVICE,
      ingest: worker,
      rateLimit: { perMinute: 60, burst: 20 },
    });
    url = `mqtt://127.0.0.1:${broker.port}`;
  });

  afterAll(async () => {
    await worker?.stop();
    await broker?.close();
    await db?.cleanup();
  });

  it("stores every reading of the other device, drops the flood's excess and logs it once", async () => {
    const torrent = await connectAs(url, as('torrent'));
    const calme = await connectAs(url, as('calme'));
    try {
      // Both acknowledged: a dropped message is acknowledged, not refused (docs/ingest.md, Limits).
      await Promise.all([
        ...Array.from({ length: 400 }, (_, i) =>
          torrent.publishAsync(nativeTopic('torrent'), reading(i, 900), { qos: 1 }),
        ),
        ...Array.from({ length: 15 }, (_, i) =>
          calme.publishAsync(nativeTopic('calme'), reading(i), { qos: 1 }),
        ),
      ]);
    } finally {
      await torrent.endAsync();
      await calme.endAsync();
    }
    expect(await storedValues(db.db, 'calme')).toHaveLength(15);
    const flooded = (await storedValues(db.db, 'torrent')).length;
    expect(flooded).toBeGreaterThanOrEqual(20); // the burst
    expect(flooded).toBeLessThan(100); // and what refilled meanwhile, at one a second
    expect(worker.status.rateLimited).toBe(400 - flooded);
    const errors = await listIngestErrors(db.db, { deviceId: 'torrent' });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.reason).toMatch(
      /^rate_limited: 1 message\(s\) dropped, not stored: .*60 messages a minute, bursts of 20/,
    );
    expect(await listIngestErrors(db.db, { deviceId: 'calme' })).toHaveLength(0);
  });

  it('stores a retained reading once and does not keep it for later subscribers', async () => {
    const device = await connectAs(url, as('balcon', 'balcon-retain'));
    await device.publishAsync(nativeTopic('balcon'), JSON.stringify({ values: { pm10: 42 } }), {
      qos: 1,
      retain: true,
    });
    await device.endAsync();
    expect((await storedValues(db.db, 'balcon')).filter((r) => r.phenomenon === 'pm10')).toHaveLength(1);
    // A retained message would reach a new subscription right after its SUBACK, before anything
    // published later: the first message it sees must be the later one.
    const subscriber = await connectAs(url, { ...SERVICE, clientId: 'souffle-test-subscriber' });
    try {
      await subscriber.subscribeAsync(nativeTopic('+'), { qos: 1 });
      const first = firstMessage(subscriber);
      const later = await connectAs(url, as('balcon', 'balcon-later'));
      await later.publishAsync(nativeTopic('balcon'), reading(100), { qos: 1 });
      await later.endAsync();
      expect(JSON.parse(await first)).toMatchObject({ values: { pm25: 5 } });
    } finally {
      await subscriber.endAsync();
    }
  });

  it("queues nothing in a device's session while it is away (its subscriptions are QoS 0)", async () => {
    const away = await connectAs(url, { ...as('balcon', 'balcon-cmd'), clean: false });
    await away.subscribeAsync('souffle/v1/balcon/commands', { qos: 1 });
    await away.endAsync();
    const service = await connectAs(url, { ...SERVICE, clientId: 'souffle-test-publisher' });
    try {
      await service.publishAsync('souffle/v1/balcon/commands', 'published while away', { qos: 1 });
      const back = await connectAs(url, { ...as('balcon', 'balcon-cmd'), clean: false });
      try {
        const first = firstMessage(back);
        await service.publishAsync('souffle/v1/balcon/commands', 'published once back', { qos: 1 });
        expect(await first).toBe('published once back');
      } finally {
        await back.endAsync();
      }
    } finally {
      await service.endAsync();
    }
  });
});

describe('retained readings on Mosquitto', () => {
  let db: TempDb;
  let plain: Mosquitto;
  let generated: GeneratedMosquitto;
  let token = '';

  beforeAll(async () => {
    db = await tempDb();
    token = (await createDevice(db.db, { id: 'calme', name: 'calme', lat: 43.3, lon: 5.4 })).token;
    plain = await startMosquitto(); // anonymous, retains: a broker set up without our configuration
    generated = await startGeneratedMosquitto(db.db);
  });

  afterAll(async () => {
    await plain?.cleanup();
    await generated?.cleanup();
    await db?.cleanup();
  });

  it('are not stored again at every start of the worker', async () => {
    const device = await connectAs(plain.url, { clientId: 'calme' });
    await device.publishAsync(nativeTopic('calme'), JSON.stringify({ values: { pm10: 42 } }), {
      qos: 1,
      retain: true,
    });
    for (const round of [1, 2]) {
      const worker = new IngestWorker({ db: db.db, mqttUrl: plain.url, clientId: 'souffle-ingest' });
      await worker.start();
      try {
        // A reading published after the subscription: once it is stored, the retained one (sent
        // right after the SUBACK) has been dealt with too.
        await device.publishAsync(nativeTopic('calme'), reading(round), { qos: 1 });
        await waitFor(async () =>
          (await storedValues(db.db, 'calme')).some((r) => r.time === minutesAgo(round) * 1000),
        );
      } finally {
        await worker.stop();
      }
    }
    await device.endAsync();
    const rows = await storedValues(db.db, 'calme');
    expect(rows.map((r) => r.phenomenon)).toEqual(['pm25', 'pm25']);
  });

  it('are refused by the generated configuration (retain_available false)', async () => {
    const device = await connectAs(generated.url, { username: 'calme', password: token, clientId: 'calme' });
    await device.publishAsync(nativeTopic('calme'), reading(10), { qos: 1 }); // accepted
    const closed = new Promise<boolean>((resolve) => device.once('close', () => resolve(true)));
    device.publish(nativeTopic('calme'), reading(11), { qos: 1, retain: true });
    expect(await closed).toBe(true); // MQTT 3.1.1 has no refusal but closing the connection
    await device.endAsync(true);
  });
});
