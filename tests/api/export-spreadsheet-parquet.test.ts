// Exports read back by readers Souffle did not write: the excel-fr CSV by csv-parse, Parquet by
// hyparquet (the writer is hyparquet-writer). Values, types and times are compared with the
// NDJSON export of the same rows, and with the time zone computed independently by Intl.
import { parse } from 'csv-parse/sync';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planExport, ExportQuerySchema } from '../../api/export/export-query.js';
import { createExportStream } from '../../api/export/export-stream.js';
import { roundTo } from '../../data/rounding.js';
import { citizen, fixture, HOUR, hourly, NOW, readings, reference, type Fixture } from './fixtures.js';

let f: Fixture;
const JANUARY = Date.UTC(2026, 0, 15, 6);
const JULY = Date.UTC(2025, 6, 14, 6);
const PARIS = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

beforeAll(async () => {
  f = await fixture();
  await citizen(f.db, { id: 'balcon', lat: 43.3046, lon: 5.3806 });
  await reference(f.db, { id: 'FR03043', lat: 43.3, lon: 5.39 });
  await readings(
    f.db,
    'balcon',
    'temperature',
    [
      { t: JANUARY, value: -3.5 },
      { t: JULY, value: 31.2 },
    ],
    { sensor: 'BME280;a', unit: '°C', covers: 0 },
  );
  await readings(f.db, 'balcon', 'pm25', [{ t: JANUARY, value: 12.5, flags: 1 | 4 }], {
    sensor: '=cmd',
    covers: 0,
  });
  await readings(
    f.db,
    'FR03043',
    'no2',
    hourly(JANUARY, 30, (i) => 20 + i / 4),
    { sensor: 'NO2' },
  );
});
afterAll(() => f.cleanup());

