import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvText } from '../../api/export/csv.js';
import { FLAGS } from '../../data/flags.js';
import { citizen, fixture, HOUR, json, readings, reference, TODAY, type Fixture } from './fixtures.js';

let f: Fixture;
const T1 = TODAY + 8 * HOUR;
const T2 = TODAY + 9 * HOUR + 30 * 60_000;
let publicLat = 0;

/** A strict RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') cell += ch;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"' && cell === '') {
      quoted = true;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else if (ch === '\n' || ch === '\r') {
      throw new Error(`bare line break at ${i}`);
    } else {
      cell += ch;
    }
  }
  if (cell !== '' || row.length) throw new Error('last line does not end with CRLF');
  return rows;
}

const exportText = async (query: string, init?: RequestInit) => {
  const res = await f.app.request(`/api/v1/export?${query}`, init);
  expect(res.status, await res.clone().text()).toBe(200);
  return { res, text: await res.text() };
};

beforeAll(async () => {
  f = await fixture();
  await citizen(f.db, { id: 'ecole-a', lat: 43.3046, lon: 5.3806 });
  await reference(f.db, { id: 'FR-X', lat: 43.2, lon: 5.2 });
  // Instantaneous citizen readings (covers: 0): one reading covers one 5-minute slot of its hour.
  await readings(
    f.db,
    'ecole-a',
    'pm25',
    [
      { t: T1, value: 12.5 },
      { t: T2, value: 80, flags: FLAGS.humid | FLAGS.spike },
    ],
    { covers: 0 },
  );
  await readings(f.db, 'ecole-a', 'temperature', [{ t: T1, value: -3.5 }], {
    sensor: 'BME280',
    unit: '°C',
    covers: 0,
  });
  await readings(f.db, 'ecole-a', 'pm10', [{ t: T1, value: 20 }], {
    sensor: '=HYPERLINK("http://evil.example","click")',
    covers: 0,
  });
  await readings(
    f.db,
    'FR-X',
    'no2',
    [
      { t: T1, value: 41, validation: 'validated' },
      { t: T2, value: 43, validation: 'provisional' },
    ],
    // AtmoSud's values are hourly means: each covers its hour (ingest/atmosud/measures.ts)
    { sensor: 'reference', covers: HOUR },
  );
  publicLat = (
    await f.db
      .selectFrom('stations')
      .select('public_lat')
      .where('id', '=', 'ecole-a')
      .executeTakeFirstOrThrow()
  ).public_lat;
});
afterAll(() => f.cleanup());

describe('GET /api/v1/export', () => {
  it('streams CSV: one row per value, public location, ISO time, flags and validation', async () => {
    const { res, text } = await exportText('format=csv');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers.get('content-disposition')).toMatch(
      /attachment; filename="souffle-all-raw-1970-01-01-2026-03-10\.csv"/,
    );
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([
      'station',
      'source',
      'lat',
      'lon',
      'phenomenon',
      'sensor',
      'unit',
      'time',
      'value',
      'flags',
      'validation',
      'raw',
      'correction',
      'calibration_id',
      'licence',
      'attribution',
    ]);
    expect(rows).toHaveLength(6);
    expect(rows).toContainEqual([
      'ecole-a',
      'citizen',
      String(publicLat),
      expect.any(String),
      'pm25',
      'SDS011',
      'µg/m³',
      '2026-03-10T09:30:00.000Z',
      '80',
      'humid|spike',
      '',
      '',
      '',
      '',
      'ODbL-1.0',
      'Souffle contributors',
    ]);
    expect(rows).toContainEqual([
      'FR-X',
      'atmosud',
      '43.2',
      '5.2',
      'no2',
      'reference',
      'µg/m³',
      '2026-03-10T08:00:00.000Z',
      '41',
      '',
      'validated',
      '',
      '',
      '',
      'ODbL-1.0',
      'AtmoSud',
    ]);
  });

  it('sends the licence and attribution (ODbL, AtmoSud) with every export', async () => {
    const { res } = await exportText('format=ndjson');
    expect(res.headers.get('link')).toBe('<https://opendatacommons.org/licenses/odbl/1-0/>; rel="license"');
    expect(res.headers.get('x-data-licence')).toBe('ODbL-1.0');
    expect(res.headers.get('x-data-attribution')).toContain('AtmoSud');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('neutralises a =HYPERLINK(...) cell so that a spreadsheet shows it as text', async () => {
    const { text } = await exportText('format=csv&phenomenon=pm10');
    expect(text).toContain(`,"'=HYPERLINK(""http://evil.example"",""click"")",`);
    expect(parseCsv(text)[1]![5]).toBe(`'=HYPERLINK("http://evil.example","click")`);
  });

  it('keeps negative numbers numeric and neutralises only text cells', async () => {
    const { text } = await exportText('format=csv&phenomenon=temperature');
    expect(parseCsv(text)[1]![8]).toBe('-3.5');
    expect(['=1+2', '+33 6', '-x', '@SUM(A1)', '\tx', '\rx'].map(csvText)).toEqual([
      "'=1+2",
      "'+33 6",
      "'-x",
      "'@SUM(A1)",
      "'\tx",
      `"'\rx"`,
    ]);
  });

  it('filters by phenomenon, source, station, bounding box and time range', async () => {
    const stations = async (q: string) =>
      parseCsv((await exportText(q)).text)
        .slice(1)
        .map((r) => `${r[0]}/${r[4]}`);
    expect(await stations('phenomenon=no2')).toEqual(['FR-X/no2', 'FR-X/no2']);
    expect(await stations('source=citizen&phenomenon=pm25')).toEqual(['ecole-a/pm25', 'ecole-a/pm25']);
    expect(await stations('station=FR-X,nope')).toEqual(['FR-X/no2', 'FR-X/no2']);
    expect(await stations('bbox=5.1,43.1,5.3,43.25')).toEqual(['FR-X/no2', 'FR-X/no2']);
    expect(await stations('phenomenon=pm25&from=2026-03-10T09:00:00Z&to=2026-03-10T10:00:00Z')).toEqual([
      'ecole-a/pm25',
    ]);
  });

  it('exports hourly means with their statistics and validity', async () => {
    const rows = parseCsv((await exportText('phenomenon=no2&step=1h')).text);
    expect(rows[0]!.slice(-13, -5)).toEqual([
      'min',
      'max',
      'n',
      'sd',
      'coverage',
      'valid',
      'n_flagged',
      'n_humid',
    ]);
    expect(rows[1]!.slice(7)).toEqual([
      '2026-03-10T08:00:00.000Z',
      '41',
      '',
      '',
      '41',
      '41',
      '1',
      '',
      '1',
      'true',
      '0',
      '0',
      '',
      '',
      '',
      'ODbL-1.0',
      'AtmoSud',
    ]);
    // A citizen hour: one counted reading covers one 5-minute slot, not a valid mean; the spike is left out.
    const pm25 = parseCsv((await exportText('phenomenon=pm25&step=1h')).text);
    expect(pm25.slice(1).map((r) => r.slice(8, -5))).toEqual([
      ['12.5', '', '', '12.5', '12.5', '1', '', String(1 / 12), 'false', '0', '0'],
      ['', '', '', '', '', '0', '', '0', 'false', '1', '0'],
    ]);
  });

  it('exports daily values of local days with the local date and the end of the day', async () => {
    const lines = (await exportText('format=ndjson&phenomenon=no2&step=1d')).text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      station: 'FR-X',
      time: '2026-03-09T23:00:00.000Z',
      date: '2026-03-10',
      end: '2026-03-10T23:00:00.000Z',
      // the 08:00 mean is valid; the value stamped 09:30 covers only half of its hour
      n: 1,
      value: 41,
      valid: false,
      coverage: 1 / 24,
    });
  });

  it('streams NDJSON, one JSON object per line', async () => {
    const { res, text } = await exportText('format=ndjson&phenomenon=pm25');
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[1]).toEqual({
      station: 'ecole-a',
      source: 'citizen',
      lat: publicLat,
      lon: expect.any(Number),
      phenomenon: 'pm25',
      sensor: 'SDS011',
      unit: 'µg/m³',
      time: '2026-03-10T09:30:00.000Z',
      value: 80,
      flags: ['humid', 'spike'],
      validation: null,
      raw: null,
      correction: null,
      calibration_id: null,
      licence: 'ODbL-1.0',
      attribution: 'Souffle contributors',
    });
  });

  it('streams a GeoJSON FeatureCollection that carries its licence', async () => {
    const { res, text } = await exportText('format=geojson&station=FR-X');
    expect(res.headers.get('content-type')).toContain('application/geo+json');
    const body = JSON.parse(text) as {
      type: string;
      licence: string;
      features: { geometry: { coordinates: number[] }; properties: { value: number } }[];
    };
    expect(body).toMatchObject({ type: 'FeatureCollection', licence: 'ODbL-1.0' });
    expect(body.features.map((x) => x.properties.value)).toEqual([41, 43]);
    expect(body.features[0]!.geometry.coordinates).toEqual([5.2, 43.2]);
  });

  it('gives an empty but well-formed file when nothing matches', async () => {
    expect((await exportText('format=csv&phenomenon=o3')).text).toBe(
      'station,source,lat,lon,phenomenon,sensor,unit,time,value,flags,validation,raw,correction,calibration_id,licence,attribution\r\n',
    );
    expect(JSON.parse((await exportText('format=geojson&phenomenon=o3')).text)).toMatchObject({
      features: [],
    });
  });

  it('compresses CSV for clients that accept gzip', async () => {
    const res = await f.app.request('/api/v1/export?format=csv', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8')).toMatch(/^station,source/);
  });

  it.each([
    ['format=xlsx', 'format'],
    ['step=5m', 'step'],
    ['from=2026-03-10&to=2026-03-01', 'from'],
    ['bbox=a,b,c,d', 'bbox'],
    ['station=', 'station'],
    ['phenomenon=PM25', 'phenomenon'],
    ['limit=5', 'limit'],
  ])('rejects %s naming %s', async (query, name) => {
    const res = await f.app.request(`/api/v1/export?${query}`);
    expect(res.status).toBe(400);
    expect((await json<{ error: { message: string } }>(res)).error.message).toContain(`"${name}"`);
  });
});
