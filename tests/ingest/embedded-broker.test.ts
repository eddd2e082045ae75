// The embedded broker (Aedes) and the worker behind it, as `souffle ingest` starts them without
// MQTT_URL: devices log in with their token and may publish only to their own topics.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../data/db.js';
import { createDevice, removeDevice } from '../../data/store/devices.js';
import { listIngestErrors } from '../../data/store/ingest-errors.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../ingest/embedded-broker.js';
import { createLogger } from '../../ingest/logger.js';
import { IngestWorker } from '../../ingest/worker.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { connectAs, publishAs, SERVICE, storedValues, waitFor } from './ingest-helpers.js';

describe('the embedded broker', () => {
  let db: TempDb;
  let broker: EmbeddedBroker;
  let worker: IngestWorker;
  let url: string;
  const tokens: Record<string, string> = {};
  const as = (id: string) => ({ username: id, password: tokens[id]! });
  const minuteAgo = (minutes: number) =>
    new Date(Math.floor(Date.now() / 60_000) * 60_000 - minutes * 60_000).toISOString();

  beforeAll(async () => {
    db = await tempDb();
    for (const [id, format, serial] of [
      ['ecole', 'native', null],
      ['voisin', 'native', null],
      ['ag-toit', 'airgradient', 'ecda3b1eaaaf'],
    ] as const) {
      tokens[id] = (await createDevice(db.db, { id, name: id, lat: 43.3, lon: 5.4, format, serial })).token;
    }
    broker = await startEmbeddedBroker({
      db: db.db,
      port: 0,
      host: '127.0.0.1',
      serviceCredentials: SERVICE,
    });
    url = `mqtt://127.0.0.1:${broker.port}`;
    worker = new IngestWorker({ db: db.db, mqttUrl: url, clientId: 'souffle-ingest', ...SERVICE });
    await worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await broker?.close();
    await db?.cleanup();
  });

  it('lets a device publish its readings with its id and token', async () => {
    const ts = minuteAgo(1);
    await publishAs(
      url,
      as('ecole'),
      'souffle/v1/ecole/readings',
      JSON.stringify({ ts, values: { pm25: 9 } }),
    );
    const rows = await waitFor(async () => {
      const r = await storedValues(db.db, 'ecole');
      return r.length === 1 ? r : null;
    });
    expect(rows[0]).toMatchObject({ phenomenon: 'pm25', value: 9, time: Date.parse(ts) });
  });

  it('lets an AirGradient monitor publish to its serial topic only', async () => {
    await publishAs(url, as('ag-toit'), 'airgradient/readings/ecda3b1eaaaf', '{"pm02":6,"rhum":40}', 0);
    await waitFor(async () => (await storedValues(db.db, 'ag-toit')).length === 2);
    await expect(
      publishAs(url, as('voisin'), 'airgradient/readings/ecda3b1eaaaf', '{"pm02":999}'),
    ).rejects.toThrow();
  });

  it('refuses anonymous clients, wrong tokens and reserved client ids', async () => {
    await expect(connectAs(url)).rejects.toThrow(/Bad username or password/i);
    await expect(connectAs(url, { username: 'ecole', password: 'guess' })).rejects.toThrow(
      /Bad username or password/i,
    );
    await expect(connectAs(url, { username: 'ghost', password: 'x' })).rejects.toThrow(
      /Bad username or password/i,
    );
    await expect(connectAs(url, { ...as('ecole'), clientId: 'souffle-ingest' })).rejects.toThrow(
      /Identifier rejected/i,
    );
  });

  it("refuses a device connecting with another device's client id, and leaves that device's session alone", async () => {
    // voisin holds a persistent session with a subscription while it is away (devices' subscriptions
    // are QoS 0, so nothing is queued in it: see device-limits.test.ts).
    const owner = await connectAs(url, { ...as('voisin'), clientId: 'voisin-cmd', clean: false });
    await owner.subscribeAsync('souffle/v1/voisin/commands', { qos: 1 });
    await owner.endAsync();
    for (const clientId of ['voisin-cmd', 'voisin', 'ag-toit-x', 'voisinage']) {
      await expect(connectAs(url, { ...as('ecole'), clientId, clean: false })).rejects.toThrow(
        /Identifier rejected/i,
      );
    }
    // Its session is intact: back without subscribing again, it receives what is published to it.
    const back = await connectAs(url, { ...as('voisin'), clientId: 'voisin-cmd', clean: false });
    const received = new Promise<string>((resolve) => back.once('message', (_t, p) => resolve(p.toString())));
    await publishAs(url, SERVICE, 'souffle/v1/voisin/commands', 'secret for voisin');
    try {
      expect(await received).toBe('secret for voisin');
    } finally {
      await back.endAsync();
    }
    // Its own id and any "<id>-…" are the device's to use.
    await (await connectAs(url, { ...as('ecole'), clientId: 'ecole' })).endAsync();
    await (await connectAs(url, { ...as('ecole'), clientId: 'ecole-2' })).endAsync();
    // An AirGradient monitor keeps the client id its firmware sets: "airgradient-<serial>" on
    // ESP8266, ESP-IDF's "ESP32_" + the MAC's last three bytes (first lowercase) on ESP32.
    for (const clientId of ['airgradient-ecda3b1eaaaf', 'ESP32_1eAAAF', 'ag-toit']) {
      await (await connectAs(url, { ...as('ag-toit'), clientId })).endAsync();
    }
    for (const clientId of ['ESP32_1eaab0', 'airgradient-ecda3b1eaab0']) {
      await expect(connectAs(url, { ...as('ag-toit'), clientId })).rejects.toThrow(/Identifier rejected/i);
    }
  });

  it("closes the connection of a device publishing to another device's topic, and stores nothing", async () => {
    const forged = JSON.stringify({ ts: minuteAgo(2), values: { pm25: 999 } });
    await expect(publishAs(url, as('voisin'), 'souffle/v1/ecole/readings', forged)).rejects.toThrow();
    await publishAs(url, as('voisin'), 'souffle/v1/voisin/readings', JSON.stringify({ values: { pm10: 3 } }));
    await waitFor(async () => (await storedValues(db.db, 'voisin')).length === 1);
    expect((await storedValues(db.db, 'ecole')).some((r) => r.value === 999)).toBe(false);
  });

  it("refuses a device's subscription to another device's topics, and grants its own", async () => {
    const client = await connectAs(url, { ...as('voisin'), clientId: 'voisin-sub' });
    try {
      await expect(client.subscribeAsync('souffle/v1/ecole/#', { qos: 1 })).rejects.toThrow(
        /Subscribe error/,
      );
      await expect(client.subscribeAsync('#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
      const own = await client.subscribeAsync('souffle/v1/voisin/commands', { qos: 1 });
      expect(own[0]!.qos).not.toBe(128); // granted (Aedes reports the QoS asked; it delivers QoS 0)
    } finally {
      await client.endAsync();
    }
  });

  it('rejects unknown devices and serials published by the service account, and logs them under no device', async () => {
    await publishAs(url, SERVICE, 'souffle/v1/inconnu/readings', '{"values":{"pm25":1}}');
    await publishAs(url, SERVICE, 'airgradient/readings/ffffffffffff', '{"pm02":1}');
    const errors = await waitFor(async () => {
      const e = await listIngestErrors(db.db, { deviceId: null });
      return e.length === 2 ? e : null;
    });
    expect(errors.map((e) => e.reason).sort()).toEqual([
      'unknown AirGradient serial "ffffffffffff": register it with `souffle device add --format airgradient --serial ffffffffffff`',
      'unknown device "inconnu"',
    ]);
  });

  it('delivers a payload over 64 KiB to the worker, which rejects it, and drops a packet over its limit', async () => {
    const big = JSON.stringify({ values: { pm25: 1 }, note: 'x'.repeat(80 * 1024) });
    await publishAs(url, as('ecole'), 'souffle/v1/ecole/readings', big);
    const error = await waitFor(async () =>
      (await listIngestErrors(db.db, { deviceId: 'ecole' })).find((e) => /64 KiB/.test(e.reason)),
    );
    expect(error.reason).toMatch(/over the 64 KiB limit/);
    const huge = JSON.stringify({ values: { pm25: 1 }, note: 'x'.repeat(300 * 1024) });
    await expect(publishAs(url, as('ecole'), 'souffle/v1/ecole/readings', huge)).rejects.toThrow();
  });

  it('rejects as an unknown device the next message of a device purged while the worker holds it in cache', async () => {
    await createDevice(db.db, { id: 'passager', name: 'passager', lat: 43.3, lon: 5.4 });
    const topic = 'souffle/v1/passager/readings';
    await publishAs(url, SERVICE, topic, JSON.stringify({ ts: minuteAgo(3), values: { pm25: 4 } }));
    await waitFor(async () => (await storedValues(db.db, 'passager')).length === 1);
    await removeDevice(db.db, 'passager', { purge: true });
    await publishAs(url, SERVICE, topic, JSON.stringify({ ts: minuteAgo(2), values: { pm25: 5 } }));
    await waitFor(async () =>
      (await listIngestErrors(db.db, { deviceId: null })).some(
        (e) => e.reason === 'unknown device "passager"',
      ),
    );
    expect(await storedValues(db.db, 'passager')).toEqual([]);
    expect(worker.status.messagesRejected.internal).toBeUndefined();
  });

  it('refuses a worker with the wrong service password, and the worker says so', async () => {
    const intruder = new IngestWorker({
      db: db.db,
      mqttUrl: url,
      clientId: 'souffle-other',
      username: 'souffle',
      password: 'wrong',
    });
    await expect(intruder.start()).rejects.toThrow(
      `the broker at ${url} refused the ingest worker (user "souffle"): Connection refused: Bad username or password`,
    );
  });

  it('waits for a locked database without acknowledging, then stores, recording each rejection once', async () => {
    const logs: string[] = [];
    const own = await openDatabase(db.path, { busyTimeoutMs: 50 });
    const patient = new IngestWorker({
      db: own.db,
      mqttUrl: url,
      clientId: 'souffle-patient',
      ...SERVICE,
      logger: createLogger({ level: 'debug', write: (line) => logs.push(line) }),
    });
    await worker.stop(); // one worker on the topics, so that the messages can only go to this one
    await patient.start();
    // Warned once per outage; each retry is a debug line.
    const unavailable = () => logs.filter((l) => l.includes('database still unavailable')).length;
    try {
      db.sqlite.exec('BEGIN IMMEDIATE'); // another writer holds the lock
      const ts = minuteAgo(30);
      await publishAs(url, SERVICE, 'souffle/v1/fantome/readings', '{"values":{"pm25":1}}');
      await publishAs(
        url,
        as('ecole'),
        'souffle/v1/ecole/readings',
        JSON.stringify({ ts, values: { pm25: 31, pm10: 5000 } }),
      );
      await waitFor(() => unavailable() >= 3); // retried more than once
      expect(patient.status.stored).toBe(0);
      db.sqlite.exec('COMMIT');
      await waitFor(async () => (await storedValues(db.db, 'ecole')).some((r) => r.value === 31));
      await waitFor(() => patient.status.idle);
      const logged = [
        ...(await listIngestErrors(db.db, { deviceId: null })),
        ...(await listIngestErrors(db.db, { deviceId: 'ecole' })),
      ].map((e) => e.reason);
      expect(logged.filter((r) => r === 'unknown device "fantome"')).toHaveLength(1);
      expect(logged.filter((r) => r.startsWith('pm10: 5000'))).toHaveLength(1);
      expect(patient.status.messagesRejected).toEqual({ unknown_device: 1 });
      expect(patient.status.valuesRejected).toEqual({ unknown_device: 1, range: 1 });
    } finally {
      if (db.sqlite.inTransaction) db.sqlite.exec('ROLLBACK');
      await patient.stop();
      await own.close();
    }
  });

  it('stops at once with a full queue behind a locked database, and the next worker stores it all', async () => {
    const own = await openDatabase(db.path, { busyTimeoutMs: 50 });
    const options = { db: own.db, mqttUrl: url, clientId: 'souffle-backlog', ...SERVICE };
    const first = new IngestWorker(options);
    await first.start(); // creates the session, which queues what is published while it is away
    await first.stop();
    const publisher = await connectAs(url, { ...SERVICE, clientId: 'backlog-publisher' });
    const start = Date.parse(minuteAgo(24 * 60));
    const count = 4000;
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        publisher.publishAsync(
          'souffle/v1/voisin/readings',
          JSON.stringify({ ts: new Date(start + i * 1000).toISOString(), values: { co2: 400 + i } }),
          { qos: 1 },
        ),
      ),
    );
    await publisher.endAsync();
    const busy = new IngestWorker(options);
    try {
      db.sqlite.exec('BEGIN IMMEDIATE'); // another writer holds the lock
      await busy.start();
      // Past the worker's high-water mark (2000 queued, 1000 at most in hand) mqtt.js is not handed
      // the next message: what it received stops growing short of what the session holds.
      let seen = 0;
      await waitFor(async () => {
        const before = busy.status.received;
        await new Promise((resolve) => setTimeout(resolve, 300));
        seen = busy.status.received;
        return before >= 2000 && seen === before;
      });
      expect(seen).toBeLessThan(count);
      const stopped = await Promise.race([
        busy.stop().then(() => 'stopped'),
        new Promise((resolve) => setTimeout(() => resolve('still stopping after 10 s'), 10_000)),
      ]);
      expect(stopped).toBe('stopped');
      expect(busy.status.stored).toBe(0);
    } finally {
      if (db.sqlite.inTransaction) db.sqlite.exec('ROLLBACK');
    }
    const next = new IngestWorker(options);
    try {
      await next.start();
      const stored = async () =>
        (await storedValues(db.db, 'voisin')).filter((r) => r.phenomenon === 'co2').length;
      await waitFor(async () => (await stored()) === count, {
        what: async () => `${count} values (have ${await stored()}; ${JSON.stringify(next.status)})`,
      });
    } finally {
      await next.stop();
      await own.close();
    }
  });

  it('fails with a clear message when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(
        startEmbeddedBroker({ db: db.db, port, host: '127.0.0.1', serviceCredentials: SERVICE }),
      ).rejects.toThrow(`port ${port} is in use: set SOUFFLE_MQTT_PORT or MQTT_URL`);
    } finally {
      blocker.close();
    }
  });
});
