// A device removed or given a new token while connected to the embedded broker: its open connection
// must not outlive its credentials, since the removal may happen in another process (the admin API,
// `souffle device remove|rotate-token`) and the same id may be registered again for a new owner
// (docs/security.md, Revoked devices).
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice, removeDevice, rotateDeviceToken } from '../../data/store/devices.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../ingest/embedded-broker.js';
import { IngestWorker } from '../../ingest/worker.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { connectAs, countReadings, SERVICE, storedValues, waitFor } from './ingest-helpers.js';

const CHECK_MS = 300;
/** The bound the test holds the broker to: one sweep period, plus time for the query and the close. */
const CLOSE_BOUND_MS = CHECK_MS + 1_000;

describe('a device removed or rotated while connected to the embedded broker', () => {
  let db: TempDb;
  let broker: EmbeddedBroker;
  let worker: IngestWorker;
  let url: string;
  const reading = (value: number) =>
    JSON.stringify({
      ts: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(),
      values: { pm25: value },
    });

  beforeAll(async () => {
    db = await tempDb();
    broker = await startEmbeddedBroker({
      db: db.db,
      port: 0,
      host: '127.0.0.1',
      serviceCredentials: SERVICE,
      revocationCheckMs: CHECK_MS,
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

  async function register(id: string) {
    return (await createDevice(db.db, { id, name: id, lat: 43.3, lon: 5.4 })).token;
  }

  async function connectDevice(
    id: string,
    token: string,
  ): Promise<{ client: MqttClient; closed: Promise<number> }> {
    const client = await connectAs(url, { username: id, password: token, clientId: id });
    const connectedAt = Date.now();
    const closed = new Promise<number>((resolve) =>
      client.once('close', () => resolve(Date.now() - connectedAt)),
    );
    return { client, closed };
  }

  /** Whether the connection closes within `bound` ms. */
  async function closedWithin(closed: Promise<number>, bound: number): Promise<boolean> {
    return Promise.race([
      closed.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), bound)),
    ]);
  }

  it('closes the connection of a removed device within one check period, and stores nothing it publishes after', async () => {
    const { client, closed } = await connectDevice('gone', await register('gone'));
    await removeDevice(db.db, 'gone');
    client.publish('souffle/v1/gone/readings', reading(42), { qos: 1 });
    expect(await closedWithin(closed, CLOSE_BOUND_MS)).toBe(true);
    await new Promise((r) => setTimeout(r, 500)); // what the worker would have stored by now
    expect(await storedValues(db.db, 'gone')).toEqual([]);
    client.end(true);
  });

  it('closes an idle connection of a removed device within one check period', async () => {
    const { client, closed } = await connectDevice('idle', await register('idle'));
    await removeDevice(db.db, 'idle');
    expect(await closedWithin(closed, CLOSE_BOUND_MS)).toBe(true);
    client.end(true);
  });

  it('closes a connection made with a token that was rotated since, and refuses its publishes', async () => {
    const oldToken = await register('rotated');
    const { client, closed } = await connectDevice('rotated', oldToken);
    const newToken = await rotateDeviceToken(db.db, 'rotated');
    client.publish('souffle/v1/rotated/readings', reading(13), { qos: 1 });
    expect(await closedWithin(closed, CLOSE_BOUND_MS)).toBe(true);
    client.end(true);

    // The new token works, and only its reading is stored.
    const fresh = await connectDevice('rotated', newToken!);
    await fresh.client.publishAsync('souffle/v1/rotated/readings', reading(7), { qos: 1 });
    const rows = await waitFor(async () => {
      const r = await storedValues(db.db, 'rotated');
      return r.length > 0 ? r : null;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect((await storedValues(db.db, 'rotated')).map((r) => r.value)).toEqual([7]);
    expect(rows).toHaveLength(1);
    await fresh.client.endAsync();
  });

  it("gives a device registered again under the same id none of the old owner's readings", async () => {
    const old = await connectDevice('ecole', await register('ecole'));
    const before = await countReadings(db.db);

    // The old owner's device is removed with its station, and the id is given to a new owner.
    await removeDevice(db.db, 'ecole', { purge: true });
    const newToken = await register('ecole');
    for (let i = 0; i < 5; i++) old.client.publish('souffle/v1/ecole/readings', reading(900 + i), { qos: 1 });
    expect(await closedWithin(old.closed, CLOSE_BOUND_MS)).toBe(true);
    old.client.end(true);

    const owner = await connectDevice('ecole', newToken);
    await owner.client.publishAsync('souffle/v1/ecole/readings', reading(5), { qos: 1 });
    await waitFor(async () => (await countReadings(db.db)) > before);
    await new Promise((r) => setTimeout(r, 300));
    expect((await storedValues(db.db, 'ecole')).map((r) => r.value)).toEqual([5]);
    await owner.client.endAsync();
  });
});
