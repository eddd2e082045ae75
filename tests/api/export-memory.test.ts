// An export of a million rows through a real HTTP server, with the process's memory sampled while
// it streams: memory must stay flat (bounded well below the size of the export), because pages are
// read only as the client consumes them.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { fixture, NOW, reference, type Fixture } from './fixtures.js';

const SERIES = 100;
const ROWS_PER_SERIES = 10_000;
const ROWS = SERIES * ROWS_PER_SERIES;

let f: Fixture;
let server: ApiServer;

beforeAll(async () => {
  f = await fixture();
  for (let s = 0; s < 10; s++) await reference(f.db, { id: `FR-${s}`, lat: 43 + s / 100, lon: 5 + s / 100 });
  // Seeding fast: raw prepared statements in one transaction (no rollups: the raw export reads rows).
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
      const id = Number(
        addSeries.run(
          `FR-${s % 10}`,
          ['pm25', 'pm10', 'no2', 'o3', 'so2', 'co', 'pm1', 'temperature', 'humidity', 'pressure'][
            Math.floor(s / 10)
          ],
          'reference',
          'µg/m³',
        ).lastInsertRowid,
      );
      for (let i = 0; i < ROWS_PER_SERIES; i++)
        addReading.run(id, start + i * 60_000, (i % 997) / 10, 'validated');
    }
  })();
  server = await startApiServer({ app: f.app, port: 0, host: '127.0.0.1' });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await f?.cleanup();
});

/** A slow client in its own process (~20 MB/s): reads the export and reports what it got. */
const SLOW_CLIENT = `
const http = require('node:http');
http.get(process.argv[1], { headers: { 'Accept-Encoding': 'identity' } }, (res) => {
  let lines = 0, bytes = 0, tail = '', since = 0;
  res.on('data', (chunk) => {
    bytes += chunk.length; since += chunk.length;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines += 1;
    tail = (tail + chunk.toString('utf8')).slice(-300);
    if (since > 1 << 20) { since = 0; res.pause(); setTimeout(() => res.resume(), 50); }
  });
  res.on('end', () => process.stdout.write(JSON.stringify({ status: res.statusCode, lines, bytes, tail })));
});
`;

describe('a one-million-row export', () => {
  it('streams every row to a slow client while the memory of the server stays flat', async () => {
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const child = spawn(process.execPath, [
      '-e',
      SLOW_CLIENT,
      `http://127.0.0.1:${server.port}/api/v1/export?format=csv`,
    ]);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise((resolve) => child.on('exit', resolve));
    clearInterval(sampler);
    const got = JSON.parse(out) as { status: number; lines: number; bytes: number; tail: string };
    expect(got.status).toBe(200);
    expect(got.lines).toBe(ROWS + 1); // header + one line per value
    expect(got.tail).toMatch(
      /FR-9,atmosud,43\.09,5\.09,temperature,reference,µg\/m³,2026-03-10T20:29:00\.000Z,[\d.]+,,validated,,,,ODbL-1\.0,AtmoSud\r\n$/,
    );
    // The export is ~85 MB; a server that buffered it while the client lagged would grow by most
    // of that (measured: +85 MB when the stream ignores backpressure, +14 MB as it is).
    expect(got.bytes / 2 ** 20).toBeGreaterThan(80);
    expect((peak - baseline) / 2 ** 20).toBeLessThan(40);
  });
});
