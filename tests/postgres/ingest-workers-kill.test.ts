// Two ingest workers sharing the subscription on Mosquitto, storing into PostgreSQL: 20 000
// messages published at full speed while `souffle ingest` (SOUFFLE_INGEST_WORKERS=2) supervises
// them, and one of them is killed with SIGKILL twice mid-stream. Its supervisor restarts it on the
// same slot, whose persistent session kept what Mosquitto had routed to it meanwhile; exactly
// 20 000 messages end up stored, none twice, with rollups that agree.
import { spawn, type ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
import { nativeTopic } from '../../data/topics.js';
import { SOUFFLE_BIN } from '../helpers/run-cli.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import {
  connectAs,
  countReadings,
  SERVICE,
  startGeneratedMosquitto,
  waitFor,
  type GeneratedMosquitto,
} from '../ingest/ingest-helpers.js';

const MESSAGES = 20_000;
const DEVICES = 10;
const VALUES = 6;

/** The values of message i: they differ, so that sums tell a value stored twice or lost. */
function valuesOf(i: number) {
  return { pm1: 3, pm25: 5 + (i % 20), pm10: 9, temperature: 15 + (i % 10), humidity: 50, pressure: 1010 };
}

describe('two ingest workers on PostgreSQL, one killed twice mid-stream', () => {
  let db: TempDb;
  let broker: GeneratedMosquitto;
  let supervisor: ChildProcess | null = null;
  let output = '';
  const tokens: string[] = [];

  /** Pid of the current process of a slot, from the supervisor's log. */
  const pidOf = (slot: number): number => {
    const pids = [...output.matchAll(new RegExp(`ingest worker ${slot} started \\(pid (\\d+)\\)`, 'g'))];
    return Number(pids.at(-1)![1]);
  };
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    db = await tempDb();
    expect(db.dialect).toBe('postgres');
    for (let d = 0; d < DEVICES; d++) {
      const device = await createDevice(db.db, {
        id: `capteur-${d}`,
        name: `Capteur ${d}`,
        lat: 43.3,
        lon: 5.4,
      });
      tokens.push(device.token);
    }
    // Queue sized as an operator planning 200 devices would (24 000 per session).
    broker = await startGeneratedMosquitto(db.db, { plannedDevices: 200 });
  });

  afterAll(async () => {
    if (supervisor && supervisor.exitCode === null) supervisor.kill('SIGKILL');
    for (const slot of [1, 2]) if (output && alive(pidOf(slot))) process.kill(pidOf(slot), 'SIGKILL');
    await broker?.cleanup();
    await db?.cleanup();
  });

  it(
    'stores exactly 20 000 messages × 6 values, none twice, with rollups that agree',
    { timeout: 120_000 },
    async () => {
      supervisor = spawn(process.execPath, [SOUFFLE_BIN, 'ingest'], {
        env: {
          ...process.env,
          ...db.env,
          MQTT_URL: broker.url,
          SOUFFLE_MQTT_USERNAME: SERVICE.username,
          SOUFFLE_MQTT_PASSWORD: SERVICE.password,
          SOUFFLE_MQTT_CLIENT_ID: 'souffle-ingest',
          SOUFFLE_INGEST_WORKERS: '2',
          // The rollups' sum is checked against every value sent: no value may leave the means for
          // a quality flag (the synthetic values repeat, which quality control would flag stuck).
          SOUFFLE_QC: 'false',
          ATMOSUD_ENABLED: 'false',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      supervisor.stdout!.on('data', (d) => (output += d));
      supervisor.stderr!.on('data', (d) => (output += d));
      // Both sessions exist (and are subscribed) from here on: the broker queues for each.
      await waitFor(() => output.includes('2 ingest workers running'), {
        timeoutMs: 30_000,
        what: `the workers\n${output}`,
      });
      expect(output).toContain('as souffle-ingest-1');
      expect(output).toContain('as souffle-ingest-2');
      expect(output).toContain('subscribed to $share/souffle/souffle/v1/+/readings');

      const publishers = await Promise.all(
        tokens.map((password, d) =>
          connectAs(broker.url, { username: `capteur-${d}`, password, clientId: `capteur-${d}` }),
        ),
      );
      const start = Math.floor(Date.now() / 1000) - 3 * 86_400; // three days ago, one minute apart
      const published = Promise.all(
        Array.from({ length: MESSAGES }, (_, i) => {
          const d = i % DEVICES;
          const ts = start + Math.floor(i / DEVICES) * 60;
          return publishers[d]!.publishAsync(
            nativeTopic(`capteur-${d}`),
            JSON.stringify({ ts, seq: i, values: valuesOf(i) }),
            { qos: 1 },
          );
        }),
      );

      // First kill early in the stream, while both workers are busy; the second as soon as the
      // restarted worker is back, in the middle of draining what its session kept meanwhile.
      let threshold = 3_000;
      for (const k of [0, 1]) {
        await waitFor(async () => (await countReadings(db.db)) >= threshold * VALUES, {
          timeoutMs: 60_000,
          what: () => `${threshold} messages\n${output}`,
        });
        expect(await countReadings(db.db)).toBeLessThan(MESSAGES * VALUES); // still mid-stream
        const victim = pidOf(2);
        process.kill(victim, 'SIGKILL');
        await waitFor(() => output.split('ingest worker 2 is back').length - 1 === k + 1, {
          timeoutMs: 30_000,
          what: `slot 2 restarted\n${output}`,
        });
        expect(pidOf(2)).not.toBe(victim);
        expect(output).toContain(`ingest worker 2 (pid ${victim}) exited (signal SIGKILL)`);
        threshold = 0;
      }
      await published;
      await Promise.all(publishers.map((p) => p.endAsync()));
      await waitFor(async () => (await countReadings(db.db)) >= MESSAGES * VALUES, {
        timeoutMs: 60_000,
        what: async () => `${MESSAGES * VALUES} readings (have ${await countReadings(db.db)})\n${output}`,
      });

      const workers = [pidOf(1), pidOf(2)];
      const exited = new Promise<number | null>((resolve) =>
        supervisor!.once('exit', (code) => resolve(code)),
      );
      supervisor.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(workers.filter(alive)).toEqual([]); // SIGTERM was passed on, and waited for

      expect(await countReadings(db.db)).toBe(MESSAGES * VALUES);
      const twice = await sql<{ n: number }>`
        select count(*) as n from (
          select series_id, time from readings group by series_id, time having count(*) > 1
        ) as d`.execute(db.db);
      expect(Number(twice.rows[0]!.n)).toBe(0);

      let expectedSum = 0;
      for (let i = 0; i < MESSAGES; i++) for (const v of Object.values(valuesOf(i))) expectedSum += v;
      const stored = await db.db
        .selectFrom('readings')
        .select((eb) => eb.fn.sum<number>('value').as('sum'))
        .executeTakeFirstOrThrow();
      expect(Number(stored.sum)).toBeCloseTo(expectedSum, 3);
      const perSeries = await db.db
        .selectFrom('readings')
        .select((eb) => ['series_id', eb.fn.countAll<number>().as('n')])
        .groupBy('series_id')
        .execute();
      expect(perSeries).toHaveLength(DEVICES * VALUES);
      expect(perSeries.every((s) => Number(s.n) === MESSAGES / DEVICES)).toBe(true);
      for (const table of ['rollups_hourly'] as const) {
        const rollup = await db.db
          .selectFrom(table)
          .select((eb) => [eb.fn.sum<number>('n').as('n'), eb.fn.sum<number>('sum').as('sum')])
          .executeTakeFirstOrThrow();
        expect(Number(rollup.n)).toBe(MESSAGES * VALUES);
        expect(Number(rollup.sum)).toBeCloseTo(expectedSum, 3);
      }
    },
  );
});
