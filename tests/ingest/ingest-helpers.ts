// Helpers for the ingest tests: a Mosquitto run with the configuration `souffle mosquitto-config`
// writes (not a test variant of it), publishing as a device, and reading back what was stored.
import { chmodSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Db } from '../../data/db.js';
import { writeMosquittoConfig, type MosquittoConfigResult } from '../../ingest/mosquitto-config.js';
import type { BrokerOptions } from '../../ingest/mosquitto-files.js';
import { freePort } from '../../testing/free-port.js';
import { mosquittoProcess } from '../../testing/mosquitto.js';
import { tempDir } from '../helpers/temp-db.js';

export const SERVICE = { username: 'souffle', password: 'service-secret' };

/**
 * A worker's login on the generated Mosquitto: its client id is its user name there, and each
 * worker client id (`souffle-ingest`, `souffle-ingest-<k>`) is a service user of its own.
 */
export const workerLogin = (clientId: string) => ({
  clientId,
  username: clientId,
  password: SERVICE.password,
});

export type GeneratedMosquitto = {
  url: string;
  port: number;
  dir: string;
  config: MosquittoConfigResult;
  /**
   * Rewrites passwd/acl from the database and makes Mosquitto reload them (SIGHUP); `clientId`
   * (SOUFFLE_MQTT_CLIENT_ID) names the workers' service users from then on.
   */
  reload: (service?: { clientId?: string }) => Promise<void>;
  stop: () => Promise<void>;
  start: () => Promise<void>;
  cleanup: () => Promise<void>;
  log: () => string;
};

/** Mosquitto on a free port with the files written by writeMosquittoConfig for this database. */
export async function startGeneratedMosquitto(
  db: Db,
  options: Partial<BrokerOptions> = {},
): Promise<GeneratedMosquitto> {
  const { dir, cleanup } = tempDir('souffle-mosquitto-');
  chmodSync(dir, 0o755); // as in /etc/mosquitto: the broker's own user must reach the files
  const port = await freePort();
  const brokerOptions: BrokerOptions = {
    port,
    bind: '127.0.0.1',
    outageMs: 3_600_000,
    plannedDevices: 0,
    nativeIntervalMs: 60_000,
    brokerPath: dir,
    ...options,
  };
  let service: typeof SERVICE & { clientId?: string } = SERVICE;
  let config = await writeMosquittoConfig(db, dir, brokerOptions, service);
  const { start, stop, signal, log } = mosquittoProcess(config.files.conf, port);
  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    dir,
    get config() {
      return config;
    },
    reload: async (changes = {}) => {
      service = { ...service, ...changes };
      config = await writeMosquittoConfig(db, dir, brokerOptions, service);
      signal('SIGHUP');
      await new Promise((r) => setTimeout(r, 300));
    },
    stop,
    start,
    cleanup: async () => {
      await stop();
      cleanup();
    },
    log,
  };
}

/** Connects, waiting for CONNACK; rejects with the broker's refusal. */
export async function connectAs(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
}

/** Publishes one message as `username` and disconnects. */
export async function publishAs(
  url: string,
  credentials: { username: string; password: string },
  topic: string,
  payload: string | Buffer,
  qos: 0 | 1 = 1,
): Promise<void> {
  const client = await connectAs(url, {
    ...credentials,
    clientId: `${credentials.username}-test-${Math.random().toString(16).slice(2, 10)}`,
  });
  // A broker that refuses a publish closes the connection (MQTT 3.1.1 has no negative PUBACK):
  // mqtt.js then neither resolves nor rejects the publish, so the close is raced against it.
  const closed = new Promise<never>((_, reject) =>
    client.once('close', () =>
      reject(new Error(`the broker closed the connection of ${credentials.username}`)),
    ),
  );
  try {
    await Promise.race([client.publishAsync(topic, payload, { qos }), closed]);
  } catch (e) {
    await client.endAsync(true);
    throw e;
  }
  await client.endAsync();
}

export async function waitFor<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 20_000, what = 'condition' as string | (() => string | Promise<string>) } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : await what()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The readings of a station as `phenomenon@sensor → value` at one time, for readable asserts. */
export async function storedValues(db: Db, stationId: string) {
  const rows = await db
    .selectFrom('readings')
    .innerJoin('series', 'series.id', 'readings.series_id')
    .select(['series.phenomenon', 'series.sensor', 'readings.value', 'readings.time', 'readings.flags'])
    .where('series.station_id', '=', stationId)
    .orderBy('series.phenomenon')
    .orderBy('series.sensor')
    .execute();
  return rows;
}

export async function countReadings(db: Db): Promise<number> {
  const row = await db
    .selectFrom('readings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
