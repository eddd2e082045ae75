import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { bumpCounters } from '../../data/store/counters.js';
import { ADMIN_TOKEN, fixture, json, type Fixture, citizen } from './fixtures.js';

let f: Fixture;

beforeAll(async () => {
  f = await fixture();
  await bumpCounters(f.db, [
    { name: 'souffle_ingest_messages_received_total', value: 42 },
    { name: 'souffle_ingest_values_rejected_total', labels: 'reason="range"', value: 3 },
  ]);
});
afterAll(() => f.cleanup());

describe('GET /healthz', () => {
  it('is ok when the database answers and no broker is configured', async () => {
    const res = await f.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'ok', database: { ok: true }, broker: { ok: null } });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('is degraded (still 200: reads work) when the broker is unreachable', async () => {
    const app = createApp({
      db: f.db,
      adminToken: ADMIN_TOKEN,
      publicUrl: 'http://localhost',
      mqttUrl: 'mqtt://localhost',
      publish: async () => {},
      brokerConnected: () => false,
    });
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'degraded', broker: { ok: false, outbox: 0 } });
    // An accepted push waits in the outbox while the broker is away, and operators see it.
    await citizen(f.db, { id: 'outbox-kit', lat: 43.3, lon: 5.4, format: 'airrohr' });
    await f.db
      .insertInto('push_outbox')
      .values({
        device_id: 'outbox-kit',
        topic: 'souffle/v1/outbox-kit/airrohr',
        payload: '{}',
        received_at: 0,
      })
      .execute();
    expect(await json(await app.request('/healthz'))).toMatchObject({ broker: { outbox: 1 } });
    expect(await (await app.request('/metrics')).text()).toContain('souffle_api_push_outbox_pending 1');
    await f.db.deleteFrom('push_outbox').execute();
  });

  it('answers 503 when the database does not', async () => {
    const other = await fixture();
    await other.handle.close();
    const res = await other.app.request('/healthz');
    expect(res.status).toBe(503);
    expect(await json(res)).toMatchObject({ status: 'down', database: { ok: false } });
    await other.cleanup();
  });
});

describe('GET /metrics', () => {
  it('exposes requests by route and status, the ingest counters and the database size', async () => {
    await f.app.request('/api/v1/stations');
    await f.app.request('/api/v1/stations/nope');
    await f.app.request('/api/v1/stations/nope');
    await f.app.request('/no/such/path');
    const res = await f.app.request('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain(
      'souffle_http_requests_total{method="GET",route="/api/v1/stations",status="200"} 1',
    );
    expect(text).toContain(
      'souffle_http_requests_total{method="GET",route="/api/v1/stations/:id",status="404"} 2',
    );
    expect(text).toContain('souffle_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toMatch(/souffle_http_request_duration_seconds_count\{route="\/api\/v1\/stations\/:id"\} 2/);
    expect(text).toContain('# TYPE souffle_ingest_messages_received_total counter');
    expect(text).toContain('souffle_ingest_messages_received_total 42');
    expect(text).toContain('souffle_ingest_values_rejected_total{reason="range"} 3');
    expect(Number(/souffle_db_size_bytes (\d+)/.exec(text)![1])).toBeGreaterThan(4096);
  });

  it('is valid exposition text: every sample line is "name{labels} number"', async () => {
    const text = await (await f.app.request('/metrics')).text();
    for (const line of text.trim().split('\n')) {
      // Blank lines are allowed by the format (prom-client writes one between families).
      if (line.startsWith('#') || line === '') continue;
      // prom-client writes a gauge not yet measured as "Nan", which parsers read case-insensitively.
      expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (-?[\d.e+-]+|NaN|Nan|[+-]Inf)$/);
    }
  });
});
