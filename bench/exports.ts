// Exports: rows/s and size of the same raw rows as CSV (RFC 4180), CSV excel-fr and Parquet, each
// read through the export stream in this process (no HTTP: the api suite measures the server),
// beside a bare better-sqlite3 iteration of the same rows; and the process's RSS growth during
// each. 1 000 stations × 1 000 raw readings by default; SOUFFLE_BENCH_EXPORT_ROWS=10000000 for the
// issue's 10 million rows (seeding then takes a few minutes).
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { parquetMetadata } from 'hyparquet';
import { createExportStream, ExportQuerySchema, planExport } from '../api/index.js';
import { openDatabase } from '../data/index.js';
import { result, type BenchResult, type BenchSuite } from './bench-types.js';

const STATIONS = 1000;

/** A fixed-seed generator (mulberry32): the same rows on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seed(sqlite: BetterSqlite3.Database, rows: number, now: number): void {
  const random = seeded(17);
  const perStation = Math.ceil(rows / STATIONS);
  const station = sqlite.prepare(
    `insert into stations (id, source, name, lat, lon, public_lat, public_lon, exact_location, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, 0, 0, 0)`,
  );
  const series = sqlite.prepare(
    'insert into series (station_id, phenomenon, sensor, unit) values (?, ?, ?, ?)',
  );
  const reading = sqlite.prepare(
    'insert into readings (series_id, time, value, flags, validation) values (?, ?, ?, ?, ?)',
  );
  sqlite.transaction(() => {
    for (let s = 0; s < STATIONS; s++) {
      const id = `st-${String(s).padStart(4, '0')}`;
      const lat = 43.2 + (s % 40) * 0.005;
      const lon = 5.3 + Math.floor(s / 40) * 0.005;
      const atmosud = s % 10 === 0;
      station.run(id, atmosud ? 'atmosud' : 'citizen', `Station ${s}`, lat, lon, lat, lon);
      const sid = Number(series.run(id, 'pm25', 'SDS011', 'µg/m³').lastInsertRowid);
      // Stations report at their own seconds, values of one decimal that wander (a random walk,
      // from a fixed seed): regular synthetic data would compress far better than real data does.
      const phase = (s * 7919) % 120_000;
      let v = 15;
      for (let i = perStation; i > 0; i--) {
        v = Math.min(200, Math.max(0, v + (random() - 0.5) * 4));
        const value = Math.round(v * 10) / 10;
        reading.run(
          sid,
          now - i * 120_000 - phase,
          value,
          i % 50 === 0 ? 1 : 0,
          atmosud ? 'validated' : null,
        );
      }
    }
  })();
}

function bareIteration(dbPath: string): { rowsPerSecond: number; rows: number } {
  const raw = new BetterSqlite3(dbPath, { readonly: true });
  try {
    const stmt = raw.prepare(
      `select s.station_id, r.time, r.value, r.flags, r.validation from readings r
       join series s on s.id = r.series_id order by r.series_id, r.time`,
    );
    const started = performance.now();
    let n = 0;
    for (const _row of stmt.iterate()) n += 1;
    return { rowsPerSecond: n / ((performance.now() - started) / 1000), rows: n };
  } finally {
    raw.close();
  }
}

/** Reads one export to its end, counting bytes and sampling RSS between chunks. */
async function measure(dbPath: string, query: Record<string, string>) {
  const handle = await openDatabase(dbPath);
  try {
    const plan = planExport(ExportQuerySchema.parse(query), { now: Date.now(), timeZone: 'Europe/Paris' });
    if ('error' in plan) throw new Error(plan.error);
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    let bytes = 0;
    let rows = 0;
    let last: Uint8Array | undefined;
    const started = performance.now();
    const reader = createExportStream(handle.db, plan, { onProgress: (n) => (rows = n) }).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      bytes += r.value.byteLength;
      last = r.value;
      const rss = process.memoryUsage().rss;
      if (rss > peak) peak = rss;
    }
    const seconds = (performance.now() - started) / 1000;
    // A Parquet file's last chunk holds its footer: check that it counts every row exported.
    if (query.format === 'parquet' && last) {
      const counted = Number(parquetMetadata(last.slice().buffer).num_rows);
      if (counted !== rows)
        throw new Error(`the Parquet footer counts ${counted} rows, ${rows} were exported`);
    }
    return { rowsPerSecond: rows / seconds, rows, mb: bytes / 1e6, growthMb: (peak - before) / 1e6 };
  } finally {
    await handle.close();
  }
}

export const exportsSuite: BenchSuite = {
  name: 'exports',
  async run(ctx) {
    const wanted = Number(process.env.SOUFFLE_BENCH_EXPORT_ROWS ?? 1_000_000);
    const dbPath = join(ctx.dir, 'exports.db');
    const handle = await openDatabase(dbPath);
    ctx.log(`exports: seeding ${wanted.toLocaleString('en-GB')} raw readings on ${STATIONS} stations`);
    seed(handle.sqlite, wanted, Date.now());
    handle.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    await handle.close();
    const bare = bareIteration(dbPath);
    const out: BenchResult[] = [];
    for (const [label, query] of [
      ['CSV', { format: 'csv' }],
      ['CSV excel-fr', { format: 'csv', dialect: 'excel-fr' }],
      ['Parquet', { format: 'parquet' }],
    ] as const) {
      ctx.log(`exports: ${label}`);
      const m = await measure(dbPath, query);
      out.push(
        result({
          name: `exports ${label} (rows/s)`,
          value: m.rowsPerSecond,
          unit: 'rows/s',
          baseline: bare.rowsPerSecond,
          target: label === 'Parquet' ? 0.5 : null,
          higherIsBetter: true,
          note: `${m.rows.toLocaleString('en-GB')} raw rows through the export stream in-process; baseline: bare better-sqlite3 iteration of the same rows`,
        }),
        result({
          name: `exports ${label} size`,
          value: m.mb,
          unit: 'MB',
          higherIsBetter: false,
          note: 'uncompressed bytes of the file (Parquet: Snappy inside)',
        }),
        result({
          name: `exports ${label} RSS growth`,
          value: m.growthMb,
          unit: 'MB',
          higherIsBetter: false,
          note: 'peak process RSS during the export minus the RSS before it: one page (CSV) or one row group (Parquet) at a time',
        }),
      );
    }
    return out;
  },
};
