// `souffle start` as a user runs it: one process with the embedded broker, the ingest worker, the
// AtmoSud puller (against the fake AtmoSud) and the API; a registered device publishes a reading.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAtmosud, marseilleDataset, type FakeAtmosud } from '../helpers/fake-atmosud.js';
import { freePort } from '../../testing/free-port.js';
import { runCli, SOUFFLE_BIN } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-db.js';

describe('souffle start', () => {
  const tmp = tempDir();
  let fake: FakeAtmosud;
  let child: ChildProcess;
  let output = '';
  let env: Record<string, string>;
  let api: string;

  beforeAll(async () => {
    fake = await startFakeAtmosud({ data: marseilleDataset() });
    const [port, mqttPort] = [await freePort(), await freePort()];
    api = `http://127.0.0.1:${port}`;
    env = {
      SOUFFLE_DB: join(tmp.dir, 'souffle.db'),
      PORT: String(port),
      HOST: '127.0.0.1',
      SOUFFLE_MQTT_PORT: String(mqttPort),
      SOUFFLE_MQTT_HOST: '127.0.0.1',
      ATMOSUD_ENABLED: 'true',
      ATMOSUD_URL: fake.url,
      SOUFFLE_ADMIN_TOKEN: '',
    };
    child = spawn(process.execPath, [SOUFFLE_BIN, 'start'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    await waitFor(
      () => /Souffle is running/.test(output) && /commune index/.test(output),
      30_000,
      () => output,
    );
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await fake.close();
    tmp.cleanup();
  });

  it('says what it started, and prints the generated admin token once', () => {
    expect(output).toContain(`Dashboard       http://localhost:${env.PORT}/`);
    expect(output).toMatch(/MQTT broker +embedded/);
    expect(output).toMatch(/Admin token \(shown once, kept in .*\.admin-token\):\n {2}\S{20,}/);
  });

  it('serves AtmoSud stations with recent values, and Marseille’s official index', async () => {
    const stations = (await (await fetch(`${api}/api/v1/stations?source=atmosud`)).json()) as {
      count: number;
      stations: Array<{ id: string }>;
    };
    expect(stations.count).toBeGreaterThanOrEqual(5);
    expect(stations.stations.map((s) => s.id)).toContain('atmosud-FR03043');
    const latest = (await (await fetch(`${api}/api/v1/stations/atmosud-FR03043/latest`)).json()) as {
      values: Array<{ phenomenon: string; t: number }>;
    };
    expect(latest.values.map((v) => v.phenomenon)).toContain('no2');
    expect(Date.now() - Math.max(...latest.values.map((v) => v.t))).toBeLessThan(6 * 3_600_000);
    const today = new Date().toISOString().slice(0, 10);
    const commune = await fetch(`${api}/api/v1/communes/13055/index?date=${today}`);
    expect(commune.status).toBe(200);
  });

  it('stores a registered device’s reading next to the official stations', async () => {
    const added = await runCli(
      ['device', 'add', '--name', 'École Saint-Charles', '--lat', '43.305', '--lon', '5.38', '--json'],
      env,
    );
    expect(added.code).toBe(0);
    const device = JSON.parse(added.stdout) as { id: string; token: string; topic: string };
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${env.SOUFFLE_MQTT_PORT}`, {
      clientId: device.id,
      username: device.id,
      password: device.token,
    });
    await client.publishAsync(device.topic, JSON.stringify({ values: { pm25: 12.3, pm10: 20.1 } }), {
      qos: 1,
    });
    await client.endAsync();
    await waitFor(async () => {
      const r = await fetch(`${api}/api/v1/stations/${device.id}/latest`);
      return r.ok && ((await r.json()) as { values: unknown[] }).values.length === 2;
    }, 15_000);
    const all = (await (await fetch(`${api}/api/v1/stations`)).json()) as {
      stations: Array<{ id: string; source: string }>;
    };
    expect(new Set(all.stations.map((s) => s.source))).toEqual(new Set(['citizen', 'atmosud']));
  });
});

async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  log: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
