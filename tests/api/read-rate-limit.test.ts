// The per-address read rate limit (docs/security.md, "Read rate limit"), on a real HTTP server with
// one client address per 127.0.0.x: RateLimit-Policy and RateLimit fields on each limited read,
// 429 with Retry-After beyond the quota, the quota back as the clock moves, and X-Forwarded-For
// believed from a trusted proxy only.
import { get, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { forwardedClient, trustedProxySet } from '../../api/client-address.js';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { loadConfig, parseReadRateLimit, parseTrustedProxies } from '../../cli/config.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { ADMIN_TOKEN, NOW } from './fixtures.js';

let handle: TempDb;
let direct: ApiServer;
let proxied: ApiServer;
let clock = NOW;

function serve(trustedProxies?: string): Promise<ApiServer> {
  const app = createApp({
    db: handle.db,
    adminToken: ADMIN_TOKEN,
    publicUrl: 'https://souffle.example.org',
    mqttUrl: 'mqtt://souffle.example.org:1883',
    now: () => clock,
    webDir: '/nonexistent-souffle-web',
    readRateLimit: { quota: 3, windowSeconds: 60 },
    trustedProxies: trustedProxies === undefined ? undefined : parseTrustedProxies(trustedProxies),
  });
  return startApiServer({ app, port: 0, host: '127.0.0.1' });
}

beforeAll(async () => {
  handle = await tempDb();
  direct = await serve();
  proxied = await serve('127.0.0.1, 10.0.0.0/8');
});

afterAll(async () => {
  await direct?.close();
  await proxied?.close();
  await handle?.cleanup();
});

type Answer = { status: number; headers: IncomingMessage['headers']; body: string };

function read(
  server: ApiServer,
  path: string,
  options: { from?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    get(
      `http://127.0.0.1:${server.port}${path}`,
      { localAddress: options.from ?? '127.0.0.1', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    ).on('error', reject);
  });
}

describe('read rate limit', () => {
  it('counts reads per address, says what is left, refuses with 429 and Retry-After, and refills with time', async () => {
    clock = NOW;
    const from = '127.0.0.2';
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await read(direct, '/api/v1/phenomena', { from }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.headers['ratelimit-policy'])).toEqual(Array(3).fill('"reads";q=3;w=60'));
    // 3 a minute: one read back every 20 s, so the whole quota is back 20, 40 and 60 s after.
    expect(answers.map((a) => a.headers.ratelimit)).toEqual([
      '"reads";r=2;t=20',
      '"reads";r=1;t=40',
      '"reads";r=0;t=60',
    ]);

    const refused = await read(direct, '/api/v1/stations', { from });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('20');
    expect(refused.headers.ratelimit).toBe('"reads";r=0;t=60');
    const error = (JSON.parse(refused.body) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('too_many_requests');
    expect(error.message).toMatch(/more than 3 reads in 60 s from this address; retry in 20 s/);

    // Another address has its own quota; X-Forwarded-For from a peer that is no trusted proxy
    // changes nothing.
    expect((await read(direct, '/api/v1/phenomena', { from: '127.0.0.3' })).status).toBe(200);
    const spoofed = await read(direct, '/api/v1/phenomena', {
      from,
      headers: { 'X-Forwarded-For': '203.0.113.9' },
    });
    expect(spoofed.status).toBe(429);

    // Not limited: health, metrics, the API reference, and the admin's own reads.
    for (const path of ['/healthz', '/metrics', '/api/v1/docs']) {
      const answer = await read(direct, path, { from });
      expect(answer.status, path).toBe(200);
      expect(answer.headers.ratelimit, path).toBeUndefined();
    }
    const admin = await read(direct, '/api/v1/devices', {
      from,
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(admin.status).toBe(200);
    // A wrong admin token is an ordinary read, counted and refused.
    const wrong = await read(direct, '/api/v1/devices', { from, headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(429);

    clock = NOW + 20_000;
    const again = await read(direct, '/api/v1/phenomena', { from });
    expect(again.status).toBe(200);
    expect(again.headers.ratelimit).toBe('"reads";r=0;t=60');
  });

  it('lets a page on another site read a refusal (CORS headers, exposed RateLimit and Retry-After)', async () => {
    clock = NOW + 3_600_000;
    const from = '127.0.0.5';
    const origin = { Origin: 'https://blog.example.net' };
    for (let i = 0; i < 3; i++) await read(direct, '/api/v1/stations', { from, headers: origin });
    const refused = await read(direct, '/api/v1/stations', { from, headers: origin });
    expect(refused.status).toBe(429);
    expect(refused.headers['access-control-allow-origin']).toBe('*');
    const exposed = String(refused.headers['access-control-expose-headers']).split(/,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['RateLimit', 'RateLimit-Policy', 'Retry-After']));
  });

  it('behind a trusted proxy, counts each client by the address the proxy appended to X-Forwarded-For', async () => {
    clock = NOW + 7_200_000;
    const via = (client: string) => ({ headers: { 'X-Forwarded-For': client } });
    for (let i = 0; i < 3; i++)
      expect((await read(proxied, '/api/v1/phenomena', via('203.0.113.5'))).status).toBe(200);
    expect((await read(proxied, '/api/v1/phenomena', via('203.0.113.5'))).status).toBe(429);
    // A second client behind the same proxy is not held back by the first.
    expect((await read(proxied, '/api/v1/phenomena', via('203.0.113.6'))).status).toBe(200);
    // What the client wrote itself (left of the proxy's entry) does not choose the key.
    expect((await read(proxied, '/api/v1/phenomena', via('198.51.100.1, 203.0.113.5'))).status).toBe(429);
    // A peer that is not a trusted proxy is counted under its own address, whatever it sends.
    const from = '127.0.0.6';
    for (let i = 0; i < 3; i++)
      await read(proxied, '/api/v1/phenomena', { from, ...via(`198.51.100.${i + 10}`) });
    expect((await read(proxied, '/api/v1/phenomena', { from, ...via('198.51.100.99') })).status).toBe(429);
  });
});

describe('client address', () => {
  const trusted = trustedProxySet(parseTrustedProxies('127.0.0.1, 10.0.0.0/8, ::1'));

  it('walks X-Forwarded-For from the right past trusted hops, and stops at an entry that is no address', () => {
    expect(forwardedClient('127.0.0.1', '203.0.113.5', trusted)).toBe('203.0.113.5');
    expect(forwardedClient('::ffff:127.0.0.1', '198.51.100.1, 203.0.113.5, 10.1.2.3', trusted)).toBe(
      '203.0.113.5',
    );
    expect(forwardedClient('127.0.0.1', '10.0.0.1, 10.0.0.2', trusted)).toBe('10.0.0.1');
    expect(forwardedClient('127.0.0.1', 'junk, 10.0.0.2', trusted)).toBe('10.0.0.2');
    expect(forwardedClient('192.0.2.1', '203.0.113.5', trusted)).toBe('192.0.2.1');
    expect(forwardedClient('::1', '2001:db8::5', trusted)).toBe('2001:db8::5');
  });

  it('refuses a trusted proxy that is no address or range', () => {
    for (const bad of ['localhost', '10.0.0.0/33', '1.2.3', '10.0.0.0/8/1']) {
      expect(() => parseTrustedProxies(bad), bad).toThrow(/is not an IP address or a CIDR range/);
    }
  });
});

describe('SOUFFLE_READ_RATE_LIMIT', () => {
  it('reads a quota per second, minute or hour, is on by default, and off when asked', () => {
    expect(parseReadRateLimit('120/min')).toEqual({ quota: 120, windowSeconds: 60 });
    expect(parseReadRateLimit('10/s')).toEqual({ quota: 10, windowSeconds: 1 });
    expect(parseReadRateLimit('5000/h')).toEqual({ quota: 5000, windowSeconds: 3600 });
    expect(parseReadRateLimit('90')).toEqual({ quota: 90, windowSeconds: 60 });
    expect(loadConfig({}).SOUFFLE_READ_RATE_LIMIT).toEqual({ quota: 300, windowSeconds: 60 });
    expect(loadConfig({ SOUFFLE_READ_RATE_LIMIT: 'off' }).SOUFFLE_READ_RATE_LIMIT).toBeUndefined();
    expect(loadConfig({}).SOUFFLE_TRUSTED_PROXIES).toEqual([]);
  });

  it('names the variable and the expected form when a value is wrong', () => {
    expect(() => loadConfig({ SOUFFLE_READ_RATE_LIMIT: '1.5/min' })).toThrow(
      /SOUFFLE_READ_RATE_LIMIT="1.5\/min": "1.5\/min" is not a read rate limit \(examples: 120\/min/,
    );
    expect(() => loadConfig({ SOUFFLE_TRUSTED_PROXIES: 'proxy.lan' })).toThrow(
      /SOUFFLE_TRUSTED_PROXIES="proxy.lan": "proxy.lan" is not an IP address/,
    );
  });
});
