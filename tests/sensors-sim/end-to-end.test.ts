// The simulator against the real platform: the embedded broker (which authenticates every device
// as itself), a real ingest worker, the real API (admin registration, airrohr push), a SQLite file.
// Readings of every format, live and backfilled, arrive in the database; faults are rejected or
// absorbed; the command line wires it all and prints a JSON summary.
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createMqttPublisher, type MqttPublisher as ApiPublisher } from '../../api/mqtt-publisher.js';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../ingest/embedded-broker.js';
import { IngestWorker } from '../../ingest/worker.js';
import { runBackfill } from '../../sensors-sim/backfill.js';
import { CredentialStore } from '../../sensors-sim/credential-store.js';
import { FAULT_KINDS, FaultInjector } from '../../sensors-sim/faults.js';
import { buildFleet, type SimDevice } from '../../sensors-sim/fleet.js';
import { runLoad } from '../../sensors-sim/load.js';
import { ingestReceived, type AdminApi } from '../../sensors-sim/platform-api.js';
import { registerFleet } from '../../sensors-sim/register-fleet.js';
import { intervals, REAL_INTERVALS, slotAtOrAfter } from '../../sensors-sim/schedule.js';
import { FleetSimulator } from '../../sensors-sim/simulator.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';

const ADMIN = 'admin-token-for-the-simulator-test';
const SERVICE = { username: 'souffle', password: 'service-secret' };
const SEED = 11;

let db: TempDb;
let broker: EmbeddedBroker;
let worker: IngestWorker;
let forwarder: ApiPublisher;
let server: ApiServer;
let mqttUrl: string;
let apiUrl: string;
let api: AdminApi;
let store: CredentialStore;
const fleet = buildFleet({ devices: 6, seed: SEED });

beforeAll(async () => {
  db = await tempDb();
  broker = await startEmbeddedBroker({ db: db.db, port: 0, host: '127.0.0.1', serviceCredentials: SERVICE });
  mqttUrl = `mqtt://127.0.0.1:${broker.port}`;
  worker = new IngestWorker({
    db: db.db,
    mqttUrl,
    clientId: 'souffle-ingest-test',
    ...SERVICE,
    metricsFlushMs: 200,
  });
  await worker.start();
  forwarder = createMqttPublisher({ url: mqttUrl, ...SERVICE, clientId: 'souffle-api-test' });
  const app = createApp({
    db: db.db,
    adminToken: ADMIN,
    publicUrl: 'http://127.0.0.1',
    mqttUrl,
    publish: forwarder.publish,
    brokerConnected: forwarder.connected,
    rateLimit: { pushPerMinute: 100_000, pushBurst: 1000 },
  });
  server = await startApiServer({ app, port: 0, host: '127.0.0.1' });
  apiUrl = `http://127.0.0.1:${server.port}`;
  api = { apiUrl, adminToken: ADMIN };
  store = CredentialStore.open(join(db.dir, 'sim-devices.json'), apiUrl);
});

afterAll(async () => {
  await server?.close();
  await forwarder?.close();
  await worker?.stop();
  await broker?.close();
  await db?.cleanup();
});

