// Large public reads cannot stall the process (docs/security.md, "Public reads and ingest"):
// exports and raw series of more than one chunk share one limit per client address and in all
// (429 too_many_large_reads with Retry-After beyond it), their slots come back when they end, and
// a raw series of 100 000 points lets a request that arrives while it is read be answered first.
import { get, type IncomingMessage } from 'node:http';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { RAW_SERIES_CHUNK_POINTS } from '../../api/raw-series-chunks.js';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { ADMIN_TOKEN, NOW, reference } from './fixtures.js';

const SERIES = 20;
const ROWS_PER_SERIES = 10_000;
/** The raw series read while another request arrives: 20 chunks. */
const BIG_POINTS = 100_000;

let handle: TempDb;
let server: ApiServer;
/** Resolves the promise waitForChunkRead() returned, when a read returns a full chunk of rows. */
let onChunkRead: (() => void) | undefined;

// Tells the test when the server has read (at least) one chunk of a raw series, from inside the
// server's own database calls: the moment to send a request that must not wait for the rest.
const chunkObserver: KyselyPlugin = {
  transformQuery: (args) => args.node,
  transformResult: async (args) => {
    if (args.result.rows.length >= RAW_SERIES_CHUNK_POINTS) onChunkRead?.();
    return args.result;
  },
};

function waitForChunkRead(): Promise<void> {
  return new Promise((resolve) => {
    onChunkRead = () => {
      onChunkRead = undefined;
      resolve();
    };
  });
}

beforeAll(async () => {
  handle = await tempDb();
  for (let s = 0; s < SERIES; s++) await reference(handle.db, { id: `FR-${s}`, lat: 43 + s / 100, lon: 5 });
  await reference(handle.db, { id: 'FR-big', lat: 44, lon: 5 });
  const sqlite = handle.sqlite;
  const addSeries = sqlite.prepare(
    'insert into series (station_id, phenomenon, sensor, unit) values (?, ?, ?, ?)',
  );
  const addReading = sqlite.prepare(
    'insert into readings (series_id, time, value, flags, validation) values (?, ?, ?, 0, ?)',
  );
  const add = (station: string, rows: number) => {
    const id = Number(addSeries.run(station, 'pm25', 'reference', 'µg/m³').lastInsertRowid);
    for (let i = 0; i < rows; i++) addReading.run(id, NOW - (rows - i) * 60_000, (i % 997) / 10, 'validated');
  };
  sqlite.transaction(() => {
    for (let s = 0; s < SERIES; s++) add(`FR-${s}`, ROWS_PER_SERIES);
    add('FR-big', BIG_POINTS);
  })();
  const app = createApp({
    db: handle.db.withPlugin(chunkObserver),
    adminToken: ADMIN_TOKEN,
    publicUrl: 'https://souffle.example.org',
    mqttUrl: 'mqtt://souffle.example.org:1883',
    now: () => NOW,
    webDir: '/nonexistent-souffle-web',
    largeReads: { concurrent: 3, perAddress: 2 },
  });
  server = await startApiServer({ app, port: 0, host: '127.0.0.1' });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await handle?.cleanup();
});

const from = new Date(NOW - ROWS_PER_SERIES * 60_000).toISOString();
const exportPath = `/api/v1/export?format=geojson&from=${from}`;
const seriesPath = (station: string, limit: number) =>
  `/api/v1/stations/${station}/series?phenomenon=pm25&step=raw&limit=${limit}` +
  `&from=${new Date(NOW - BIG_POINTS * 60_000).toISOString()}`;

/**
 * Starts a request from `localAddress` (any 127.x.y.z reaches the server on Linux: one client
 * address each) and resolves once its status and headers arrived (the body may still stream).
 */
function request(path: string, localAddress = '127.0.0.1'): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(
      `http://127.0.0.1:${server.port}${path}`,
      { headers: { 'Accept-Encoding': 'identity' }, localAddress },
      resolve,
    ).on('error', reject);
  });
}

function text(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body += chunk));
    res.on('end', () => resolve(body));
    res.on('error', reject);
  });
}

async function expectRefused(res: IncomingMessage) {
  expect(res.statusCode).toBe(429);
  expect(res.headers['retry-after']).toBe('5');
  const body = JSON.parse(await text(res)) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('too_many_large_reads');
  expect(body.error.message).toMatch(/retry in 5 s/);
}

