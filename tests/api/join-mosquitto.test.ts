// A citizen who joins with a code can log in to a production Mosquitto: the API's onDevicesChanged,
// wired as `souffle api` wires it (SOUFFLE_MOSQUITTO_DIR), rewrites the broker's password file and
// ACL, and after Mosquitto reloads them (SIGHUP) the new sensor's credentials publish.
import { chmodSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { loadConfig } from '../../cli/config.js';
import { mosquittoRefresher } from '../../cli/mosquitto-config.js';
import type { DeviceConnection } from '../../data/device-connection.js';
import { createEnrolmentCode } from '../../data/store/enrolment-codes.js';
import { writeMosquittoConfig } from '../../ingest/mosquitto-config.js';
import { freePort } from '../../testing/free-port.js';
import { mosquittoProcess } from '../../testing/mosquitto.js';
import { publishAs, SERVICE } from '../ingest/ingest-helpers.js';
import { tempDb, tempDir, type TempDb } from '../helpers/temp-db.js';
import { ADMIN_TOKEN } from './fixtures.js';

describe('a citizen joining reaches the generated Mosquitto', () => {
  let db: TempDb;
  let folder: { dir: string; cleanup: () => void };
  let broker: ReturnType<typeof mosquittoProcess>;
  let port: number;

  beforeAll(async () => {
    db = await tempDb();
    folder = tempDir('souffle-mosquitto-');
    chmodSync(folder.dir, 0o755); // the broker's own user must reach the files
    port = await freePort();
    const options = {
      port,
      bind: '127.0.0.1',
      outageMs: 3_600_000,
      plannedDevices: 0,
      nativeIntervalMs: 60_000,
      brokerPath: folder.dir,
    };
    const written = await writeMosquittoConfig(db.db, folder.dir, options, SERVICE);
    broker = mosquittoProcess(written.files.conf, port);
    await broker.start();
  });
  afterAll(async () => {
    await broker?.stop();
    await db?.cleanup();
    folder?.cleanup();
  });

  it('writes the new device into the password file, and its token then publishes', async () => {
    const config = loadConfig({
      SOUFFLE_DB: db.env.SOUFFLE_DB,
      SOUFFLE_MOSQUITTO_DIR: folder.dir,
      SOUFFLE_MQTT_USERNAME: SERVICE.username,
      SOUFFLE_MQTT_PASSWORD: SERVICE.password,
    });
    const lines: string[] = [];
    const app = createApp({
      db: db.db,
      adminToken: ADMIN_TOKEN,
      publicUrl: 'https://souffle.example.org',
      mqttUrl: `mqtt://127.0.0.1:${port}`,
      webDir: '/nonexistent-souffle-web',
      onDevicesChanged: mosquittoRefresher(db.db, config, (line) => lines.push(line)),
    });
    const { code } = await createEnrolmentCode(db.db, { uses: 1, expiresAt: null });
    const res = await app.request('/api/v1/join', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code, acceptLicence: true, name: 'Balcon Endoume', lat: 43.28, lon: 5.35 }),
    });
    expect(res.status).toBe(201);
    const { connection } = (await res.json()) as { connection: DeviceConnection };

    await expect.poll(() => lines.join('\n'), { timeout: 15_000 }).toContain("Updated Mosquitto's passwd");
    expect(readFileSync(`${folder.dir}/passwd`, 'utf8')).toMatch(/^balcon-endoume:\$7\$/m);

    broker.signal('SIGHUP');
    const credentials = { username: connection.mqtt.username, password: connection.mqtt.password };
    const payload = JSON.stringify({ ts: '2026-12-06T02:00:00Z', values: { pm25: 8.5 } });
    // Mosquitto reloads on its next loop: poll until the login is accepted.
    await expect
      .poll(
        () =>
          publishAs(`mqtt://127.0.0.1:${port}`, credentials, connection.topic, payload).then(
            () => 'published',
            (e: Error) => e.message,
          ),
        { timeout: 15_000, interval: 200 },
      )
      .toBe('published');
    // And a wrong token is still refused.
    await expect(
      publishAs(`mqtt://127.0.0.1:${port}`, { ...credentials, password: 'wrong' }, connection.topic, payload),
    ).rejects.toThrow();
  });
});
