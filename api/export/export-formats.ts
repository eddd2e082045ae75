// The export encodings and their columns. Each encoder turns a page of rows into a chunk (text, or
// bytes for Parquet); what every row of a series repeats (station, source, public location,
// phenomenon, sensor, unit, licence, attribution) is encoded once per series, so a row costs a
// time, a number and two short fields. CSV: csv-encoder.ts; Parquet: parquet-encoder.ts.
import { DATABASE_LICENCE } from '../../data/data-licence.js';
import { flagNames } from '../../data/flags.js';
import { QUANTILES } from '../../data/stats/quantiles.js';
import { CALENDAR_STEPS, type Step } from '../../data/store/read-series.js';
import type { CsvDialect } from './csv.js';
import { csvEncoder } from './csv-encoder.js';
import type { ExportFormat } from './export-query.js';
import type { ExportRow, ExportSeries } from './export-rows.js';
import { parquetEncoder } from './parquet-encoder.js';

/** Licence and attribution of exported data (also sent as HTTP headers and in docs/api.md). */
export const DATA_LICENCE = DATABASE_LICENCE;

export const BASE_COLUMNS = [
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
];
/** Means (step 1h and 1d): their statistics (docs/api.md, "Export"). */
export const ROLLUP_COLUMNS = ['min', 'max', 'n', 'sd', 'coverage', 'valid', 'n_flagged', 'n_humid'];
/** Daily, monthly, yearly values (steps 1d, 1mo, 1y): the local date, month or year, the period's end. */
export const DAILY_COLUMNS = ['date', 'end'];
/** Steps 1d, 1mo, 1y: exact quantiles of the valid hourly means (docs/methods.md, "Quantiles"). */
export const QUANTILE_COLUMNS: readonly string[] = QUANTILES.map(([name]) => name);

/**
 * Every step, every format: the measured value where `value` is corrected, how (`colocation`), and
 * the calibration's id (GET /stations/{id}/calibrations); empty where nothing is corrected.
 */
export const CORRECTION_COLUMNS = ['raw', 'correction', 'calibration_id'];

/**
 * Every step, every format: whose data each row is (data/data-licence.ts), last so that columns
 * added before them keep every earlier column where it was.
 */
export const LICENCE_COLUMNS = ['licence', 'attribution'];

/** The columns of an export of `step`, in order; `localTime` (CSV excel-fr) adds local_time after time. */
export function exportColumns(step: Step, { localTime = false } = {}): string[] {
  const base = localTime
    ? BASE_COLUMNS.flatMap((c) => (c === 'time' ? ['time', 'local_time'] : [c]))
    : BASE_COLUMNS;
  return [
    ...base,
    ...(step === 'raw' ? [] : ROLLUP_COLUMNS),
    ...(CALENDAR_STEPS.includes(step) ? [...DAILY_COLUMNS, ...QUANTILE_COLUMNS] : []),
    ...CORRECTION_COLUMNS,
    ...LICENCE_COLUMNS,
  ];
}

/** Text, or bytes (Parquet); an empty chunk is not sent. */
export type Chunk = string | Uint8Array;

export type Encoder = {
  contentType: string;
  extension: string;
  header: () => Chunk;
  page: (series: ExportSeries, rows: readonly ExportRow[]) => Chunk;
  footer: () => Chunk;
};

const DAY_MS = 86_400_000;

/** ISO 8601 UTC like Date#toISOString, with the date part cached: rows of a series come in order. */
export function isoTimeFormatter(): (t: number) => string {
  let day = Number.NaN;
  let prefix = '';
  const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  return (t) => {
    const d = Math.floor(t / DAY_MS);
    if (d !== day) {
      day = d;
      prefix = new Date(d * DAY_MS).toISOString().slice(0, 11);
    }
    let ms = t - d * DAY_MS;
    const h = Math.floor(ms / 3_600_000);
    ms -= h * 3_600_000;
    const m = Math.floor(ms / 60_000);
    ms -= m * 60_000;
    const s = Math.floor(ms / 1000);
    ms -= s * 1000;
    return `${prefix}${pad2(h)}:${pad2(m)}:${pad2(s)}.${ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : ms}Z`;
  };
}

/** ISO 8601 UTC of a day's end: the cached formatter of the rows expects times in order. */
const isoTime = (t: number) => new Date(t).toISOString();

/** Memoised per bit set: there are only a handful of flag combinations. */
export function memoFlags<T>(encode: (names: string[]) => T): (bits: number) => T {
  const cache = new Map<number, T>();
  return (bits) => {
    let v = cache.get(bits);
    if (v === undefined) cache.set(bits, (v = encode(flagNames(bits))));
    return v;
  };
}

