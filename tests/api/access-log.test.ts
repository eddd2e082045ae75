// X-Request-Id and the access log: one event per request with its route pattern, status, duration,
// bytes and id, and never a token, a query string or a path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogFields } from '../../data/logger.js';
import { ADMIN_TOKEN, fixture, type Fixture } from './fixtures.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids and the access log', () => {
  let f: Fixture;
  const events: { message: string; fields: LogFields }[] = [];
  beforeAll(async () => {
    f = await fixture({ accessLog: (message, fields) => events.push({ message, fields }) });
  });
  afterAll(() => f.cleanup());

  it('echoes a sane X-Request-Id and logs the request under it', async () => {
    const res = await f.app.request('/api/v1/stations', { headers: { 'X-Request-Id': 'proxy-42.a' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('proxy-42.a');
    // The event is written once the body has gone out: bytes are those sent.
    const body = await res.arrayBuffer();
    const event = events.find((e) => e.fields.requestId === 'proxy-42.a');
    expect(event).toMatchObject({
      message: 'request',
      fields: { method: 'GET', route: '/api/v1/stations', status: 200, requestId: 'proxy-42.a' },
    });
    expect(event!.fields.ms).toEqual(expect.any(Number));
    expect(event!.fields.bytes).toBe(body.byteLength);
  });

  it('counts the bytes of a streamed, gzipped export, and logs a 304 without a body', async () => {
    const res = await f.app.request('/api/v1/export?format=csv', {
      headers: { 'Accept-Encoding': 'gzip', 'X-Request-Id': 'export-1' },
    });
    expect(res.status).toBe(200);
    const sent = await res.arrayBuffer();
    expect(events.find((e) => e.fields.requestId === 'export-1')?.fields).toMatchObject({
      route: '/api/v1/export',
      status: 200,
      bytes: sent.byteLength,
    });

    const first = await f.app.request('/api/v1/stations');
    await first.text();
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await f.app.request('/api/v1/stations', {
      headers: { 'If-None-Match': etag!, 'X-Request-Id': 'cached-1' },
    });
    expect(again.status).toBe(304);
    expect(events.find((e) => e.fields.requestId === 'cached-1')?.fields).toMatchObject({
      status: 304,
      bytes: 0,
    });
  });

  it('says when the client left before the end of the answer', async () => {
    const res = await f.app.request('/api/v1/stations', { headers: { 'X-Request-Id': 'gone' } });
    await res.body!.cancel();
    expect(events.find((e) => e.fields.requestId === 'gone')?.fields).toMatchObject({ aborted: true });
  });

  it('makes up an id when none, or an unsafe one, is given', async () => {
    const plain = await f.app.request('/healthz');
    expect(plain.headers.get('x-request-id')).toMatch(UUID);
    const forged = await f.app.request('/healthz', { headers: { 'X-Request-Id': 'a b\tlevel=error' } });
    expect(forged.headers.get('x-request-id')).toMatch(UUID);
    expect(events.some((e) => String(e.fields.requestId).includes('level=error'))).toBe(false);
  });

  it('logs the route pattern, status and bytes, never a token, query or path', async () => {
    const secret = 'super-secret-value-123';
    const res = await f.app.request(`/api/v1/devices/balcon?token=${secret}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${secret}` },
    });
    expect(res.status).toBe(401);
    await res.text();
    const id = res.headers.get('x-request-id');
    const event = events.find((e) => e.fields.requestId === id)!;
    expect(event.fields).toMatchObject({ method: 'DELETE', route: '/api/v1/devices/:id', status: 401 });
    expect(event.fields.bytes).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(secret);
    expect(JSON.stringify(event)).not.toContain('balcon');

    const admin = await f.app.request('/api/v1/devices', {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(admin.status).toBe(200);
    await admin.text();
    expect(JSON.stringify(events)).not.toContain(ADMIN_TOKEN);

    await (await f.app.request('/no/such/page')).text();
    expect(events.at(-1)!.fields).toMatchObject({ route: 'unmatched', status: 404 });
  });
});
