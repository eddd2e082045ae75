// Poison messages (docs/security.md, "Poison messages"): a device that publishes messages the
// worker cannot use, whether its decoders or the database refuse them, costs the other devices
// nothing. Each such message is a rejection recorded in its own device's error log, given up at
// once rather than retried, and a good reading of another device sent after them is stored.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
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
  type GeneratedMosquitto,
} from './ingest-helpers.js';

const POISON = 100;
/** 60 kB of brackets: under the 64 KiB payload limit, deep enough to overflow any recursion. */
const DEEP = '['.repeat(30_000) + ']'.repeat(30_000);

describe('poison messages from one device on Mosquitto', () => {
  let db: TempDb;
  let broker: GeneratedMosquitto;
  let worker: IngestWorker;
  const tokens: Record<string, string> = {};
  const logs: string[] = [];

  beforeAll(async () => {
    db = await tempDb();
    for (const id of ['poison', 'victim', 'refused']) {
      tokens[id] = (await createDevice(db.db, { id, name: id, lat: 43.3, lon: 5.4 })).token;
    }
    broker = await startGeneratedMosquitto(db.db);
    worker = new IngestWorker({
      db: db.db,
      mqttUrl: broker.url,
      clientId: 'souffle-ingest-poison',
      ...SERVICE,
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
  const minute = (back: number) => new Date(Math.floor(Date.now() / 60_000) * 60_000 - back * 60_000);

  /** Publishes `payloads` as `id` on its own topic over one connection, all with QoS 1. */
  async function flood(id: string, payloads: string[]) {
    const client = await connectAs(broker.url, { ...as(id), clientId: `${id}-flood` });
    await Promise.all(payloads.map((p) => client.publishAsync(`souffle/v1/${id}/readings`, p, { qos: 1 })));
    await client.endAsync();
  }

  it('rejects values nested 30 000 deep under the device that sent them, and stores the next device at once', async () => {
    await flood(
      'poison',
      Array.from({ length: POISON }, () => `{"values":{"pm25":${DEEP}}}`),
    );
    const ts = minute(1);
    await publishAs(
      broker.url,
      as('victim'),
      'souffle/v1/victim/readings',
      JSON.stringify({ ts: ts.toISOString(), values: { pm25: 7.5 } }),
    );
    await waitFor(async () => (await storedValues(db.db, 'victim')).some((r) => r.value === 7.5), {
      what: "the other device's reading",
    });

    const errors = await waitFor(async () => {
      const e = await listIngestErrors(db.db, { deviceId: 'poison', limit: POISON });
      return e.length === POISON ? e : null;
    });
    expect(new Set(errors.map((e) => e.reason))).toEqual(
      new Set(['payload nests arrays or objects deeper than 8 levels']),
    );
    expect(await listIngestErrors(db.db, { deviceId: null })).toEqual([]);
    expect(worker.status.messagesRejected).toMatchObject({ malformed: POISON });
    expect(worker.status.messagesRejected.internal ?? 0).toBe(0);
    // Nothing was retried or given up: the worker logged no error and no retry.
    expect(logs.filter((l) => / (warn|error) /.test(l))).toEqual([]);
  });

  it('gives up a message the database refuses for its own sake at once, without retrying it', async () => {
    // A trigger makes every reading of "refused" fail with an error that is not transient: what a
    // message the database will never take looks like to the worker.
    await sql`CREATE TRIGGER refuse_readings BEFORE INSERT ON readings
      WHEN NEW.series_id IN (SELECT id FROM series WHERE station_id = 'refused')
      BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END`.execute(db.db);
    await flood(
      'refused',
      Array.from({ length: POISON }, (_, i) =>
        JSON.stringify({ ts: minute(10 + i).toISOString(), values: { pm25: 1 } }),
      ),
    );
    const ts = minute(2);
    await publishAs(
      broker.url,
      as('victim'),
      'souffle/v1/victim/readings',
      JSON.stringify({ ts: ts.toISOString(), values: { pm25: 8.5 } }),
    );
    // Retried as before, each refused message slept 100 + 200 ms: 30 s for the hundred. Given up
    // at once, they take far less than a third of that.
    await waitFor(async () => (await storedValues(db.db, 'victim')).some((r) => r.value === 8.5), {
      timeoutMs: 10_000,
      what: "the other device's reading, sent after the refused ones",
    });
    const errors = await waitFor(async () => {
      const e = await listIngestErrors(db.db, { deviceId: 'refused', limit: POISON });
      return e.length === POISON ? e : null;
    });
    expect(errors[0]!.reason).toMatch(/^the message could not be stored \(refused by test trigger\)/);
    expect(worker.status.messagesRejected).toMatchObject({ internal: POISON });
    expect(logs.filter((l) => /could not store the message/.test(l))).toHaveLength(POISON);
  });
});