const body = async (query: string) => {
  const res = await f.app.request(`/api/v1/export?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return res;
};
const ndjson = async (query: string) =>
  (await (await body(`format=ndjson&${query}`)).text())
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('dialect=excel-fr', () => {
  it('starts with a BOM, separates with ; and writes decimal commas, read back by csv-parse', async () => {
    const res = await body('dialect=excel-fr');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const rows = parse(text, {
      delimiter: ';',
      bom: true,
      columns: true,
      record_delimiter: '\r\n',
    }) as Record<string, string>[];
    const json = await ndjson('');
    expect(rows).toHaveLength(json.length);
    rows.forEach((row, i) => {
      const want = json[i]!;
      expect(row.station).toBe(want.station);
      expect(row.unit).toBe(want.unit);
      expect(row.time).toBe(want.time);
      expect(Number(row.value!.replace(',', '.'))).toBe(want.value);
      expect(Number(row.lat!.replace(',', '.'))).toBe(want.lat);
      // The local time Intl gives for the same instant, in Paris.
      expect(row.local_time).toBe(PARIS.format(Date.parse(want.time as string)));
      expect([row.licence, row.attribution]).toEqual([want.licence, want.attribution]);
    });
    const temperature = rows.filter((r) => r.phenomenon === 'temperature');
    expect(temperature.map((r) => [r.unit, r.value, r.local_time, r.sensor])).toEqual([
      ['°C', '31,2', '2025-07-14 08:00:00', 'BME280;a'],
      ['°C', '-3,5', '2026-01-15 07:00:00', 'BME280;a'],
    ]);
    const pm = rows.find((r) => r.phenomenon === 'pm25')!;
    const pmJson = json.find((r) => r.phenomenon === 'pm25')!;
    // A text cell that would run as a formula is neutralised; flags as in CSV.
    expect(pm).toMatchObject({ sensor: "'=cmd", flags: (pmJson.flags as string[]).join('|') });
    expect(pm.flags).toContain('humid');
  });

  it('writes statistics with decimal commas too, and only for CSV', async () => {
    const text = await (await body('dialect=excel-fr&station=FR03043&step=1d')).text();
    const [header, first] = parse(text, { delimiter: ';', bom: true }) as string[][];
    expect(header!.slice(-2)).toEqual(['licence', 'attribution']);
    const row = Object.fromEntries(header!.map((h, i) => [h, first![i]!]));
    const [want] = await ndjson('station=FR03043&step=1d');
    expect(row.date).toBe('2026-01-15');
    for (const key of ['value', 'min', 'max', 'sd', 'coverage', 'q02', 'q25', 'median', 'q75', 'q98'])
      expect(Number(row[key]!.replace(',', '.')), key).toBe(want![key]);
    expect(row.sd).toMatch(/^\d+,\d+$/);
    const res = await f.app.request('/api/v1/export?format=ndjson&dialect=excel-fr');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('"dialect"');
  });
});

describe('format=parquet', () => {
  it('reads back with hyparquet: typed columns, UTC timestamps, the same values as NDJSON', async () => {
    const res = await body('format=parquet&step=1h');
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(res.headers.get('content-disposition')).toMatch(/\.parquet"$/);
    const file = await res.arrayBuffer();
    const meta = parquetMetadata(file);
    const types = Object.fromEntries(meta.schema.slice(1).map((e) => [e.name, e]));
    expect(types.time).toMatchObject({
      type: 'INT64',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
    });
    expect(types.value).toMatchObject({ type: 'DOUBLE', repetition_type: 'OPTIONAL' });
    expect(types.n).toMatchObject({ type: 'INT32' });
    expect(types.valid).toMatchObject({ type: 'BOOLEAN' });
    expect(types.station).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
    // Strings are dictionary-encoded.
    const station = meta.row_groups[0]!.columns.find((c) => c.meta_data?.path_in_schema[0] === 'station');
    expect(station!.meta_data!.encodings).toContain('RLE_DICTIONARY');
    const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
    const json = await ndjson('step=1h');
    expect(rows).toHaveLength(json.length);
    rows.forEach((row, i) => {
      const want = json[i]!;
      expect((row.time as Date).toISOString()).toBe(want.time);
      for (const key of ['station', 'sensor', 'unit', 'value', 'min', 'max', 'n', 'sd', 'coverage', 'valid'])
        expect(row[key], `${key} of row ${i}`).toEqual(want[key]);
      expect(row.flags).toBe((want.flags as string[]).join('|'));
      expect([row.licence, row.attribution]).toEqual([want.licence, want.attribution]);
    });
    expect(Object.fromEntries((meta.key_value_metadata ?? []).map((kv) => [kv.key, kv.value]))).toMatchObject(
      {
        licence: 'ODbL-1.0',
      },
    );
  });

  it('carries the quantiles of daily values and the end of each day as a timestamp', async () => {
    const file = await (await body('format=parquet&station=FR03043&step=1d')).arrayBuffer();
    const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
    const json = await ndjson('station=FR03043&step=1d');
    expect(rows.map((r) => [r.date, (r.end as Date).toISOString(), r.median, r.q98])).toEqual(
      json.map((r) => [r.date, r.end, r.median, r.q98]),
    );
  });

  it('streams in row groups: a file of several groups holds every row once, in order', async () => {
    const q = ExportQuerySchema.parse({ format: 'parquet', station: 'FR03043' });
    const plan = planExport(q, { now: NOW, timeZone: 'Europe/Paris' });
    if ('error' in plan) throw new Error(plan.error);
    const chunks: Uint8Array[] = [];
    const reader = createExportStream(f.db, plan, { pageRows: 4, rowGroupRows: 7 }).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    const file = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      file.set(c, at);
      at += c.length;
    }
    const meta = parquetMetadata(file.buffer);
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([8, 8, 8, 6]);
    // More chunks than row groups' worth of bytes at the end: the file left in pieces.
    expect(chunks.length).toBeGreaterThan(4);
    const rows = (await parquetReadObjects({ file: file.buffer })) as Record<string, unknown>[];
    // Rounded to NO2's decimals (0), as every output is (data/rounding.ts).
    expect(rows.map((r) => r.value)).toEqual(Array.from({ length: 30 }, (_, i) => roundTo(20 + i / 4, 0)));
    expect((rows[0]!.time as Date).getTime()).toBe(JANUARY + 10 * 60_000);
    expect(HOUR).toBe(3_600_000);
  });
});

describe('shape=wide', () => {
  it('gives one row per station and time, a column per phenomenon, valid hourly means only', async () => {
    const text = await (await body('shape=wide&step=1h')).text();
    const [header, ...rows] = parse(text) as string[][];
    expect(header).toEqual([
      'station',
      'source',
      'lat',
      'lon',
      'time',
      'pm25',
      'no2',
      'temperature',
      'licence',
      'attribution',
    ]);
    // The balcony's hours hold one instantaneous reading each: none is a valid mean, no row.
    expect(rows.every((r) => r[0] === 'FR03043')).toBe(true);
    const long = (await ndjson('step=1h&station=FR03043')).filter((r) => r.valid);
    expect(rows.map((r) => [r[4], r[6] === '' ? null : Number(r[6])])).toEqual(
      long.map((r) => [r.time, r.value]),
    );
    expect(rows[0]!.slice(-2)).toEqual(['ODbL-1.0', 'AtmoSud']);
  });

  it('puts raw readings of one time side by side, leaving out those flagged stuck, in excel-fr too', async () => {
    const text = await (await body('shape=wide&station=balcon&dialect=excel-fr')).text();
    const rows = parse(text, { delimiter: ';', bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.local_time, r.pm25, r.temperature])).toEqual([
      ['2025-07-14 08:00:00', '', '31,2'],
      // The PM2.5 reading of that minute is flagged stuck: left out, as from every mean.
      ['2026-01-15 07:00:00', '', '-3,5'],
    ]);
    const res = await f.app.request('/api/v1/export?shape=wide&format=parquet');
    expect(res.status).toBe(400);
  });
});
