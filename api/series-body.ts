// The body of a series answer (JSON or CSV), encoded a chunk of points at a time. Between the
// chunks of a large raw read (api/raw-series-chunks.ts) only the encoded text stays alive, not
// 100 000 point objects: with several large reads interleaved, keeping the objects made the
// garbage collector copy them again and again (eight concurrent 100 000-point reads spent 1.9 s
// in young-generation collections), which cost more than the interleaving won.
import { SeriesSchema } from '../data/api-schemas.js';
import { flagNames } from '../data/flags.js';
import { CALENDAR_STEPS, type Point, type Step } from '../data/store/read-series.js';
import { QUANTILES } from '../data/stats/quantiles.js';
import { csvLine, csvNumber, csvText } from './export/csv.js';
import { iso } from './iso.js';
import { checkedJson, type Answerable } from './json-answer.js';

const PointsSchema = SeriesSchema.shape.points;
/** Every member of the answer but the points and the cursor, which follow them in this order. */
const HeadSchema = SeriesSchema.omit({ points: true, next: true });

/**
 * A point as the API shows it: raw points carry their flags' names; hourly means their statistics
 * and validity; daily, monthly and yearly values also their local date, UTC bounds, hour counts and
 * quantiles. One literal per
 * step, no spreads: a year of hourly points is 8 760 objects (measured: spreads tripled the time).
 */
function shownPoint(p: Point, step: Step) {
  if (step === 'raw')
    return {
      t: p.t,
      value: p.value,
      min: p.min,
      max: p.max,
      n: p.n,
      flags: flagNames(p.flags ?? 0),
      raw: p.raw,
      calibrationId: p.calibrationId,
    };
  if (step === '1h')
    return {
      t: p.t,
      value: p.value,
      min: p.min,
      max: p.max,
      n: p.n,
      sd: p.sd ?? null,
      coverage: p.coverage ?? 0,
      valid: p.valid ?? false,
      nFlagged: p.nFlagged ?? 0,
      nHumid: p.nHumid ?? 0,
      raw: p.raw,
      calibrationId: p.calibrationId,
    };
  return {
    t: p.t,
    value: p.value,
    min: p.min,
    max: p.max,
    n: p.n,
    sd: p.sd ?? null,
    coverage: p.coverage ?? 0,
    valid: p.valid ?? false,
    nFlagged: p.nFlagged ?? 0,
    nHumid: p.nHumid ?? 0,
    date: p.date ?? '',
    from: iso(p.t),
    to: iso(p.end ?? p.t),
    validHours: p.validHours ?? 0,
    expectedHours: p.expectedHours ?? 0,
    q02: p.q02 ?? null,
    q25: p.q25 ?? null,
    median: p.median ?? null,
    q75: p.q75 ?? null,
    q98: p.q98 ?? null,
    // Undefined (left out of the JSON) unless a calibration corrected the point.
    raw: p.raw,
    calibrationId: p.calibrationId,
  };
}

type Shown = ReturnType<typeof shownPoint>;

/**
 * The CSV cells of a point: `time,value,min,max,n,flags`, then the statistics of means, then for
 * a calibrated series `raw,calibration_id` (at the end, so the other columns keep their places).
 */
function csvCells(p: Shown, calibrated: boolean): string[] {
  const row = [iso(p.t), csvNumber(p.value), csvNumber(p.min), csvNumber(p.max), String(p.n)];
  row.push(csvText('flags' in p ? (p.flags ?? []).join('|') : ''));
  if ('valid' in p)
    row.push(csvNumber(p.sd), csvNumber(p.coverage), String(p.valid), String(p.nFlagged), String(p.nHumid));
  if ('date' in p)
    row.push(
      p.date ?? '',
      p.to ?? '',
      csvNumber(p.q02),
      csvNumber(p.q25),
      csvNumber(p.median),
      csvNumber(p.q75),
      csvNumber(p.q98),
    );
  if (calibrated)
    row.push(csvNumber(p.raw ?? null), p.calibrationId === undefined ? '' : String(p.calibrationId));
  return row;
}

/** The columns of a step's CSV (and Parquet) answer, in the order of csvCells. */
export function csvHeader(step: Step, calibrated: boolean): string[] {
  return [
    ...['time', 'value', 'min', 'max', 'n', 'flags'],
    ...(step === 'raw' ? [] : ['sd', 'coverage', 'valid', 'n_flagged', 'n_humid']),
    ...(CALENDAR_STEPS.includes(step) ? ['date', 'end', ...QUANTILES.map(([name]) => name)] : []),
    ...(calibrated ? ['raw', 'calibration_id'] : []),
  ];
}

export type SeriesBody = {
  /** Encodes a chunk of points (oldest first) and keeps the text. */
  add: (points: readonly Point[]) => void;
  /** Points added so far. */
  count: () => number;
  /** The time of the last point added. */
  lastTime: () => number | undefined;
};

function pieces(step: Step, encode: (shown: Shown[]) => string) {
  const parts: string[] = [];
  let count = 0;
  let last: number | undefined;
  const body: SeriesBody = {
    add(points) {
      if (points.length === 0) return;
      parts.push(encode(points.map((p) => shownPoint(p, step))));
      count += points.length;
      last = points[points.length - 1]!.t;
    },
    count: () => count,
    lastTime: () => last,
  };
  return { body, parts };
}

/** A JSON answer `{station, …, to, points: […], next}`, the same text JSON.stringify gives. */
export function seriesJsonBody(step: Step) {
  // Each chunk as the members of an array, without its brackets, joined with commas at the end.
  const { body, parts } = pieces(step, (shown) => checkedJson(PointsSchema, shown).slice(1, -1));
  return {
    ...body,
    text<T>(head: Answerable<T, typeof HeadSchema>, next: string | null): string {
      const members = checkedJson(HeadSchema, head).slice(0, -1);
      return `${members},"points":[${parts.join(',')}],"next":${JSON.stringify(next)}}`;
    },
  };
}

/** A CSV answer: a header line, then one line per point (csvCells). */
export function seriesCsvBody(step: Step, calibrated = false) {
  const { body, parts } = pieces(step, (shown) =>
    shown.map((p) => csvLine(csvCells(p, calibrated))).join(''),
  );
  return {
    ...body,
    text: (): string => csvLine(csvHeader(step, calibrated)) + parts.join(''),
  };
}
