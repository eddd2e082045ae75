// Public reads cannot stall the process (docs/security.md, "Public reads and ingest"): exports
// beyond the concurrent limit from one address are refused with 429 and Retry-After, and while
// exports stream, /healthz still answers.
import { get, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { fixture, NOW, reference, type Fixture } from './fixtures.js';

const SERIES = 20;
const ROWS_PER_SERIES = 10_000;

let f: Fixture;
let server: ApiServer;

beforeAll(async () => {
  f = await fixture({ largeReads: { concurrent: 10, perAddress: 2 } });
  for (let s = 0; s < SERIES; s++) await reference(f.db, { id: `FR-${s}`, lat: 43 + s / 100, lon: 5 });
  const sqlite = f.handle.sqlite;
  const addSeries = sqlite.prepare(
    'insert into series (station_id, phenomenon, sensor, unit) values (?, ?, ?, ?)',
  );
  const addReading = sqlite.prepare(
    'insert into readings (series_id, time, value, flags, validation) values (?, ?, ?, 0, ?)',
  );
  const start = NOW - ROWS_PER_SERIES * 60_000;
  sqlite.transaction(() => {
    for (let s = 0; s < SERIES; s++) {
      const id = Number(addSeries.run(`FR-${s}`, 'pm25', 'reference', 'µg/m³').lastInsertRowid);
      for (let i = 0; i < ROWS_PER_SERIES; i++)
        addReading.run(id, start + i * 60_000, (i % 997) / 10, 'validated');
    }
  })();
  server = await startApiServer({ app: f.app, port: 0, host: '127.0.0.1' });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await f?.cleanup();
});

const from = new Date(NOW - ROWS_PER_SERIES * 60_000).toISOString();
const exportPath = `/api/v1/export?format=geojson&from=${from}`;

/** Starts a request and resolves once its status and headers arrived (the body may still stream). */
function request(path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(`http://127.0.0.1:${server.port}${path}`, { headers: { 'Accept-Encoding': 'identity' } }, resolve).on(
      'error',
      reject,
    );
  });
}

describe('concurrent exports', () => {
  it('refuses exports beyond the per-address limit with 429 and Retry-After, and answers /healthz while two stream', async () => {
    const streaming = [await request(exportPath), await request(exportPath)];
    try {
      expect(streaming.map((r) => r.statusCode)).toEqual([200, 200]);
      // Both read as fast as they can: the process is busy with them.
      let bytes = 0;
      for (const r of streaming) r.on('data', (chunk: Buffer) => (bytes += chunk.length));

      const extra = await request(exportPath);
      extra.resume();
      expect(extra.statusCode).toBe(429);
      expect(extra.headers['retry-after']).toBe('5');

      const health = await request('/healthz');
      health.resume();
      expect(health.statusCode).toBe(200);
      // Answered while both exports were still in progress.
      expect(streaming.map((r) => r.complete)).toEqual([false, false]);
      expect(bytes).toBeGreaterThan(0);
    } finally {
      for (const r of streaming) r.destroy();
    }
  });

  it('gives the slots back when exports end or their clients go away', async () => {
    // A short export, read to its end, once the two above were dropped by their clients.
    const to = new Date(NOW - (ROWS_PER_SERIES - 10) * 60_000).toISOString();
    let again: IncomingMessage | undefined;
    for (let i = 0; i < 50; i++) {
      again = await request(`${exportPath}&to=${to}`);
      if (again.statusCode === 200) break;
      again.resume();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(again?.statusCode).toBe(200);
    await new Promise((resolve) => again?.resume().on('end', resolve));
  });
});
