// Nothing acknowledged is lost on the embedded broker either (issue 12, item 10): `souffle ingest`
// without MQTT_URL runs the broker and the worker in one process, and is killed with SIGKILL while
// the database is stalled (another process holds SQLite's write lock), just after the stall ends. A
// device's PUBACK must mean "stored": every message the device saw acknowledged is in the file.
import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
import { nativeTopic } from '../../data/topics.js';
import { freePort } from '../../testing/free-port.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { connectAs, waitFor } from './ingest-helpers.js';

/** Published and acknowledged before the stall: proves acknowledgements do arrive. */
const BEFORE = 500;
/** Published while another process holds the write lock, then the process is killed. */
const DURING = 2000;

describe('souffle ingest with the embedded broker, killed with SIGKILL during a stall', () => {
  let db: TempDb;
  let child: ChildProcess | null = null;
  let device: MqttClient | null = null;
  let output = '';
  let port = 0;
  let token = '';

  beforeAll(async () => {
    db = await tempDb({ dialect: 'sqlite' });
    token = (await createDevice(db.db, { id: 'capteur', name: 'Capteur', lat: 43.3, lon: 5.4 })).token;
    port = await freePort();
    child = spawn(process.execPath, ['bin/souffle.mjs', 'ingest'], {
      env: {
        ...process.env,
        SOUFFLE_DB: db.path,
        SOUFFLE_MQTT_HOST: '127.0.0.1',
        SOUFFLE_MQTT_PORT: String(port),
        SOUFFLE_ADMIN_TOKEN: 'embedded-kill-9-admin-token',
        // This test is about acknowledgements, not the per-device limit: let the burst through.
        SOUFFLE_MQTT_RATE: '100000/min',
        SOUFFLE_MQTT_BURST: '100000',
        ATMOSUD_ENABLED: 'false',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    await waitFor(() => /subscribed to|taking messages from the embedded broker/.test(output), {
      timeoutMs: 30_000,
      what: () => `the embedded broker and its worker\n${output}`,
    });
  });

  afterAll(async () => {
    await device?.endAsync(true).catch(() => {});
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await db?.cleanup();
  });

  it('has stored every message it acknowledged', { timeout: 90_000 }, async () => {
    device = await connectAs(`mqtt://127.0.0.1:${port}`, {
      username: 'capteur',
      password: token,
      clientId: 'capteur',
      keepalive: 0, // the broker's event loop waits on the lock; no ping timeout meanwhile
    });
    const start = Math.floor(Date.now() / 60_000) * 60 - 10 * 86_400; // ten days ago, a minute apart
    const tsOf = (i: number) => start + i * 60;
    const acked = new Set<number>();
    const publish = (i: number) =>
      device!.publish(
        nativeTopic('capteur'),
        JSON.stringify({ ts: tsOf(i), values: { pm25: 7 } }),
        { qos: 1 },
        (e) => {
          if (!e) acked.add(i);
        },
      );

    for (let i = 0; i < BEFORE; i++) publish(i);
    await waitFor(() => acked.size === BEFORE, {
      timeoutMs: 30_000,
      what: () => `${BEFORE} PUBACKs\n${output}`,
    });

    // Another process takes SQLite's write lock: the worker cannot commit until it is released.
    const lock = new Database(db.path);
    lock.exec('BEGIN IMMEDIATE');
    try {
      for (let i = BEFORE; i < BEFORE + DURING; i++) publish(i);
      // The stall: long enough for a broker that acknowledges on receipt to acknowledge them all.
      await waitFor(() => acked.size === BEFORE + DURING, { timeoutMs: 8000 }).catch(() => {});
    } finally {
      lock.exec('ROLLBACK');
      lock.close();
    }
    // Killed as soon as the first acknowledgements after the stall arrive, while the worker still
    // has batches in hand (unless a broker acknowledged everything during the stall).
    await waitFor(() => acked.size > BEFORE, {
      timeoutMs: 30_000,
      what: () => `a PUBACK after the stall\n${output}`,
    });
    const killed = child!;
    killed.kill('SIGKILL');
    await new Promise((resolve) => killed.once('exit', resolve));

    const stored = new Set(
      (
        await db.db
          .selectFrom('readings')
          .innerJoin('series', 'series.id', 'readings.series_id')
          .select('readings.time')
          .where('series.station_id', '=', 'capteur')
          .execute()
      ).map((r) => r.time / 1000),
    );
    const lost = [...acked].filter((i) => !stored.has(tsOf(i)));
    const duringAcked = [...acked].filter((i) => i >= BEFORE).length;
    console.log(
      `embedded kill -9: ${acked.size} acknowledged (${duringAcked} of the ${DURING} published during the stall), ${stored.size} stored, lost ${lost.length}`,
    );
    expect(duringAcked).toBeGreaterThan(0);
    expect(lost).toEqual([]);
  });
});
