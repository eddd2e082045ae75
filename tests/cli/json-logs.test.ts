// `souffle api` with LOG_FORMAT=json, as journald or Loki would read it: every stderr line is one
// JSON object, and each request is logged once with the id the client saw.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../testing/free-port.js';
import { SOUFFLE_BIN } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-db.js';

describe('souffle api with LOG_FORMAT=json', () => {
  const tmp = tempDir();
  let child: ChildProcess;
  let stdout = '';
  let stderr = '';
  let api: string;

  beforeAll(async () => {
    const [port, mqttPort] = [await freePort(), await freePort()];
    api = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [SOUFFLE_BIN, 'api'], {
      env: {
        ...process.env,
        SOUFFLE_DB: join(tmp.dir, 'souffle.db'),
        PORT: String(port),
        HOST: '127.0.0.1',
        // No broker listens there: the API still serves reads.
        MQTT_URL: `mqtt://127.0.0.1:${mqttPort}`,
        LOG_FORMAT: 'json',
        SOUFFLE_ADMIN_TOKEN: 'json-logs-admin-token-0123456789',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const deadline = Date.now() + 30_000;
    while (!stdout.includes('listening on')) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`souffle api did not start:\n${stdout}${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    tmp.cleanup();
  });

  it('writes one JSON object a line, with the request logged under its X-Request-Id', async () => {
    const res = await fetch(`${api}/api/v1/stations?source=citizen`, {
      headers: { 'X-Request-Id': 'ops-test-1' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('ops-test-1');
    await res.text();
    await expect.poll(() => stderr).toContain('ops-test-1');
    const events = stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.find((e) => e.requestId === 'ops-test-1')).toMatchObject({
      level: 'info',
      scope: 'souffle api',
      msg: 'request',
      method: 'GET',
      route: '/api/v1/stations',
      status: 200,
    });
    expect(stderr).not.toContain('source=citizen');
  });
});
