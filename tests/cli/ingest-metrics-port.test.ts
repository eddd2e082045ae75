// `souffle ingest` with SOUFFLE_INGEST_METRICS_PORT: the real command, with its embedded broker,
// serves its own /metrics (read with the Prometheus client's parser) and /healthz, with the
// process's figures and its worker's counters since it started.
import { spawn, type ChildProcess } from 'node:child_process';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
import { packageVersion } from '../../data/package-root.js';
import { freePort } from '../../testing/free-port.js';
import { parseExposition, prometheusParserUnavailable, type Sample } from '../helpers/prometheus-parser.js';
import { runCli, SOUFFLE_BIN } from '../helpers/run-cli.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';

const unavailable = prometheusParserUnavailable();
if (unavailable) console.warn(`ingest metrics port: skipped, ${unavailable}`);

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe.skipIf(unavailable !== undefined)('souffle ingest with SOUFFLE_INGEST_METRICS_PORT', () => {
  let t: TempDb;
  let child: ChildProcess;
  let output = '';
  let mqttPort: number;
  let base: string;
  let token: string;

  beforeAll(async () => {
    t = await tempDb({ dialect: 'sqlite' });
    token = (await createDevice(t.db, { name: 'Balcon métrique', lat: 43.3, lon: 5.4 })).token;
    mqttPort = await freePort();
    child = spawn(process.execPath, [SOUFFLE_BIN, 'ingest'], {
      env: {
        ...process.env,
        ...t.env,
        ATMOSUD_ENABLED: 'false',
        SOUFFLE_MQTT_HOST: '127.0.0.1',
        SOUFFLE_MQTT_PORT: String(mqttPort),
        SOUFFLE_INGEST_METRICS_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const deadline = Date.now() + 30_000;
    let m: RegExpExecArray | null = null;
    while (!(m = /metrics and health on (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(output))) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`souffle ingest did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    base = m[1]!;
  });

  afterAll(async () => {
    if (child?.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await t?.cleanup();
  });

  it("serves the process's figures and its worker's counters in Prometheus text format", async () => {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
      username: 'balcon-metrique',
      password: token,
      clientId: 'balcon-metrique',
      reconnectPeriod: 0,
    });
    const topic = 'souffle/v1/balcon-metrique/readings';
    await client.publishAsync(topic, JSON.stringify({ values: { pm25: 8.5 } }), { qos: 1 });
    await client.publishAsync(topic, 'not json at all', { qos: 1 });
    await client.endAsync();

    // A QoS 1 PUBACK comes after the commit: both messages are counted by now.
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseExposition(await res.text());
    const types = new Map(samples.map((s) => [s.family, s.type]));
    expect(types.get('souffle_ingest_messages_received')).toBe('counter');
    expect(value(samples, 'souffle_ingest_messages_received_total')).toBe(2);
    expect(value(samples, 'souffle_ingest_messages_stored_total')).toBe(1);
    expect(value(samples, 'souffle_ingest_values_stored_total')).toBe(1);
    const rejected = samples.filter((s) => s.name === 'souffle_ingest_messages_rejected_total');
    expect(rejected.map((s) => s.value)).toEqual([1]);
    expect(rejected[0]!.labels.reason).toMatch(/^[a-z_]+$/);
    expect(value(samples, 'souffle_ingest_queue_depth')).toBe(0);
    expect(value(samples, 'souffle_ingest_worker_connected')).toBe(1);
    expect(value(samples, 'souffle_ingest_last_commit_timestamp_seconds')).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
    expect(value(samples, 'souffle_database_up')).toBe(1);
    expect(value(samples, 'souffle_build_info', { version: packageVersion() })).toBe(1);
    expect(value(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
  });

  it('answers /healthz with the database and the worker, and nothing else', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      database: { ok: boolean };
      worker: { connected: boolean; subscribed: boolean; queueDepth: number; lastCommitAt: string | null };
    };
    expect(body.status).toBe('ok');
    expect(body.database.ok).toBe(true);
    expect(body.worker).toMatchObject({ connected: true, subscribed: true, queueDepth: 0 });
    expect(body.worker.lastCommitAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses a metrics port that is not a port', async () => {
    const run = await runCli(['ingest'], { ...t.env, SOUFFLE_INGEST_METRICS_PORT: 'abc' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SOUFFLE_INGEST_METRICS_PORT');
  });
});