/** A request that once the slots are free answers 200 (a slot is given back after its read ends). */
async function whenFree(path: string, localAddress?: string): Promise<IncomingMessage> {
  for (let i = 0; i < 100; i++) {
    const res = await request(path, localAddress);
    if (res.statusCode === 200) return res;
    res.resume();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${path} still refused`);
}

describe('large reads', () => {
  it('refuses exports and long series beyond the per-address limit, answers small reads and /healthz meanwhile', async () => {
    // Two exports from one address, not read by their client: they stay open, each holding a slot.
    const streaming = [await request(exportPath), await request(exportPath)];
    try {
      expect(streaming.map((r) => r.statusCode)).toEqual([200, 200]);
      await expectRefused(await request(exportPath));
      // A series of more than one chunk is a large read too, under the same limit.
      await expectRefused(await request(seriesPath('FR-0', ROWS_PER_SERIES)));
      // One chunk or less is not.
      const small = await request(seriesPath('FR-0', RAW_SERIES_CHUNK_POINTS));
      expect(small.statusCode).toBe(200);
      expect((JSON.parse(await text(small)) as { points: unknown[] }).points).toHaveLength(
        RAW_SERIES_CHUNK_POINTS,
      );
      const health = await request('/healthz');
      health.resume();
      expect(health.statusCode).toBe(200);
      expect(streaming.map((r) => r.complete)).toEqual([false, false]);
    } finally {
      for (const r of streaming) r.destroy();
    }
  });

  it('refuses a long series from another address once the global limit is reached', async () => {
    const streaming = [await whenFree(exportPath), await whenFree(exportPath)];
    try {
      const third = await whenFree(exportPath, '127.0.0.2');
      streaming.push(third);
      // 127.0.0.3 has no read running, but three run in all.
      await expectRefused(await request(seriesPath('FR-1', ROWS_PER_SERIES), '127.0.0.3'));
      await expectRefused(await request(exportPath, '127.0.0.3'));
    } finally {
      for (const r of streaming) r.destroy();
    }
  });

  it('gives the slots back when reads end or their clients go away', async () => {
    const series = await whenFree(seriesPath('FR-2', ROWS_PER_SERIES), '127.0.0.3');
    const body = JSON.parse(await text(series)) as { points: unknown[]; next: string | null };
    expect(body.points).toHaveLength(ROWS_PER_SERIES);
    // Three in a row from one address: each gave its slot back when its answer was built.
    for (let i = 0; i < 3; i++) {
      const again = await request(seriesPath('FR-2', ROWS_PER_SERIES), '127.0.0.3');
      expect(again.statusCode).toBe(200);
      await text(again);
    }
    const to = new Date(NOW - (ROWS_PER_SERIES - 10) * 60_000).toISOString();
    const shortExport = await whenFree(`${exportPath}&to=${to}`);
    await text(shortExport);
  });

  it('writes a CSV series of several chunks whole, with the link to the next page', async () => {
    const res = await whenFree(`${seriesPath('FR-4', ROWS_PER_SERIES)}&format=csv`);
    const lines = (await text(res)).split('\r\n');
    expect(lines[0]).toBe('time,value,min,max,n,flags');
    expect(lines.slice(1, -1)).toHaveLength(ROWS_PER_SERIES);
    expect(lines.at(-1)).toBe('');
    expect(lines[RAW_SERIES_CHUNK_POINTS + 1]).toBe(
      `${new Date(NOW - (ROWS_PER_SERIES - RAW_SERIES_CHUNK_POINTS) * 60_000).toISOString()},${(RAW_SERIES_CHUNK_POINTS % 997) / 10},${(RAW_SERIES_CHUNK_POINTS % 997) / 10},${(RAW_SERIES_CHUNK_POINTS % 997) / 10},1,`,
    );
    expect(res.headers.link).toMatch(/rel="next"/);
  });

  it('answers a request that arrives while a 100 000-point series is read before that series', async () => {
    const order: string[] = [];
    const chunkRead = waitForChunkRead();
    const big = request(seriesPath('FR-big', BIG_POINTS), '127.0.0.4').then((res) => {
      order.push('large series answered');
      return res;
    });
    // Sent once the server has read the first chunk: without a yield between chunks, the server
    // would not read it before the whole series is answered.
    await chunkRead;
    const small = await request(seriesPath('FR-3', 10), '127.0.0.5');
    const smallBody = JSON.parse(await text(small)) as { points: unknown[] };
    order.push('small series answered');
    expect(small.statusCode).toBe(200);
    expect(smallBody.points).toHaveLength(10);

    const res = await big;
    expect(res.statusCode).toBe(200);
    const raw = await text(res);
    // Written a chunk at a time, the same text as JSON.stringify of the whole answer.
    expect(raw).toBe(JSON.stringify(JSON.parse(raw)));
    const body = JSON.parse(raw) as { points: { t: number }[]; next: string | null };
    // Whole and in order across the chunks, with the cursor of a full page.
    expect(body.points).toHaveLength(BIG_POINTS);
    expect(body.points.every((p, i) => i === 0 || p.t > body.points[i - 1]!.t)).toBe(true);
    expect(body.next).not.toBeNull();
    expect(order).toEqual(['small series answered', 'large series answered']);
  });
});
