// `souffle device` and `souffle mosquitto-config` through the real command line.
import { execFile } from 'node:child_process';
import { pbkdf2Sync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../data/db.js';
import { NAME_MESSAGE, SERIAL_MESSAGE } from '../../data/device-registration.js';
import { authenticateDevice } from '../../data/store/devices.js';
import { tempDir } from '../helpers/temp-db.js';

type Run = { code: number; stdout: string; stderr: string };

describe('souffle device and souffle mosquitto-config', () => {
  let dir: string;
  let cleanup: () => void;
  let env: NodeJS.ProcessEnv;

  const souffle = (...args: string[]) =>
    new Promise<Run>((resolve) => {
      execFile(process.execPath, ['bin/souffle.mjs', ...args], { env }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const json = async (...args: string[]) => {
    const r = await souffle(...args, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  const withDb = async <T>(fn: (h: OpenDatabase) => Promise<T>): Promise<T> => {
    const handle = await openDatabase(env.SOUFFLE_DB!);
    try {
      return await fn(handle);
    } finally {
      await handle.close();
    }
  };

  beforeAll(() => {
    ({ dir, cleanup } = tempDir());
    env = {
      ...process.env,
      SOUFFLE_DB: join(dir, 'souffle.db'),
      SOUFFLE_PUBLIC_URL: 'https://air.example.org',
      SOUFFLE_MQTT_USERNAME: 'souffle',
      SOUFFLE_MQTT_PASSWORD: 'service-secret',
    };
    delete env.MQTT_URL;
    delete env.SOUFFLE_MOSQUITTO_DIR;
  });
  afterAll(() => cleanup());

  it('registers a device, slugging its name, and prints its connection document once', async () => {
    const doc = await json(
      'device',
      'add',
      '--name',
      'École Saint-Charles',
      '--lat',
      '43.305',
      '--lon',
      '5.38',
    );
    expect(doc).toMatchObject({
      id: 'ecole-saint-charles',
      station: 'ecole-saint-charles',
      format: 'native',
      topic: 'souffle/v1/ecole-saint-charles/readings',
      mqtt: {
        url: 'mqtt://air.example.org:1883',
        host: 'air.example.org',
        port: 1883,
        username: 'ecole-saint-charles',
        qos: 1,
      },
      serial: null,
      airrohr: null,
    });
    const token = doc.token as string;
    expect((doc.mqtt as { password: string }).password).toBe(token);
    const device = await withDb((h) => authenticateDevice(h.db, 'ecole-saint-charles', token));
    expect(device?.id).toBe('ecole-saint-charles');
  });

  it('tells a person how to connect, and maps an AirGradient serial', async () => {
    const r = await souffle(
      'device',
      'add',
      '--name',
      'Toit',
      '--lat',
      '43.3',
      '--lon',
      '5.4',
      '--format',
      'airgradient',
      '--serial',
      'ecda3b1eaaaf',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Token \(shown once, keep it\): \S{32}/);
    expect(r.stdout).toMatch(/set the MQTT broker URL to mqtt:\/\/toit:\S+@air\.example\.org:1883/);
    expect(r.stdout).toContain('airgradient/readings/ecda3b1eaaaf');
    // How the owner checks it works, at the public address; no warning, SOUFFLE_PUBLIC_URL is set.
    const token = /Token \(shown once, keep it\): (\S+)/.exec(r.stdout)![1];
    expect(r.stdout).toContain(`curl -u toit:${token} https://air.example.org/api/v1/devices/toit/status`);
    expect(r.stdout).not.toContain('SOUFFLE_PUBLIC_URL');
    const kit = await json(
      'device',
      'add',
      '--name',
      'Kit',
      '--id',
      'kit-1',
      '--lat',
      '43.3',
      '--lon',
      '5.4',
      '--format',
      'airrohr',
    );
    expect(kit.airrohr).toMatchObject({
      server: 'air.example.org',
      path: '/api/v1/push/airrohr',
      port: 443,
      https: true,
      username: 'kit-1',
    });
  });

  it('refuses what it cannot register, with exit code 2 and the reason', async () => {
    const noSerial = await souffle(
      'device',
      'add',
      '--name',
      'AG',
      '--lat',
      '1',
      '--lon',
      '2',
      '--format',
      'airgradient',
    );
    expect(noSerial.code).toBe(2);
    expect(noSerial.stderr).toContain('--serial is required for format airgradient');
    const taken = await souffle('device', 'add', '--name', 'École Saint-Charles', '--lat', '1', '--lon', '2');
    expect(taken.code).toBe(2);
    // One line saying what is wrong, not the command's whole usage under it.
    expect(taken.stderr).toMatch(
      /^souffle device: a station or device with id "ecole-saint-charles" already exists[^\n]*\n$/,
    );
    const badLat = await souffle('device', 'add', '--name', 'X', '--lat', 'north', '--lon', '2');
    expect(badLat.stderr).toContain('--lat "north" is not a number');
  });

  // The admin API refuses the same, with the same reason (tests/api/devices.test.ts): one schema,
  // data/device-registration.ts (docs/security.md, Registration).
  it.each([
    [['--format', 'airgradient', '--serial', '+'], `--serial "+": ${SERIAL_MESSAGE}`],
    [['--format', 'airgradient', '--serial', '#'], `--serial "#": ${SERIAL_MESSAGE}`],
    [['--format', 'airgradient', '--serial', 'a/b'], `--serial "a/b": ${SERIAL_MESSAGE}`],
    [['--id', 'souffle'], `--id "souffle": "souffle" is reserved for the broker's service account`],
    [['--name', '<img src=x onerror=alert(1)>'], `--name "<img src=x onerror=alert(1)>": ${NAME_MESSAGE}`],
  ])("refuses %j with the admin API's reason", async (args, expected) => {
    const r = await souffle('device', 'add', '--name', 'Station', '--lat', '43', '--lon', '5', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(expected);
  });

  it('lists devices in the admin API shape', async () => {
    const list = await json('device', 'list');
    expect(list.count).toBe(3);
    expect((list.devices as { id: string }[]).map((d) => d.id)).toEqual([
      'ecole-saint-charles',
      'kit-1',
      'toit',
    ]);
    expect((list.devices as Record<string, unknown>[])[2]).toMatchObject({
      format: 'airgradient',
      serial: 'ecda3b1eaaaf',
      lastSeen: null,
      exactLocation: false,
    });
  });

  it('rotates a token: the old one stops working, the new one works', async () => {
    const before = await json('device', 'add', '--name', 'Rotor', '--lat', '43.3', '--lon', '5.4');
    const after = await json('device', 'rotate-token', 'rotor');
    expect(after.token).not.toBe(before.token);
    await withDb(async (h) => {
      expect(await authenticateDevice(h.db, 'rotor', before.token as string)).toBeUndefined();
      expect(await authenticateDevice(h.db, 'rotor', after.token as string)).toBeDefined();
    });
    const unknown = await souffle('device', 'rotate-token', 'nobody');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no device "nobody"');
  });

  it('removes a device but keeps its station unless --purge', async () => {
    expect(await json('device', 'remove', 'rotor')).toEqual({ id: 'rotor', removed: true, purged: false });
    expect(
      await withDb((h) =>
        h.db.selectFrom('stations').select('id').where('id', '=', 'rotor').executeTakeFirst(),
      ),
    ).toBeDefined();
    expect(await json('device', 'remove', 'kit-1', '--purge')).toEqual({
      id: 'kit-1',
      removed: true,
      purged: true,
    });
    expect(
      await withDb((h) =>
        h.db.selectFrom('stations').select('id').where('id', '=', 'kit-1').executeTakeFirst(),
      ),
    ).toBeUndefined();
  });

  it('writes the Mosquitto files with a queue sized for the planned fleet, and keeps them current', async () => {
    const broker = join(dir, 'mosquitto');
    const result = await json('mosquitto-config', broker, '--devices', '200', '--port', '18830');
    expect(result.sizing).toMatchObject({ devices: 200, messagesPerHour: 12_000, maxQueued: 24_000 });
    const conf = readFileSync(join(broker, 'mosquitto.conf'), 'utf8');
    expect(conf).toContain('listener 18830');
    expect(conf).toContain('max_queued_messages 24000');
    expect(conf).toContain('persistence true');
    expect(readFileSync(join(broker, 'acl'), 'utf8')).toContain(
      'user toit\ntopic write airgradient/readings/ecda3b1eaaaf',
    );

    env.SOUFFLE_MOSQUITTO_DIR = broker;
    const added = await json('device', 'add', '--name', 'Nouveau', '--lat', '43.3', '--lon', '5.4');
    const line = readFileSync(join(broker, 'passwd'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('nouveau:'))!;
    const [, , , iterations, salt, hash] = line.split(/[:$]/);
    const expected = pbkdf2Sync(
      added.token as string,
      Buffer.from(salt!, 'base64'),
      Number(iterations),
      64,
      'sha512',
    );
    expect(expected.toString('base64')).toBe(hash);
    // The remembered options survive the rewrite.
    expect(readFileSync(join(broker, 'mosquitto.conf'), 'utf8')).toContain('listener 18830');
    await json('device', 'remove', 'nouveau');
    expect(readFileSync(join(broker, 'passwd'), 'utf8')).not.toContain('nouveau:');
  });
});