const json = (v: number | null | undefined) => (v === null || v === undefined ? 'null' : String(v));

function seriesJson(series: ExportSeries): string {
  return [
    `"station":${JSON.stringify(series.station)}`,
    `"source":${JSON.stringify(series.source)}`,
    `"lat":${series.lat}`,
    `"lon":${series.lon}`,
    `"phenomenon":${JSON.stringify(series.phenomenon)}`,
    `"sensor":${JSON.stringify(series.sensor)}`,
    `"unit":${JSON.stringify(series.unit)}`,
  ].join(',');
}

/** The licence members, last in each object as the CSV columns are. */
function licenceJson(series: ExportSeries): string {
  return `,"licence":${JSON.stringify(series.licence)},"attribution":${JSON.stringify(series.attribution)}`;
}

function rowJson(r: ExportRow, time: string, flags: string, end: (t: number) => string): string {
  let rollup = '';
  if (r.n !== undefined) {
    rollup = `,"min":${json(r.min)},"max":${json(r.max)},"n":${r.n},"sd":${json(r.sd)},"coverage":${json(r.coverage)},"valid":${r.valid},"n_flagged":${r.nFlagged},"n_humid":${r.nHumid}`;
    if (r.date !== undefined)
      rollup += `,"date":"${r.date}","end":"${end(r.end ?? r.time)}","q02":${json(r.q02)},"q25":${json(r.q25)},"median":${json(r.median)},"q75":${json(r.q75)},"q98":${json(r.q98)}`;
  }
  const correction = `,"raw":${json(r.raw)},"correction":${r.correction ? `"${r.correction}"` : 'null'},"calibration_id":${json(r.calibrationId)}`;
  return `"time":"${time}","value":${json(r.value)},"flags":${flags},"validation":${r.validation === null ? 'null' : JSON.stringify(r.validation)}${rollup}${correction}`;
}

function ndjsonEncoder(): Encoder {
  const time = isoTimeFormatter();
  const flags = memoFlags((names) => JSON.stringify(names));
  let current: ExportSeries | undefined;
  let prefix = '';
  let suffix = '';
  return {
    contentType: 'application/x-ndjson; charset=utf-8',
    extension: 'ndjson',
    header: () => '',
    page(series, rows) {
      if (series !== current) {
        current = series;
        prefix = `{${seriesJson(series)},`;
        suffix = `${licenceJson(series)}}\n`;
      }
      let out = '';
      for (const r of rows) out += `${prefix}${rowJson(r, time(r.time), flags(r.flags), isoTime)}${suffix}`;
      return out;
    },
    footer: () => '',
  };
}

function geojsonEncoder(): Encoder {
  const time = isoTimeFormatter();
  const flags = memoFlags((names) => JSON.stringify(names));
  let current: ExportSeries | undefined;
  let prefix = '';
  let suffix = '';
  let first = true;
  return {
    contentType: 'application/geo+json; charset=utf-8',
    extension: 'geojson',
    // RFC 7946 §6.1 allows foreign members: the licence travels with the file.
    header: () =>
      `{"type":"FeatureCollection","licence":${JSON.stringify(DATA_LICENCE.id)},"licenceUrl":${JSON.stringify(DATA_LICENCE.url)},"attribution":${JSON.stringify(DATA_LICENCE.attribution)},"features":[\n`,
    page(series, rows) {
      if (series !== current) {
        current = series;
        prefix = `{"type":"Feature","geometry":{"type":"Point","coordinates":[${series.lon},${series.lat}]},"properties":{${seriesJson(series)},`;
        suffix = `${licenceJson(series)}}}`;
      }
      let out = '';
      for (const r of rows) {
        out += `${first ? '' : ',\n'}${prefix}${rowJson(r, time(r.time), flags(r.flags), isoTime)}${suffix}`;
        first = false;
      }
      return out;
    },
    footer: () => '\n]}\n',
  };
}

export type EncoderOptions = {
  format: ExportFormat;
  step: Step;
  /** CSV only (default rfc4180). */
  dialect?: CsvDialect;
  /** Zone of the local_time column (CSV excel-fr). */
  timeZone: string;
  /** Parquet: rows per row group (default ROW_GROUP_ROWS, 100 000). */
  rowGroupRows?: number;
};

export function createEncoder(o: EncoderOptions): Encoder {
  if (o.format === 'ndjson') return ndjsonEncoder();
  if (o.format === 'geojson') return geojsonEncoder();
  if (o.format === 'parquet') return parquetEncoder(o.step, o.rowGroupRows);
  return csvEncoder(o.step, o.dialect ?? 'rfc4180', o.timeZone);
}
