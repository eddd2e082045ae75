// Failed device logins are throttled per source address before the token's scrypt hash
// (docs/security.md, "Failed logins"): requests from one address that keeps guessing get 429 with
// Retry-After, unchecked, while a device at another address logs in at once. Real HTTP requests
// from distinct loopback addresses (127.0.0.2, 127.0.0.3, …) to a real server.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { ADMIN_TOKEN, citizen, NOW } from './fixtures.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';

const LIMIT = 10;
const WINDOW_MS = 60_000;

type Answer = { status: number; retryAfter: string | undefined; body: string };

describe('failed device logins', () => {
  let handle: TempDb;
  let server: ApiServer;
  let clock = NOW;
  let token = '';

  beforeAll(async () => {
    handle = await tempDb();
    token = (await citizen(handle.db, { id: 'kit', lat: 43.3, lon: 5.4, format: 'airrohr' })).token;
    const app = createApp({
      db: handle.db,
      adminToken: ADMIN_TOKEN,
      publicUrl: 'https://souffle.example.org',
      mqttUrl: 'mqtt://souffle.example.org:1883',
      webDir: '/nonexistent-souffle-web',
      now: () => clock,
      authThrottle: { limit: LIMIT, windowMs: WINDOW_MS },
    });
    server = await startApiServer({ app, port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await server?.close();
    await handle?.cleanup();
  });

  /** A request from `from` (a loopback address) as device "kit" with `secret`. */
  function send(from: string, method: 'GET' | 'POST', path: string, secret: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          localAddress: from,
          method,
          path,
          agent: false,
          headers: {
            Authorization: `Basic ${Buffer.from(`kit:${secret}`).toString('base64')}`,
            'Content-Type': 'application/json',
            'X-Sensor': 'esp8266-1234567',
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body }),
          );
        },
      );
      req.on('error', reject);
      req.end(method === 'POST' ? '{"sensordatavalues":[]}' : undefined);
    });
  }
  const push = (from: string, secret: string) => send(from, 'POST', '/api/v1/push/airrohr', secret);
  const status = (from: string, secret: string) => send(from, 'GET', '/api/v1/devices/kit/status', secret);

  it('answers 429 with Retry-After once an address failed too often, without checking even a right token', async () => {
    for (let i = 0; i < LIMIT; i++) {
      expect((await push('127.0.0.2', `wrong-${i}`)).status).toBe(401);
    }
    // The right token from the same address: refused unchecked, on both device endpoints.
    const refused = await status('127.0.0.2', token);
    expect(refused).toMatchObject({ status: 429, retryAfter: '60' });
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'too_many_failed_logins' } });
    expect(await push('127.0.0.2', token)).toMatchObject({ status: 429, retryAfter: '60' });

    // The device at another address logs in at once.
    expect((await status('127.0.0.3', token)).status).toBe(200);

    // Once the window is over, the address may try again.
    clock += 30_000;
    expect(await status('127.0.0.2', token)).toMatchObject({ status: 429, retryAfter: '30' });
    clock += 30_000;
    expect((await status('127.0.0.2', token)).status).toBe(200);
  });

  it('lets no more than the limit through when wrong tokens arrive all at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 * LIMIT }, (_, i) => status('127.0.0.4', `wrong-${i}`)),
    );
    const counts = answers.reduce<Record<number, number>>(
      (n, a) => ({ ...n, [a.status]: (n[a.status] ?? 0) + 1 }),
      {},
    );
    expect(counts).toEqual({ 401: LIMIT, 429: 4 * LIMIT });
  });

  it('does not count successful logins against the address', async () => {
    for (let i = 0; i < 3 * LIMIT; i++) expect((await status('127.0.0.5', token)).status).toBe(200);
    for (let i = 0; i < LIMIT; i++) expect((await status('127.0.0.5', `wrong-${i}`)).status).toBe(401);
    expect((await status('127.0.0.5', token)).status).toBe(429);
  });
});
