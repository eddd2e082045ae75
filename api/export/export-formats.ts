// The three export encodings. Each turns a page of rows into one string; what every row of a series
// repeats (station, source, public location, phenomenon, sensor, unit) is encoded once per series,
// so a row costs a time, a number and two short fields.
import { flagNames } from '../../data/flags.js';
import { QUANTILES } from '../../data/stats/quantiles.js';
import { CALENDAR_STEPS, type Step } from '../../data/store/read-series.js';
import { csvLine, csvNumber, csvText } from './csv.js';
import type { ExportFormat } from './export-query.js';
import type { ExportRow, ExportSeries } from './export-rows.js';

/** Licence and attribution of exported data (also sent as HTTP headers and in docs/api.md). */
export const DATA_LICENCE = {
  id: 'ODbL-1.0',
  url: 'https://opendatacommons.org/licenses/odbl/1-0/',
  attribution:
    'Reference data (c) AtmoSud, www.atmosud.org, ODbL 1.0; citizen data (c) Souffle contributors, ODbL 1.0',
} as const;

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

export type Encoder = {
  contentType: string;
  extension: string;
  header: () => string;
  page: (series: ExportSeries, rows: readonly ExportRow[]) => string;
  footer: () => string;
};

const DAY_MS = 86_400_000;

/** ISO 8601 UTC like Date#toISOString, with the date part cached: rows of a series come in order. */
function isoTimeFormatter(): (t: number) => string {
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
function memoFlags<T>(encode: (names: string[]) => T): (bits: number) => T {
  const cache = new Map<number, T>();
  return (bits) => {
    let v = cache.get(bits);
    if (v === undefined) cache.set(bits, (v = encode(flagNames(bits))));
    return v;
  };
}

const cell = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
const json = (v: number | null | undefined) => (v === null || v === undefined ? 'null' : String(v));

function csvEncoder(step: Step): Encoder {
  const rollup = step !== 'raw';
  const daily = CALENDAR_STEPS.includes(step);
  const time = isoTimeFormatter();
  const flags = memoFlags((names) => csvText(names.join('|')));
  let current: ExportSeries | undefined;
  let prefix = '';
  return {
    contentType: 'text/csv; charset=utf-8; header=present',
    extension: 'csv',
    header: () =>
      csvLine([
        ...BASE_COLUMNS,
        ...(rollup ? ROLLUP_COLUMNS : []),
        ...(daily ? [...DAILY_COLUMNS, ...QUANTILE_COLUMNS] : []),
      ]),
    page(series, rows) {
      if (series !== current) {
        current = series;
        prefix = [
          csvText(series.station),
          csvText(series.source),
          csvNumber(series.lat),
          csvNumber(series.lon),
          csvText(series.phenomenon),
          csvText(series.sensor),
          csvText(series.unit),
          '',
        ].join(',');
      }
      let out = '';
      for (const r of rows) {
        out += `${prefix}${time(r.time)},${cell(r.value)},${flags(r.flags)},${r.validation === null ? '' : csvText(r.validation)}`;
        if (rollup)
          out += `,${cell(r.min)},${cell(r.max)},${r.n},${cell(r.sd)},${cell(r.coverage)},${r.valid},${r.nFlagged},${r.nHumid}`;
        if (daily)
          out += `,${r.date},${time(r.end ?? r.time)},${cell(r.q02)},${cell(r.q25)},${cell(r.median)},${cell(r.q75)},${cell(r.q98)}`;
        out += '\r\n';
      }
      return out;
    },
    footer: () => '',
  };
}

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

function rowJson(r: ExportRow, time: string, flags: string, end: (t: number) => string): string {
  let rollup = '';
  if (r.n !== undefined) {
    rollup = `,"min":${json(r.min)},"max":${json(r.max)},"n":${r.n},"sd":${json(r.sd)},"coverage":${json(r.coverage)},"valid":${r.valid},"n_flagged":${r.nFlagged},"n_humid":${r.nHumid}`;
    if (r.date !== undefined)
      rollup += `,"date":"${r.date}","end":"${end(r.end ?? r.time)}","q02":${json(r.q02)},"q25":${json(r.q25)},"median":${json(r.median)},"q75":${json(r.q75)},"q98":${json(r.q98)}`;
  }
  return `"time":"${time}","value":${json(r.value)},"flags":${flags},"validation":${r.validation === null ? 'null' : JSON.stringify(r.validation)}${rollup}`;
}

function ndjsonEncoder(): Encoder {
  const time = isoTimeFormatter();
  const flags = memoFlags((names) => JSON.stringify(names));
  let current: ExportSeries | undefined;
  let prefix = '';
  return {
    contentType: 'application/x-ndjson; charset=utf-8',
    extension: 'ndjson',
    header: () => '',
    page(series, rows) {
      if (series !== current) {
        current = series;
        prefix = `{${seriesJson(series)},`;
      }
      let out = '';
      for (const r of rows) out += `${prefix}${rowJson(r, time(r.time), flags(r.flags), isoTime)}}\n`;
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
      }
      let out = '';
      for (const r of rows) {
        out += `${first ? '' : ',\n'}${prefix}${rowJson(r, time(r.time), flags(r.flags), isoTime)}}}`;
        first = false;
      }
      return out;
    },
    footer: () => '\n]}\n',
  };
}

export function createEncoder(format: ExportFormat, step: Step): Encoder {
  if (format === 'ndjson') return ndjsonEncoder();
  if (format === 'geojson') return geojsonEncoder();
  return csvEncoder(step);
}