/** Readings stored for a device's station, by sensor. */
async function stored(
  device: SimDevice,
  from = 0,
  to = Number.MAX_SAFE_INTEGER,
): Promise<Record<string, number>> {
  const rows = await db.db
    .selectFrom('readings')
    .innerJoin('series', 'series.id', 'readings.series_id')
    .select(['series.sensor', sql<number>`count(*)`.as('n')])
    .where('series.station_id', '=', device.id)
    .where('readings.time', '>=', from)
    .where('readings.time', '<', to)
    .groupBy('series.sensor')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.sensor, Number(r.n)]));
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the simulator against a running platform', () => {
  it('registers the fleet through the admin API once, keeps the tokens private, and reuses them', async () => {
    const first = await registerFleet(fleet, { api, store });
    expect(first).toMatchObject({ registered: 6, rotated: 0, reused: 0 });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    const again = await registerFleet(fleet, { api, store: CredentialStore.open(store.path, apiUrl) });
    expect(again).toMatchObject({ registered: 0, rotated: 0, reused: 6 });
    // A device the platform knows but whose token was lost gets a new token, not a conflict.
    const lost = CredentialStore.open(join(db.dir, 'elsewhere.json'), apiUrl);
    const other = await registerFleet(fleet.slice(0, 1), { api, store: lost });
    expect(other).toMatchObject({ registered: 0, rotated: 1 });
    store = CredentialStore.open(store.path, apiUrl);
    store.set(other.credentials.get(fleet[0]!.id)!);
    store.save();
    expect(JSON.parse(readFileSync(store.path, 'utf8')).platforms[apiUrl].devices[fleet[0]!.id].token).toBe(
      other.credentials.get(fleet[0]!.id)!.token,
    );
  });

  it('runs live: every format, each device as itself, reaches the database', async () => {
    const { credentials } = await registerFleet(fleet, { api, store });
    const sim = new FleetSimulator({
      fleet,
      credentials,
      mqttUrl,
      apiUrl,
      seed: SEED,
      intervals: intervals(250),
      faults: new FaultInjector({ kinds: [], rate: 0, seed: SEED }),
    });
    await sim.start();
    await new Promise((r) => setTimeout(r, 1500));
    const summary = await sim.stop();
    expect(summary.failed).toBe(0);
    expect(summary.acknowledged).toBe(summary.messages);
    expect(summary.byFormat.native.acknowledged).toBeGreaterThan(0);
    expect(summary.byFormat.airgradient.acknowledged).toBeGreaterThan(0);
    expect(summary.http['200']).toBe(summary.byFormat.airrohr.messages);
    const expected: Record<string, string> = {
      native: 'native',
      'O-1PPT': 'PMS5003T:1',
      'O-1PST': 'PMS5003T',
      'SDS011+BME280': 'SDS011',
      'SDS011+DHT22': 'SDS011',
    };
    for (const device of fleet) {
      await until(
        async () => ((await stored(device))[expected[device.model]!] ?? 0) > 0,
        `${device.id}'s readings`,
      );
    }
  });

  it('backfills two hours with timestamps into the same series, every reading stored', async () => {
    const { credentials } = await registerFleet(fleet, { api, store });
    const to = Date.now() - 10 * 60_000; // before the live readings above
    const from = to - 2 * 3_600_000;
    const progress: number[] = [];
    const result = await runBackfill({
      fleet,
      credentials,
      mqttUrl,
      seed: SEED,
      from,
      to,
      intervals: intervals(),
      batch: 30,
      ingestReceived: () => ingestReceived(apiUrl),
      maxBehind: 5,
      onProgress: (p) => progress.push(p.readings),
      progressEveryMs: 50,
    });
    expect(result.failed).toBe(0);
    expect(result.acknowledged).toBe(result.messages);
    expect(result.readings).toBe(result.totalReadings);
    expect(progress.at(-1)).toBe(result.totalReadings);
    // Values per reading: native 8; AirGradient dual 2 × 7 + 2, single 7 + 2 (PM1, PM2.5, PM10,
    // CF=1 PM2.5, 0.3 µm count, temperature, humidity per PMS5003T, and the SGP41's two indices);
    // airrohr 2 + 3 (BME280) or 2 + 2 (DHT22).
    const perReading: Record<string, number> = {
      native: 8,
      'O-1PPT': 16,
      'O-1PST': 9,
      'SDS011+BME280': 5,
      'SDS011+DHT22': 4,
    };
    const slots = (d: SimDevice) =>
      slotAtOrAfter(d, REAL_INTERVALS[d.format], to) - slotAtOrAfter(d, REAL_INTERVALS[d.format], from);
    for (const device of fleet) {
      const expected = slots(device) * perReading[device.model]!;
      let n = 0;
      await until(async () => {
        n = Object.values(await stored(device, from, to)).reduce((a, b) => a + b, 0);
        return n >= expected;
      }, `${device.id}'s history (${device.model})`);
      expect(n, `${device.id} (${device.model})`).toBe(expected);
    }
  });

  it('injects faults the platform rejects or absorbs, and counts them', async () => {
    const { credentials } = await registerFleet(fleet, { api, store });
    const faults = new FaultInjector({ kinds: [...FAULT_KINDS], rate: 0.4, seed: SEED });
    const sim = new FleetSimulator({
      fleet,
      credentials,
      mqttUrl,
      apiUrl,
      seed: SEED,
      intervals: intervals(100),
      faults,
    });
    await sim.start();
    // Run until the injector has had its chances, not for a fixed time: on a loaded machine 2.5 s
    // may hold too few readings for a malformed message to come up.
    const events = () => Object.values(faults.counts).reduce((n, c) => n + c.events, 0);
    await new Promise((r) => setTimeout(r, 2500));
    await until(async () => events() > 5 && faults.counts.malformed.events > 0, 'injected faults');
    const summary = await sim.stop();
    const injected = Object.values(summary.faults).reduce((n, c) => n + c.events, 0);
    expect(injected).toBeGreaterThan(5);
    expect(summary.faults.malformed.events).toBeGreaterThan(0);
    // Broken pushes are refused at the HTTP edge (400) or forwarded and rejected by the worker.
    await until(async () => {
      const errors = await db.db.selectFrom('ingest_errors').select(['device_id', 'reason']).execute();
      return errors.some((e) => fleet.some((d) => d.id === e.device_id));
    }, 'the rejections in the devices’ error logs');
    expect(worker.status.running).toBe(true);
    // Which faults land in 2.5 s depends on timing: a whole message (malformed JSON) or single
    // values (a clock in the future, a spike out of range) may be what the worker rejected.
    const rejected = { ...worker.status.messagesRejected, ...worker.status.valuesRejected };
    expect(Object.keys(rejected).length).toBeGreaterThan(0);
  });

  it('load mode publishes N native messages of 6 values, each stored', async () => {
    const { credentials } = await registerFleet(fleet, { api, store });
    const devices = fleet
      .filter((d) => d.format === 'native')
      .map((d) => ({ id: d.id, token: credentials.get(d.id)!.token }));
    const end = Date.now() - 5 * 3_600_000; // clear of the readings above
    const result = await runLoad({ url: mqttUrl, devices, count: 600, rate: 0, end });
    expect(result).toMatchObject({ sent: 600, acknowledged: 600, failed: 0 });
    await until(async () => {
      let n = 0;
      for (const d of fleet.filter((x) => x.format === 'native'))
        n += (await stored(d, end - 600, end)).native ?? 0;
      return n === 600 * 6;
    }, '3600 load values');
  });

  it('runs from the command line with a JSON summary', async () => {
    const env = {
      ...process.env,
      SOUFFLE_API_URL: apiUrl,
      MQTT_URL: mqttUrl,
      SOUFFLE_ADMIN_TOKEN: ADMIN,
      SOUFFLE_DB: join(db.dir, 'unused.db'),
      LOG_LEVEL: 'info',
    };
    const args = [
      'bin/souffle.mjs',
      'sim',
      '--devices',
      '3',
      '--seed',
      '12',
      '--interval',
      '300ms',
      '--duration',
      '1500ms',
      '--backfill',
      '30m',
      '--faults',
      'spikes,duplicates',
      '--credentials',
      join(db.dir, 'cli-devices.json'),
      '--json',
      '--quiet',
    ];
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout) as {
      fleet: { devices: number; registered: number };
      backfill: { acknowledged: number; messages: number; failed: number };
      live: { acknowledged: number; failed: number };
      faults: { enabled: string[]; injected: Record<string, { events: number }> };
    };
    expect(summary.fleet).toMatchObject({ devices: 3, registered: 3 });
    expect(summary.backfill.failed).toBe(0);
    expect(summary.backfill.acknowledged).toBe(summary.backfill.messages);
    expect(summary.live.acknowledged).toBeGreaterThan(0);
    expect(summary.faults.enabled).toEqual(['spikes', 'duplicates']);
    expect(Object.keys(summary.faults.injected)).toContain('spikes');
  });
});
