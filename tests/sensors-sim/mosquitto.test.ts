// Backfill and load through Mosquitto, the production broker, with a password file and an ACL
// that lets each device write only its own topics: every device publishes as itself, QoS 1 with
// flow control, and every reading arrives in the database through a real ingest worker.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
import { IngestWorker } from '../../ingest/worker.js';
import { runBackfill } from '../../sensors-sim/backfill.js';
import { buildFleet } from '../../sensors-sim/fleet.js';
import { runLoad } from '../../sensors-sim/load.js';
import { DeviceAuthError, MqttPublisher } from '../../sensors-sim/mqtt-publisher.js';
import type { DeviceCredentials } from '../../sensors-sim/platform-api.js';
import { intervals, REAL_INTERVALS, slotAtOrAfter } from '../../sensors-sim/schedule.js';
import { startMosquitto, writePasswordFile, type Mosquitto } from '../../testing/mosquitto.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';

const SERVICE = { username: 'souffle', password: 'service-secret' };
const fleet = buildFleet({ devices: 4, seed: 21 });
let db: TempDb;
let mosquitto: Mosquitto;
let worker: IngestWorker;
const credentials = new Map<string, DeviceCredentials>();

async function valuesStored(from: number, to: number): Promise<number> {
  const row = await db.db
    .selectFrom('readings')
    .select(sql<number>`count(*)`.as('n'))
    .where('time', '>=', from)
    .where('time', '<', to)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the simulator through Mosquitto', () => {
  beforeAll(async () => {
    db = await tempDb();
    const users: Record<string, string> = { [SERVICE.username]: SERVICE.password };
    for (const device of fleet) {
      const { token } = await createDevice(db.db, {
        id: device.id,
        name: device.name,
        lat: device.lat,
        lon: device.lon,
        format: device.format,
        serial: device.serial,
      });
      credentials.set(device.id, { id: device.id, token, format: device.format, serial: device.serial });
      users[device.id] = token;
    }
    const { dir } = db;
    writePasswordFile(join(dir, 'passwd'), users);
    writeFileSync(
      join(dir, 'acl'),
      `user ${SERVICE.username}\ntopic readwrite #\n\npattern write souffle/v1/%u/#\n`,
    );
    // Started as root, Mosquitto reads these files as its own unprivileged user.
    chmodSync(dir, 0o755);
    for (const file of ['passwd', 'acl']) chmodSync(join(dir, file), 0o644);
    mosquitto = await startMosquitto({
      config: `password_file ${join(dir, 'passwd')}\nacl_file ${join(dir, 'acl')}\nallow_anonymous false`,
    });
    worker = new IngestWorker({
      db: db.db,
      mqttUrl: mosquitto.url,
      clientId: 'souffle-ingest-sim',
      ...SERVICE,
    });
    await worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await mosquitto?.cleanup();
    await db?.cleanup();
  });

  it('backfills an hour of every device, all of it stored', async () => {
    const to = Date.now() - 3_600_000;
    const from = to - 3_600_000;
    const result = await runBackfill({
      fleet,
      credentials,
      mqttUrl: mosquitto.url,
      seed: 21,
      from,
      to,
      intervals: intervals(),
      batch: 20,
      window: 4,
    });
    expect(result).toMatchObject({ failed: 0, aborted: false });
    expect(result.acknowledged).toBe(result.messages);
    const perReading: Record<string, number> = {
      native: 8,
      'O-1PPT': 16, // 2 PMS5003T × 7 values + 2 SGP41 indices
      'O-1PST': 9,
      'SDS011+BME280': 5,
      'SDS011+DHT22': 4,
    };
    const expected = fleet.reduce(
      (n, d) =>
        n +
        (slotAtOrAfter(d, REAL_INTERVALS[d.format], to) - slotAtOrAfter(d, REAL_INTERVALS[d.format], from)) *
          perReading[d.model]!,
      0,
    );
    await until(async () => (await valuesStored(from, to)) >= expected, `${expected} values`);
    expect(await valuesStored(from, to)).toBe(expected);
  });

  it('publishes a load of native messages at a set rate, every message stored', async () => {
    const devices = fleet.map((d) => ({ id: d.id, token: credentials.get(d.id)!.token }));
    const end = Date.now() - 4 * 3_600_000;
    const result = await runLoad({ url: mosquitto.url, devices, count: 400, rate: 400, window: 8, end });
    expect(result).toMatchObject({ sent: 400, acknowledged: 400, failed: 0, devices: 4 });
    await until(async () => (await valuesStored(end - 400, end)) >= 400 * 6, '2400 values');
    expect(await valuesStored(end - 400, end)).toBe(400 * 6);
  });

  it('tells a refused token apart from an unreachable broker, so that the simulator can renew it', async () => {
    const [device] = fleet;
    const wrong = new MqttPublisher({
      url: mosquitto.url,
      clientId: 'sim-wrong-token',
      username: device!.id,
      password: 'not-its-token',
    });
    await expect(wrong.connect()).rejects.toBeInstanceOf(DeviceAuthError);
    const nowhere = new MqttPublisher({
      url: 'mqtt://127.0.0.1:1',
      clientId: 'sim-nowhere',
      connectTimeoutMs: 2000,
    });
    await expect(nowhere.connect()).rejects.toThrow(
      /cannot connect "sim-nowhere" to the MQTT broker at mqtt:\/\/127.0.0.1:1/,
    );
  });
});
