// Nothing acknowledged is lost: 20 000 messages published at full speed while `souffle ingest`
// runs as a separate process and is killed with SIGKILL twice mid-stream, then restarted. The
// broker (Mosquitto, with the configuration souffle writes) redelivers what was not acknowledged;
// the (series, time) key makes the redelivered duplicates harmless.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
import { nativeTopic } from '../../data/topics.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import {
  connectAs,
  countReadings,
  SERVICE,
  startGeneratedMosquitto,
  waitFor,
  type GeneratedMosquitto,
} from './ingest-helpers.js';

const MESSAGES = 20_000;
const DEVICES = 10;
const VALUES = 6;

describe('the ingest worker killed with SIGKILL mid-stream', () => {
  let db: TempDb;
  let broker: GeneratedMosquitto;
  let worker: ChildProcess | null = null;
  let output = '';
  const tokens: string[] = [];

  const startWorker = () => {
    worker = spawn(process.execPath, ['bin/souffle.mjs', 'ingest'], {
      env: {
        ...process.env,
        SOUFFLE_DB: db.path,
        MQTT_URL: broker.url,
        SOUFFLE_MQTT_USERNAME: SERVICE.username,
        SOUFFLE_MQTT_PASSWORD: SERVICE.password,
        SOUFFLE_MQTT_CLIENT_ID: 'souffle-ingest',
        ATMOSUD_ENABLED: 'false',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.on('data', (d) => (output += d));
    worker.stderr?.on('data', (d) => (output += d));
  };
  const exitOf = (child: ChildProcess) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null)
        resolve({ code: child.exitCode, signal: child.signalCode });
      else child.once('exit', (code, signal) => resolve({ code, signal }));
    });

  beforeAll(async () => {
    db = await tempDb();
    for (let d = 0; d < DEVICES; d++) {
      tokens.push(
        (await createDevice(db.db, { id: `capteur-${d}`, name: `Capteur ${d}`, lat: 43.3, lon: 5.4 })).token,
      );
    }
    // Queue sized as an operator planning 200 devices would: 200 × 60 msg/h × 1 h × 2 = 24 000.
    broker = await startGeneratedMosquitto(db.db, { plannedDevices: 200 });
    expect(broker.config.sizing.maxQueued).toBeGreaterThanOrEqual(MESSAGES);
  });

  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await broker?.cleanup();
    await db?.cleanup();
  });

  it(
    'stores exactly 20 000 messages, none twice, with rollups that agree',
    { timeout: 120_000 },
    async () => {
      const start = Math.floor(Date.now() / 1000) - 3 * 86_400; // three days ago, one minute apart
      const publishers = await Promise.all(
        tokens.map((password, d) =>
          connectAs(broker.url, { username: `capteur-${d}`, password, clientId: `capteur-${d}` }),
        ),
      );
      startWorker();
      // The worker's first subscription creates its session; from then on the broker keeps its queue.
      await waitFor(() => output.includes('subscribed to'), {
        timeoutMs: 30_000,
        what: `the worker\n${output}`,
      });
      const published = Promise.all(
        Array.from({ length: MESSAGES }, (_, i) => {
          const d = i % DEVICES;
          const ts = start + Math.floor(i / DEVICES) * 60;
          const values = {
            pm1: 3,
            pm25: 5 + (i % 20),
            pm10: 9,
            temperature: 15 + (i % 10),
            humidity: 50,
            pressure: 1010,
          };
          return publishers[d]!.publishAsync(
            nativeTopic(`capteur-${d}`),
            JSON.stringify({ ts, seq: i, values }),
            { qos: 1 },
          );
        }),
      );

      for (const threshold of [3_000, 9_000]) {
        await waitFor(async () => (await countReadings(db.db)) >= threshold * VALUES, {
          timeoutMs: 60_000,
          what: `${threshold} messages`,
        });
        expect(await countReadings(db.db)).toBeLessThan(MESSAGES * VALUES); // still mid-stream
        const killed = worker!;
        killed.kill('SIGKILL');
        expect((await exitOf(killed)).signal).toBe('SIGKILL');
        startWorker();
      }
      await published;
      await Promise.all(publishers.map((p) => p.endAsync()));
      await waitFor(async () => (await countReadings(db.db)) >= MESSAGES * VALUES, {
        timeoutMs: 60_000,
        what: async () => `${MESSAGES * VALUES} readings (have ${await countReadings(db.db)})\n${output}`,
      });

      const stopped = worker!;
      stopped.kill('SIGTERM');
      expect((await exitOf(stopped)).code).toBe(0);

      expect(await countReadings(db.db)).toBe(MESSAGES * VALUES);
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
          .select((eb) => eb.fn.sum<number>(eb(eb.ref('n'), '+', eb.ref('n_flagged'))).as('n'))
          .executeTakeFirstOrThrow();
        // Every value once: in a mean, or left out of it for a quality flag (the synthetic values
        // repeat, and quality control rightly flags long runs of them stuck).
        expect(Number(rollup.n)).toBe(MESSAGES * VALUES);
      }
    },
  );
});
