// `souffle mosquitto-config --tls-cert --tls-key --tls-ca`: a real Mosquitto started from the
// written configuration listens for MQTT over TLS with the same logins and ACL; a device
// publishes through `mosquitto_pub --cafile` and through mqtt.js trusting the test CA, and the
// service account receives both over TLS. A client trusting another CA is refused.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
import { savedOptions } from '../../ingest/mosquitto-config.js';
import { freePort } from '../../testing/free-port.js';
import { mosquittoProcess } from '../../testing/mosquitto.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTestCa, type TestCa } from '../helpers/test-ca.js';
import { tempDb, tempDir, type TempDb } from '../helpers/temp-db.js';

const SERVICE = { SOUFFLE_MQTT_USERNAME: 'souffle', SOUFFLE_MQTT_PASSWORD: 'service-secret-tls' };
const TOPIC = 'souffle/v1/balcon-chiffre/readings';

describe('souffle mosquitto-config with TLS, on a real Mosquitto', () => {
  let t: TempDb;
  let folder: { dir: string; cleanup: () => void };
  let ca: TestCa;
  let other: TestCa;
  let token: string;
  let tlsPort: number;
  let broker: ReturnType<typeof mosquittoProcess>;
  let conf: string;

  const env = () => ({ ...t.env, ...SERVICE });

  beforeAll(async () => {
    t = await tempDb({ dialect: 'sqlite' });
    folder = tempDir('souffle-mosquitto-tls-');
    chmodSync(folder.dir, 0o755); // Mosquitto, started as root, reads as its own user
    ca = makeTestCa(folder.dir, 'broker');
    other = makeTestCa(folder.dir, 'other');
    chmodSync(ca.keyFile, 0o644);
    token = (await createDevice(t.db, { name: 'Balcon chiffré', lat: 43.3, lon: 5.4 })).token;
    const plainPort = await freePort();
    tlsPort = await freePort();
    const dir = join(folder.dir, 'mosquitto');
    const run = await runCli(
      [
        'mosquitto-config',
        dir,
        '--port',
        String(plainPort),
        '--tls-port',
        String(tlsPort),
        '--tls-cert',
        ca.certFile,
        '--tls-key',
        ca.keyFile,
        '--tls-ca',
        ca.caFile,
      ],
      env(),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`devices connect to mqtts://<this host>:${tlsPort}`);
    conf = join(dir, 'mosquitto.conf');
    chmodSync(dir, 0o755);
    broker = mosquittoProcess(conf, tlsPort);
    await broker.start();
  });

  afterAll(async () => {
    await broker?.stop();
    await t?.cleanup();
    folder?.cleanup();
  });

  const connect = (username: string, password: string, trust: TestCa) =>
    mqtt.connectAsync(`mqtts://127.0.0.1:${tlsPort}`, {
      username,
      password,
      clientId: username,
      ca: readFileSync(trust.caFile),
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });

  it('carries a device reading from mosquitto_pub and from mqtt.js to the service account, over TLS', async () => {
    const service = await connect(SERVICE.SOUFFLE_MQTT_USERNAME, SERVICE.SOUFFLE_MQTT_PASSWORD, ca);
    const received: string[] = [];
    service.on('message', (_topic, payload) => received.push(payload.toString()));
    await service.subscribeAsync('souffle/v1/#', { qos: 1 });
    try {
      const pub = spawnSync(
        'mosquitto_pub',
        [
          ...['--cafile', ca.caFile, '-h', '127.0.0.1', '-p', String(tlsPort)],
          ...['-u', 'balcon-chiffre', '-P', token, '-i', 'balcon-chiffre', '-q', '1'],
          ...['-t', TOPIC, '-m', '{"values":{"pm25":4.5}}'],
        ],
        { encoding: 'utf8', timeout: 10_000 },
      );
      expect(pub.stderr).toBe('');
      expect(pub.status).toBe(0);

      const device = await connect('balcon-chiffre', token, ca);
      await device.publishAsync(TOPIC, '{"values":{"pm25":5.5}}', { qos: 1 });
      await device.endAsync();

      await expect
        .poll(() => received.sort())
        .toEqual(['{"values":{"pm25":4.5}}', '{"values":{"pm25":5.5}}']);
    } finally {
      await service.endAsync();
    }
  });

  it('refuses a client that does not trust the certificate, and a wrong token over TLS', async () => {
    const pub = spawnSync(
      'mosquitto_pub',
      [
        ...['--cafile', other.caFile, '-h', '127.0.0.1', '-p', String(tlsPort)],
        ...['-u', 'balcon-chiffre', '-P', token, '-t', TOPIC, '-m', '{}'],
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );
    expect(pub.status).not.toBe(0);
    await expect(connect('balcon-chiffre', token, other)).rejects.toThrow();
    await expect(connect('balcon-chiffre', 'not-the-token', ca)).rejects.toThrow(/Not authorized|Bad user/i);
  });

  it('remembers the listener, removes it with --tls-cert none, and says what is missing', async () => {
    const dir = join(folder.dir, 'mosquitto');
    expect(readFileSync(conf, 'utf8')).toContain(
      `listener ${tlsPort}\ncertfile ${ca.certFile}\nkeyfile ${ca.keyFile}\ncafile ${ca.caFile}\n`,
    );
    // Remembered for the reruns that `souffle device` makes after each change.
    expect(savedOptions(dir).tls).toEqual({
      port: tlsPort,
      certFile: ca.certFile,
      keyFile: ca.keyFile,
      caFile: ca.caFile,
    });
    expect((await runCli(['mosquitto-config', dir, '--tls-cert', 'none'], env())).code).toBe(0);
    expect(readFileSync(conf, 'utf8')).not.toMatch(/certfile|keyfile|listener \d+\ncertfile/);

    const half = await runCli(['mosquitto-config', dir, '--tls-cert', ca.certFile], env());
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('needs both --tls-cert <file> and --tls-key <file>');
  });
});
