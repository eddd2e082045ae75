// /series?format=parquet read back by hyparquet (the writer is hyparquet-writer) and compared,
// point by point, with the JSON answer of the same query: values, types, UTC times, paging.
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriesParquetBody } from '../../api/series-parquet.js';
import type { SeriesResponse } from '../../data/api-types.js';
import { FLAGS } from '../../data/flags.js';
import {
  citizen,
  fixture,
  HOUR,
  hourly,
  json,
  readings as add,
  reference,
  TODAY,
  type Fixture,
} from './fixtures.js';

let f: Fixture;
const MIN = 60_000;
const START = TODAY - 3 * 24 * HOUR;

beforeAll(async () => {
  f = await fixture();
  await citizen(f.db, { id: 'ecole-b', lat: 43.3, lon: 5.4 });
  await reference(f.db, { id: 'FR03043', lat: 43.3, lon: 5.39 });
  await seed();
});
afterAll(() => f.cleanup());

async function seed() {
  await add(
    f.db,
    'ecole-b',
    'pm25',
    Array.from({ length: 40 }, (_, i) => ({
      t: START + i * 10 * MIN,
      value: 5 + i / 3,
      flags: i === 7 ? FLAGS.spike : 0,
    })),
    { sensor: 'SDS011', covers: 0 },
  );
  await add(
    f.db,
    'FR03043',
    'no2',
    hourly(START, 72, (i) => 15 + (i % 24)),
    { sensor: 'NO2' },
  );
}

const get = (path: string) => f.app.request(path);

async function both(path: string) {
  const res = await get(`${path}&format=parquet`);
  expect(res.status, await res.clone().text()).toBe(200);
  const file = await res.arrayBuffer();
  const body = await json<SeriesResponse>(await get(path));
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  return { res, file, body, rows };
}

describe('GET /series?format=parquet', () => {
  it('gives raw points as typed columns, the same as the JSON answer', async () => {
    const { res, file, body, rows } = await both(
      `/api/v1/stations/ecole-b/series?phenomenon=pm25&step=raw&from=${new Date(START).toISOString()}`,
    );
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="ecole-b-pm25-raw.parquet"');
    // Parquet is Snappy-compressed already: no gzip on top.
    expect(res.headers.get('content-encoding')).toBeNull();
    const meta = parquetMetadata(file);
    const types = Object.fromEntries(meta.schema.slice(1).map((e) => [e.name, e]));
    expect(types.time).toMatchObject({
      type: 'INT64',
      repetition_type: 'REQUIRED',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
    });
    expect(types.value).toMatchObject({ type: 'DOUBLE' });
    expect(types.n).toMatchObject({ type: 'INT32' });
    expect(types.flags).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
    const flags = meta.row_groups[0]!.columns.find((c) => c.meta_data?.path_in_schema[0] === 'flags');
    expect(flags!.meta_data!.encodings).toContain('RLE_DICTIONARY');
    const kv = Object.fromEntries((meta.key_value_metadata ?? []).map((e) => [e.key, e.value]));
    expect(kv).toMatchObject({ station: 'ecole-b', phenomenon: 'pm25', sensor: 'SDS011', unit: 'µg/m³' });
    expect(kv.licence).toBe('ODbL-1.0');
    expect(rows).toHaveLength(body.points.length);
    expect(rows.length).toBe(40);
    rows.forEach((row, i) => {
      const p = body.points[i]!;
      expect((row.time as Date).getTime()).toBe(p.t);
      expect([row.value, row.min, row.max, row.n]).toEqual([p.value, p.min, p.max, p.n]);
      expect(row.flags).toBe((p.flags ?? []).join('|'));
    });
    expect(rows[7]!.flags).toBe('spike');
  });

  it('gives daily values with their statistics, quantiles and end as a UTC timestamp', async () => {
    const { rows, body } = await both('/api/v1/stations/FR03043/series?phenomenon=no2&step=1d');
    expect(rows.length).toBeGreaterThan(1);
    expect(rows).toHaveLength(body.points.length);
    rows.forEach((row, i) => {
      const p = body.points[i]!;
      expect((row.time as Date).toISOString()).toBe(new Date(p.t).toISOString());
      expect((row.end as Date).toISOString()).toBe(p.to);
      for (const [col, key] of [
        ['value', 'value'],
        ['sd', 'sd'],
        ['coverage', 'coverage'],
        ['valid', 'valid'],
        ['n_flagged', 'nFlagged'],
        ['date', 'date'],
        ['q02', 'q02'],
        ['median', 'median'],
        ['q98', 'q98'],
      ] as const)
        expect(row[col], `${col} of ${p.date}`).toEqual(p[key as keyof typeof p]);
    });
  });

  it('pages like CSV: a full page links to the next one', async () => {
    const path = '/api/v1/stations/FR03043/series?phenomenon=no2&step=1h&limit=50';
    const { res, rows, body } = await both(path);
    expect(rows.map((r) => (r.time as Date).getTime())).toEqual(body.points.map((p) => p.t));
    expect(res.headers.get('link')).toMatch(/rel="next"/);
    expect(body.next).not.toBeNull();
  });

  it('writes one row group per SERIES_ROW_GROUP_ROWS points, every point once and in order', async () => {
    const file = seriesParquetBody(
      { station: 's', phenomenon: 'pm25', sensor: 'x', unit: 'µg/m³', step: 'raw', calibrated: false },
      3,
    );
    const points = Array.from({ length: 8 }, (_, i) => ({ t: i * HOUR, value: i, min: i, max: i, n: 1 }));
    file.add(points.slice(0, 5));
    file.add(points.slice(5));
    const bytes = file.bytes();
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    expect(parquetMetadata(buffer).row_groups.map((g) => Number(g.num_rows))).toEqual([3, 3, 2]);
    const rows = (await parquetReadObjects({ file: buffer })) as Record<string, unknown>[];
    expect(rows.map((r) => r.value)).toEqual(points.map((p) => p.value));
  });
});
