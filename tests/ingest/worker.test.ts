// The ingest worker end to end: devices publish to a real Mosquitto run with the configuration
// `souffle mosquitto-config` writes, the worker stores into a real SQLite file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAGS } from '../../data/flags.js';
import { readCounters } from '../../data/store/counters.js';
import { createDevice, getDevice, removeDevice } from '../../data/store/devices.js';
import { listIngestErrors } from '../../data/store/ingest-errors.js';
import { createLogger } from '../../ingest/logger.js';
import { IngestWorker } from '../../ingest/worker.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import {
  connectAs,
  publishAs,
  SERVICE,
  startGeneratedMosquitto,
  storedValues,
  waitFor,
  workerLogin,
  type GeneratedMosquitto,
} from './ingest-helpers.js';

const NOW_TS = () => new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000).toISOString();

describe('the ingest worker on Mosquitto', () => {
  let db: TempDb;
  let broker: GeneratedMosquitto;
  let worker: IngestWorker;
  const tokens: Record<string, string> = {};
  const logs: string[] = [];

  beforeAll(async () => {
    db = await tempDb();
    for (const [id, format, serial] of [
      ['ecole', 'native', null],
      ['voisin', 'native', null],
      ['ag-toit', 'airgradient', 'ecda3b1eaaaf'],
      ['kit-parc', 'airrohr', null],
      ['ancien', 'native', null],
    ] as const) {
      const created = await createDevice(db.db, { id, name: id, lat: 43.3, lon: 5.4, format, serial });
      tokens[id] = created.token;
    }
    broker = await startGeneratedMosquitto(db.db);
    worker = new IngestWorker({
      db: db.db,
      mqttUrl: broker.url,
      ...workerLogin('souffle-ingest'),
      logger: createLogger({ level: 'debug', write: (line) => logs.push(line) }),
    });
    await worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await broker?.cleanup();
    await db?.cleanup();
  });

  const as = (id: string) => ({ username: id, password: tokens[id]! });

  it('stores a native message in canonical units and updates the device last-seen time', async () => {
    const ts = NOW_TS();
    const before = Date.now();
    await publishAs(
      broker.url,
      as('ecole'),
      'souffle/v1/ecole/readings',
      JSON.stringify({
        ts,
        seq: 1,
        values: { pm25: 12.3, no2: 21, pressure: 101325 },
        units: { no2: 'ppb', pressure: 'Pa' },
      }),
    );
    const rows = await waitFor(async () => {
      const r = await storedValues(db.db, 'ecole');
      return r.length === 3 ? r : null;
    });
    expect(rows.map((r) => [r.phenomenon, r.sensor, Number(r.value.toFixed(2)), r.time])).toEqual([
      ['no2', 'native', 40.15, Date.parse(ts)],
      ['pm25', 'native', 12.3, Date.parse(ts)],
      ['pressure', 'native', 1013.25, Date.parse(ts)],
    ]);
    const device = await getDevice(db.db, 'ecole');
    expect(device!.last_seen).toBeGreaterThanOrEqual(before);
    const hourly = await db.db.selectFrom('rollups_hourly').selectAll().execute();
    expect(hourly.reduce((n, r) => n + r.n, 0)).toBe(3);
  });

  it('stores both channels of an outdoor AirGradient monitor sent with QoS 0, at the receive time', async () => {
    const before = Date.now();
    await publishAs(
      broker.url,
      as('ag-toit'),
      'airgradient/readings/ecda3b1eaaaf',
      JSON.stringify({
        serialno: 'ecda3b1eaaaf',
        wifi: -50,
        channels: {
          '1': { pm01: 3, pm02: 8, pm10: 10, atmp: 18.2, rhum: 80 },
          '2': { pm01: 3, pm02: 9, pm10: 11, atmp: 18.4, rhum: 79 },
        },
      }),
      0,
    );
    const rows = await waitFor(async () => {
      const r = await storedValues(db.db, 'ag-toit');
      return r.length === 10 ? r : null;
    });
    const pm25 = rows.filter((r) => r.phenomenon === 'pm25');
    expect(pm25.map((r) => [r.sensor, r.value, r.flags])).toEqual([
      ['PMS5003T:1', 8, FLAGS.humid],
      ['PMS5003T:2', 9, FLAGS.humid],
    ]);
    expect(rows.every((r) => r.time >= before && r.time <= Date.now())).toBe(true);
  });

  it('stores an airrohr body forwarded by the service account, as the API does', async () => {
    await publishAs(
      broker.url,
      SERVICE,
      'souffle/v1/kit-parc/airrohr',
      JSON.stringify({
        esp8266id: '12345678',
        sensordatavalues: [
          { value_type: 'SDS_P1', value: '5.38' },
          { value_type: 'SDS_P2', value: '4.98' },
          { value_type: 'BME280_pressure', value: '100520.25' },
          { value_type: 'signal', value: '-59 dBm' },
        ],
      }),
    );
    const rows = await waitFor(async () => {
      const r = await storedValues(db.db, 'kit-parc');
      return r.length === 3 ? r : null;
    });
    expect(rows.map((r) => [r.phenomenon, r.sensor, r.value])).toEqual([
      ['pm10', 'SDS011', 5.38],
      ['pm25', 'SDS011', 4.98],
      ['pressure', 'BME280', 1005.2025],
    ]);
  });

  it('keeps the good values of a partly bad message and logs why each bad one was rejected', async () => {
    const ts = new Date(Date.parse(NOW_TS()) - 60_000).toISOString();
    await publishAs(
      broker.url,
      as('voisin'),
      'souffle/v1/voisin/readings',
      JSON.stringify({ ts, values: { pm10: 20, pm2_5: 3, temperature: 120, humidity: 'wet' } }),
    );
    await waitFor(async () => (await storedValues(db.db, 'voisin')).length === 1);
    const errors = await waitFor(async () => {
      const e = await listIngestErrors(db.db, { deviceId: 'voisin' });
      return e.length === 3 ? e : null;
    });
    expect(errors.map((e) => e.reason).sort()).toEqual([
      'humidity: value "wet" is not a finite number',
      'temperature: 120 °C is outside the physical range -40–85 °C',
      'unknown phenomenon "pm2_5"',
    ]);
    expect(errors[0]!.topic).toBe('souffle/v1/voisin/readings');
    expect(errors[0]!.payload).toContain('pm2_5');
  });

  it('rejects a removed device still known to the broker, and an oversized payload, counting both', async () => {
    // Removed from the registry, not yet from Mosquitto's password file (reloaded later).
    await removeDevice(db.db, 'ancien');
    await publishAs(broker.url, as('ancien'), 'souffle/v1/ancien/readings', '{"values":{"pm25":1}}');
    const big = JSON.stringify({ values: { pm25: 1 }, note: 'x'.repeat(70 * 1024) });
    await publishAs(broker.url, as('ecole'), 'souffle/v1/ecole/readings', big);
    const unknown = await waitFor(async () => (await listIngestErrors(db.db, { deviceId: null }))[0]);
    expect(unknown.reason).toBe('unknown device "ancien"');
    const tooLarge = await waitFor(async () =>
      (await listIngestErrors(db.db, { deviceId: 'ecole' })).find((e) => /64 KiB/.test(e.reason)),
    );
    expect(tooLarge.reason).toMatch(/^payload of 7\d{4} bytes is over the 64 KiB limit$/);
    expect(worker.status.messagesRejected).toMatchObject({ unknown_device: 1, too_large: 1 });
    expect(worker.status.valuesRejected).toMatchObject({ range: 1, not_numeric: 1, unknown_phenomenon: 1 });
  });

  it('refuses a device publishing to another device topic, or reading it', async () => {
    // Mosquitto grants the subscription but, the ACL denying reads, delivers nothing on it.
    const spy = await connectAs(broker.url, { ...as('voisin'), clientId: 'voisin-spy' });
    const spied: string[] = [];
    spy.on('message', (topic) => spied.push(topic));
    await spy.subscribeAsync('souffle/v1/ecole/#', { qos: 1 });
    const ts0 = new Date(Date.parse(NOW_TS()) - 180_000).toISOString();
    await publishAs(
      broker.url,
      as('ecole'),
      'souffle/v1/ecole/readings',
      JSON.stringify({ ts: ts0, values: { pm10: 4 } }),
    );
    await waitFor(async () => (await storedValues(db.db, 'ecole')).some((r) => r.value === 4));
    await spy.endAsync();
    expect(spied).toEqual([]);

    const forged = JSON.stringify({ ts: NOW_TS(), values: { pm25: 999 } });
    await publishAs(broker.url, as('voisin'), 'souffle/v1/ecole/readings', forged);
    await publishAs(broker.url, as('voisin'), 'airgradient/readings/ecda3b1eaaaf', '{"pm02":999}');
    // A message published after the forged ones arrives after them (one connection, in order).
    const ts = new Date(Date.parse(NOW_TS()) - 120_000).toISOString();
    await publishAs(
      broker.url,
      as('voisin'),
      'souffle/v1/voisin/readings',
      JSON.stringify({ ts, values: { pm10: 7 } }),
    );
    await waitFor(async () => (await storedValues(db.db, 'voisin')).some((r) => r.value === 7));
    const victims = [...(await storedValues(db.db, 'ecole')), ...(await storedValues(db.db, 'ag-toit'))];
    expect(victims.some((r) => r.value === 999)).toBe(false);
  });

  it("keeps the worker's session from a device using its client id: every other device's reading is stored", async () => {
    // The intruder keeps reconnecting as the worker's client id (and a slot's) while other devices
    // publish. Without use_username_as_clientid the two connections kicked each other off and
    // Mosquitto dropped the worker's queued messages that the ACL forbids the intruder to read.
    const N = 60;
    const before = (await storedValues(db.db, 'voisin')).length;
    let stop = false;
    let intrusions = 0;
    const intruder = (async () => {
      while (!stop) {
        for (const clientId of ['souffle-ingest', 'souffle-ingest-1']) {
          const c = await connectAs(broker.url, { ...as('ecole'), clientId, clean: false }).catch(() => null);
          if (c) intrusions++;
          await new Promise((r) => setTimeout(r, 20));
          await c?.endAsync(true);
        }
      }
    })();
    try {
      const base = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 3_600_000;
      for (let i = 0; i < N; i++) {
        await publishAs(
          broker.url,
          as('voisin'),
          'souffle/v1/voisin/readings',
          JSON.stringify({ ts: new Date(base + i * 1000).toISOString(), values: { pm10: i } }),
        );
      }
      await waitFor(async () => (await storedValues(db.db, 'voisin')).length === before + N, {
        what: `all ${N} readings of voisin stored`,
      });
    } finally {
      stop = true;
      await intruder;
    }
    expect(intrusions).toBeGreaterThan(0);
    expect(worker.status.connected).toBe(true);
  });

  it('refuses a wrong token', async () => {
    await expect(connectAs(broker.url, { username: 'ecole', password: 'guess' })).rejects.toThrow(
      /Not authorized|Bad username or password/i,
    );
  });

  it('stores again after a device is purged and registered anew under the same id', async () => {
    const first = JSON.stringify({ ts: NOW_TS(), values: { pm25: 1 } });
    await publishAs(broker.url, as('voisin'), 'souffle/v1/voisin/readings', first);
    await waitFor(async () => (await storedValues(db.db, 'voisin')).some((r) => r.value === 1));
    await removeDevice(db.db, 'voisin', { purge: true });
    tokens.voisin = (await createDevice(db.db, { id: 'voisin', name: 'voisin', lat: 43.3, lon: 5.4 })).token;
    await broker.reload();
    await publishAs(broker.url, as('voisin'), 'souffle/v1/voisin/readings', first);
    const rows = await waitFor(async () => {
      const r = await storedValues(db.db, 'voisin');
      return r.length === 1 ? r : null;
    });
    expect(rows[0]!.value).toBe(1);
    expect(logs.some((l) => l.includes('caches cleared, retrying'))).toBe(true);
  });

  it('flushes its counters to the database under Prometheus names', async () => {
    await waitFor(async () => {
      const counters = await readCounters(db.db);
      return counters.some(
        (c) => c.name === 'souffle_ingest_values_rejected_total' && c.labels === 'reason="range"',
      );
    });
    const counters = Object.fromEntries(
      (await readCounters(db.db)).map((c) => [`${c.name}{${c.labels}}`, c.value]),
    );
    expect(counters['souffle_ingest_messages_received_total{}']).toBeGreaterThanOrEqual(8);
    expect(counters['souffle_ingest_messages_stored_total{}']).toBeGreaterThanOrEqual(6);
    expect(counters['souffle_ingest_messages_rejected_total{reason="unknown_device"}']).toBe(1);
    expect(counters['souffle_ingest_last_commit_timestamp_seconds{}']).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
    // Gauges of the worker's pace: a lag was measured, and the queue has drained.
    expect(counters['souffle_ingest_lag_seconds{}']).toBeGreaterThanOrEqual(0);
    await waitFor(async () =>
      (await readCounters(db.db)).some((c) => c.name === 'souffle_ingest_queue_depth' && c.value === 0),
    );
  });
});
