// End-to-end ingest on PostgreSQL beside SQLite, in the same run: `souffle ingest` as a process of
// its own (as in production), subscribed to a Mosquitto with the production tuning, each message
// acknowledged after its commit; a separate, lower-priority process publishes a fleet's messages
// at full speed (bench/ingest-fleet.ts). The rate runs from the first publish to the last message
// stored, read from the database. Then the same on PostgreSQL with SOUFFLE_INGEST_WORKERS=2 (two
// worker processes sharing the subscription), beside one worker on PostgreSQL.
import { spawn } from 'node:child_process';
import mqtt from 'mqtt';
import { createDevice, packagePath, type Db } from '../data/index.js';
import { isReadyMessage } from '../ingest/index.js';
import { startMosquitto } from '../testing/mosquitto.js';
import { FLEET_DEVICES } from './ingest-fleet.js';
import { publishFromChild } from './publish-child.js';
import { waitForCount } from './wait.js';

export const INGEST_MESSAGES = 20_000;

/** The command-line entry point `souffle ingest` is started with. */
const SOUFFLE_BIN = packagePath('bin', 'souffle.mjs');

/** The tuning `souffle mosquitto-config` writes (ingest/mosquitto-files.ts), as in bench/ingest.ts. */
const BROKER_TUNING = [
  'max_inflight_messages 1000',
  'max_queued_messages 200000',
  'set_tcp_nodelay true',
].join('\n');

export type IngestTarget = {
  name: string;
  db: Db;
  /** SOUFFLE_DB or SOUFFLE_DATABASE_URL for the worker processes. */
  env: Record<string, string>;
  workers: number;
};

/** Messages per second end to end for each target, in order, through one broker. */
export async function ingestRates(targets: IngestTarget[], log: (line: string) => void): Promise<number[]> {
  const broker = await startMosquitto({ config: BROKER_TUNING });
  const start = Math.floor(Date.now() / 1000) - 30 * 86_400;
  const rates: number[] = [];
  try {
    for (const t of targets) {
      for (let d = 0; d < FLEET_DEVICES; d++) {
        if (
          !(await t.db.selectFrom('devices').select('id').where('id', '=', `bench-${d}`).executeTakeFirst())
        )
          await createDevice(t.db, { id: `bench-${d}`, name: `Bench ${d}`, lat: 43.3, lon: 5.4 });
      }
    }
    let next = 0; // every run publishes new messages (new timestamps): nothing is a duplicate
    for (const [k, t] of targets.entries()) {
      log(`postgres: ingest end to end on ${t.name}, ${INGEST_MESSAGES} messages`);
      const clientId = `bench-e2e-${k}`;
      const ingest = await startIngestProcess(broker.url, clientId, t);
      try {
        const before = await countReadings(t.db);
        const t0 = performance.now();
        const published = publishFromChild(broker.url, next, INGEST_MESSAGES, start);
        // A publisher that fails ends the wait at once (and is not left an unhandled rejection).
        let publishFailure: string | null = null;
        published.catch((e: Error) => (publishFailure = e.message));
        let rows = before;
        await waitForCount({
          what: `postgres: ingest end to end on ${t.name}, values stored`,
          count: async () => (rows = await countReadings(t.db)) - before,
          target: INGEST_MESSAGES * 6,
          pollMs: 100,
          failed: () =>
            ingest.exitCode() !== null ? `souffle ingest exited:\n${ingest.stderr()}` : publishFailure,
          where: () =>
            `${rows - before} values in the readings table (6 a message); ` +
            `souffle ingest's stderr:\n${ingest.stderr().trim().split('\n').slice(-5).join('\n')}`,
        });
        rates.push(INGEST_MESSAGES / ((performance.now() - t0) / 1000));
        await published;
        next += INGEST_MESSAGES;
      } finally {
        await ingest.stop();
      }
      // Forget the sessions: the broker would otherwise queue every later message for them.
      const ids =
        t.workers > 1 ? Array.from({ length: t.workers }, (_, i) => `${clientId}-${i + 1}`) : [clientId];
      for (const id of ids)
        await (await mqtt.connectAsync(broker.url, { clientId: id, clean: true })).endAsync();
    }
    return rates;
  } finally {
    await broker.cleanup();
  }
}

/** `souffle ingest` as a child process, resolved once it (and its workers) are subscribed. */
async function startIngestProcess(url: string, clientId: string, t: IngestTarget) {
  const child = spawn(process.execPath, [SOUFFLE_BIN, 'ingest'], {
    env: {
      ...process.env,
      ...t.env,
      MQTT_URL: url,
      SOUFFLE_MQTT_CLIENT_ID: clientId,
      SOUFFLE_INGEST_WORKERS: String(t.workers),
      ATMOSUD_ENABLED: 'false',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m) => isReadyMessage(m) && resolve());
    child.once('exit', (code) => reject(new Error(`souffle ingest exited (${code}):\n${stderr}`)));
  });
  return {
    exitCode: () => child.exitCode,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function countReadings(db: Db): Promise<number> {
  const row = await db
    .selectFrom('readings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
