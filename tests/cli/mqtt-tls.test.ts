// `souffle ingest` with SOUFFLE_MQTT_TLS_*: a device publishes over TLS (mqtt.js trusting the test
// CA) and its reading is stored; after the certificate files are replaced, SIGHUP makes the
// running process serve the new one.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
import { freePort } from '../../testing/free-port.js';
import { runCli, SOUFFLE_BIN } from '../helpers/run-cli.js';
import { makeTestCa, type TestCa } from '../helpers/test-ca.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';

describe('souffle ingest with MQTT over TLS', () => {
  let t: TempDb;
  let child: ChildProcess;
  let output = '';
  let tlsPort: number;
  let first: TestCa;
  let second: TestCa;
  let token: string;
  let served: { cert: string; key: string };

  beforeAll(async () => {
    t = await tempDb({ dialect: 'sqlite' });
    first = makeTestCa(t.dir, 'first');
    second = makeTestCa(t.dir, 'second');
    served = { cert: join(t.dir, 'cert.pem'), key: join(t.dir, 'key.pem') };
    copyFileSync(first.certFile, served.cert);
    copyFileSync(first.keyFile, served.key);
    const device = await createDevice(t.db, { name: 'Balcon TLS', lat: 43.3, lon: 5.4 });
    token = device.token;
    const [port, tls] = [await freePort(), await freePort()];
    tlsPort = tls;
    child = spawn(process.execPath, [SOUFFLE_BIN, 'ingest'], {
      env: {
        ...process.env,
        ...t.env,
        ATMOSUD_ENABLED: 'false',
        SOUFFLE_MQTT_HOST: '127.0.0.1',
        SOUFFLE_MQTT_PORT: String(port),
        SOUFFLE_MQTT_TLS_PORT: String(tls),
        SOUFFLE_MQTT_TLS_CERT: served.cert,
        SOUFFLE_MQTT_TLS_KEY: served.key,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const deadline = Date.now() + 30_000;
    while (!output.includes('listening with TLS')) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`souffle ingest did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    if (child?.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await t?.cleanup();
  });

  const connect = (ca: TestCa) =>
    mqtt.connectAsync(`mqtts://127.0.0.1:${tlsPort}`, {
      username: 'balcon-tls',
      password: token,
      clientId: 'balcon-tls',
      ca: readFileSync(ca.caFile),
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });

  it('stores a reading published over TLS', async () => {
    const client = await connect(first);
    await client.publishAsync('souffle/v1/balcon-tls/readings', JSON.stringify({ values: { pm25: 12.5 } }), {
      qos: 1,
    });
    await client.endAsync();
    await expect
      .poll(async () => (await t.db.selectFrom('readings').select('value').execute()).map((r) => r.value))
      .toContain(12.5);
  });

  it('serves the renewed certificate after SIGHUP', async () => {
    copyFileSync(second.certFile, served.cert);
    copyFileSync(second.keyFile, served.key);
    child.kill('SIGHUP');
    await expect.poll(() => output).toContain('MQTT TLS certificate reloaded');
    const client = await connect(second);
    await client.endAsync();
    await expect(connect(first)).rejects.toThrow();
    expect(child.exitCode).toBeNull();
  });

  it('refuses a TLS port without its files', async () => {
    const run = await runCli(['ingest'], { ...t.env, SOUFFLE_MQTT_TLS_PORT: '8883' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SOUFFLE_MQTT_TLS_CERT and SOUFFLE_MQTT_TLS_KEY');
  });
});
