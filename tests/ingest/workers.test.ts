// Several ingest workers (SOUFFLE_INGEST_WORKERS, `souffle ingest --slot K`): what is refused and
// why, a supervisor that gives up on a worker that cannot start, workers that stop when their
// supervisor dies, and `souffle start` running its workers as child processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
import { freePort } from '../../testing/free-port.js';
import { runCli, SOUFFLE_BIN } from '../helpers/run-cli.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import {
  connectAs,
  countReadings,
  SERVICE,
  startGeneratedMosquitto,
  waitFor,
  type GeneratedMosquitto,
} from './ingest-helpers.js';

const EMBEDDED = 'the embedded broker does not have';

describe('several ingest workers: what is refused', () => {
  let db: TempDb;
  beforeAll(async () => (db = await tempDb()));
  afterAll(async () => db?.cleanup());

  it('refuses several workers on the embedded broker, saying it has no shared subscriptions', async () => {
    for (const [args, env] of [
      [['ingest'], { SOUFFLE_INGEST_WORKERS: '2' }],
      [['ingest', '--slot', '2'], {}],
      [['start'], { SOUFFLE_INGEST_WORKERS: '3' }],
    ] as const) {
      const r = await runCli([...args], { ...db.env, MQTT_URL: '', ...env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('needs MQTT_URL (Mosquitto)');
      expect(r.stderr).toContain(EMBEDDED);
    }
  });

  it('names a bad slot, a slot given with --no-mqtt, and a client id that would be too long', async () => {
    const env = { ...db.env, MQTT_URL: 'mqtt://127.0.0.1:1' };
    const zero = await runCli(['ingest', '--slot', '0'], env);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--slot "0" must be a whole number from 1 to 64');
    const old = await runCli(['ingest', '--instance', 'two'], env);
    expect(old.stderr).toContain('--instance "two" must be a whole number from 1 to 64');
    const both = await runCli(['ingest', '--slot', '1', '--no-mqtt'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--slot runs a worker and --no-mqtt runs none');
    const long = await runCli(['ingest', '--slot', '12'], {
      ...env,
      SOUFFLE_MQTT_CLIENT_ID: 'souffle-ingest-paca-01',
    });
    expect(long.code).toBe(2);
    expect(long.stderr).toContain(
      'the client id "souffle-ingest-paca-01-12" of slot 12 is over 23 characters',
    );
    const supervised = await runCli(['ingest'], {
      ...env,
      SOUFFLE_INGEST_WORKERS: '12',
      SOUFFLE_MQTT_CLIENT_ID: 'souffle-ingest-paca-01',
    });
    expect(supervised.code).toBe(2);
    expect(supervised.stderr).toContain('of slot 12 is over 23 characters: shorten SOUFFLE_MQTT_CLIENT_ID');
  });
});

describe('several ingest workers on Mosquitto', () => {
  let db: TempDb;
  let broker: GeneratedMosquitto;
  let token: string;
  const children: ChildProcess[] = [];

  const souffle = (args: string[], env: Record<string, string>) => {
    const child = spawn(process.execPath, [SOUFFLE_BIN, ...args], {
      env: {
        ...process.env,
        ...db.env,
        MQTT_URL: broker.url,
        SOUFFLE_MQTT_USERNAME: SERVICE.username,
        SOUFFLE_MQTT_PASSWORD: SERVICE.password,
        ATMOSUD_ENABLED: 'false',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const run = { child, output: '' };
    child.stdout.on('data', (d) => (run.output += d));
    child.stderr.on('data', (d) => (run.output += d));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return {
      ...run,
      get output() {
        return run.output;
      },
      exit,
    };
  };
  const workerPids = (output: string) =>
    [...output.matchAll(/ingest worker \d+ started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
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
    token = (await createDevice(db.db, { id: 'balcon', name: 'Balcon', lat: 43.3, lon: 5.4 })).token;
    broker = await startGeneratedMosquitto(db.db);
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await broker?.cleanup();
    await db?.cleanup();
  });

  it('stops every worker and exits 1 when one cannot start (refused credentials)', async () => {
    const run = souffle(['ingest'], { SOUFFLE_INGEST_WORKERS: '2', SOUFFLE_MQTT_PASSWORD: 'wrong' });
    expect(await run.exit).toBe(1);
    // On Mosquitto a worker logs in as its client id (docs/security.md).
    expect(run.output).toMatch(/refused the ingest worker \(user "souffle-ingest-[12]"\)/);
    expect(run.output).toMatch(/ingest worker \d exited during startup \(code 1\)/);
    expect(workerPids(run.output).filter(alive)).toEqual([]);
  });

  it('workers stop by themselves when their supervisor is killed, rather than linger as orphans', async () => {
    await broker.reload({ clientId: 'orphan' }); // its workers' service users: orphan-1, orphan-2
    const run = souffle(['ingest'], { SOUFFLE_INGEST_WORKERS: '2', SOUFFLE_MQTT_CLIENT_ID: 'orphan' });
    await waitFor(() => run.output.includes('2 ingest workers running'), { what: () => run.output });
    const pids = workerPids(run.output);
    expect(pids).toHaveLength(2);
    run.child.kill('SIGKILL');
    await waitFor(() => pids.every((pid) => !alive(pid)), { what: () => `workers exiting\n${run.output}` });
    expect(run.output).toContain('supervisor gone: finishing the batch in hand and stopping');
    // Their sessions stay members of the shared subscription, and Mosquitto would keep routing
    // their share of every message to them: retire them (nothing is queued in them).
    const retired = await runCli(['ingest', '--retire', '1,2'], {
      ...db.env,
      MQTT_URL: broker.url,
      SOUFFLE_MQTT_USERNAME: SERVICE.username,
      SOUFFLE_MQTT_PASSWORD: SERVICE.password,
      SOUFFLE_MQTT_CLIENT_ID: 'orphan',
    });
    expect(retired.stdout).toContain('orphan-1: session ended');
    expect(retired.stdout).toContain('orphan-2: session ended');
  });

  it('souffle start runs its workers as child processes, and stores a device’s reading', async () => {
    const port = await freePort();
    await broker.reload({ clientId: 'start' });
    const run = souffle(['start'], {
      SOUFFLE_INGEST_WORKERS: '2',
      SOUFFLE_MQTT_CLIENT_ID: 'start',
      PORT: String(port),
      HOST: '127.0.0.1',
      SOUFFLE_ADMIN_TOKEN: 'admin-token-for-the-test',
    });
    await waitFor(() => run.output.includes('Souffle is running'), {
      timeoutMs: 30_000,
      what: () => run.output,
    });
    expect(run.output).toContain('Ingest workers  2 processes sharing the subscription (slots 1–2)');
    expect(run.output).toContain('as start-1');
    expect(run.output).toContain('as start-2');

    const device = await connectAs(broker.url, { username: 'balcon', password: token, clientId: 'balcon' });
    const ts = Math.floor(Date.now() / 1000) - 60;
    for (let i = 0; i < 4; i++) {
      await device.publishAsync(
        'souffle/v1/balcon/readings',
        JSON.stringify({ ts: ts - i * 60, values: { pm25: 10 + i } }),
        {
          qos: 1,
        },
      );
    }
    await device.endAsync();
    await waitFor(async () => (await countReadings(db.db)) === 4, { what: () => run.output });

    const pids = workerPids(run.output);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
  });
});
