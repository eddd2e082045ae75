// The rows of an export, read page by page with keyset ranges: each page is one short statement
// `(series_id, time) > (s, t) … LIMIT n` on the primary key, so no read transaction stays open
// across the export (the WAL can be checkpointed while a large export streams) and memory holds
// one page at a time, whatever the export's size.
import type { Kysely } from 'kysely';
import { dataLicenceOf } from '../../data/data-licence.js';
import { executeCompiled } from '../../data/store/compiled.js';
import type { Database, StationSource } from '../../data/schema.js';
import { readDailyPoints } from '../../data/store/read-daily.js';
import { readPeriodPoints } from '../../data/store/read-periods.js';
import type { Quantiles } from '../../data/stats/quantiles.js';
import { HOUR_ROW_COLUMNS, hourPoint, type HourRow } from '../../data/store/series-points.js';
import { correctPointsInPlace } from '../../data/calibration/correct-points.js';
import { seriesCorrection, type SeriesCorrection } from '../../data/store/series-corrections.js';
import type { Point } from '../../data/store/series-points.js';
import { publicPlaces, type PlacedPeriod } from '../../data/store/station-locations.js';
import type { ExportPlan } from './export-query.js';

/** A series with what every one of its rows repeats: public location only. */
export type ExportSeries = {
  id: number;
  station: string;
  source: StationSource;
  lat: number;
  lon: number;
  phenomenon: string;
  sensor: string;
  unit: string;
  /** Whose data, under which terms (data/data-licence.ts): the station's own, else its source's. */
  licence: string;
  attribution: string;
};

/** One exported value: a raw reading, or an hourly mean or daily value with its statistics. */
export type ExportRow = {
  time: number;
  /** null for a mean with no counted reading (n = 0). */
  value: number | null;
  flags: number;
  validation: string | null;
  min?: number | null;
  max?: number | null;
  n?: number;
  sd?: number | null;
  coverage?: number;
  valid?: boolean;
  nFlagged?: number;
  nHumid?: number;
  /** Daily, monthly, yearly values: the local date, month or year and the period's end (exclusive). */
  date?: string;
  end?: number;
  /** Where a correction applies (data/calibration/): the measured value, which one, its id. */
  raw?: number | null;
  /** `colocation`: a co-location calibration (calibrationId says which). */
  correction?: 'colocation';
  calibrationId?: number;
} & Partial<Quantiles>;

export const EXPORT_PAGE_ROWS = 5000;

/** The series an export covers, in output order (station, phenomenon, sensor). */
export async function exportSeries(db: Kysely<Database>, plan: ExportPlan): Promise<ExportSeries[]> {
  let q = db
    .selectFrom('series as s')
    .innerJoin('stations as st', 'st.id', 's.station_id')
    .select([
      's.id',
      's.station_id as station',
      'st.source',
      // Public location only: the exact lat/lon of a citizen station never leaves (privacy).
      'st.public_lat as lat',
      'st.public_lon as lon',
      's.phenomenon',
      's.sensor',
      's.unit',
      'st.licence',
      'st.attribution',
    ])
    .orderBy('s.station_id')
    .orderBy('s.phenomenon')
    .orderBy('s.sensor');
  if (plan.phenomenon) q = q.where('s.phenomenon', '=', plan.phenomenon);
  if (plan.source) q = q.where('st.source', '=', plan.source);
  if (plan.stations) q = q.where('s.station_id', 'in', plan.stations);
  if (plan.bbox) {
    const [minLon, minLat, maxLon, maxLat] = plan.bbox;
    q = q
      .where('st.public_lon', '>=', minLon)
      .where('st.public_lon', '<=', maxLon)
      .where('st.public_lat', '>=', minLat)
      .where('st.public_lat', '<=', maxLat);
  }
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, ...dataLicenceOf(r) }));
}

/** Rows of one series with time in (after, to), oldest first, at most `limit`. */
async function readExportPage(
  db: Kysely<Database>,
  seriesId: number,
  plan: ExportPlan,
  after: number,
  to: number,
  limit = EXPORT_PAGE_ROWS,
  correction: SeriesCorrection | null = null,
): Promise<ExportRow[]> {
  const step = plan.step;
  if (step === 'raw') {
    const rows = await executeCompiled<ExportRow>(
      db,
      'export:raw-page',
      () =>
        db
          .selectFrom('readings')
          .select(['time', 'value', 'flags', 'validation'])
          .where('series_id', '=', 0)
          .where('time', '>', 0)
          .where('time', '<', 0)
          .orderBy('time')
          .limit(1),
      [seriesId, after, to, limit],
    );
    if (correction) correctRawRows(rows, correction);
    return rows;
  }
  const points: Point[] =
    step === '1h'
      ? (
          await executeCompiled<HourRow>(
            db,
            'export:rollups_hourly-page',
            () =>
              db
                .selectFrom('rollups_hourly')
                .select(HOUR_ROW_COLUMNS)
                .where('series_id', '=', 0)
                .where('bucket', '>', 0)
                .where('bucket', '<', 0)
                .orderBy('bucket')
                .limit(1),
            [seriesId, after, to, limit],
          )
        ).map((r) => hourPoint(r, plan.now))
      : step === '1d'
        ? await readDailyPoints(db, {
            seriesId,
            from: after + 1,
            to,
            limit,
            timeZone: plan.timeZone,
            now: plan.now,
          })
        : await readPeriodPoints(db, {
            seriesId,
            step,
            from: after + 1,
            to,
            limit,
            timeZone: plan.timeZone,
            now: plan.now,
          });
  if (correction)
    correctPointsInPlace(points, correction.corrections, {
      humidityAt: correction.humidityAt,
      aggregated: step !== '1h',
    });
  return points.map((p) => ({
    time: p.t,
    value: p.value,
    flags: 0,
    validation: null,
    min: p.min,
    max: p.max,
    n: p.n,
    sd: p.sd ?? null,
    coverage: p.coverage,
    valid: p.valid,
    nFlagged: p.nFlagged,
    nHumid: p.nHumid,
    date: p.date,
    end: p.end,
    q02: p.q02,
    q25: p.q25,
    median: p.median,
    q75: p.q75,
    q98: p.q98,
    ...(p.calibrationId === undefined
      ? {}
      : { raw: p.raw, correction: 'colocation' as const, calibrationId: p.calibrationId }),
  }));
}

/** Raw readings corrected as /series corrects its raw points: each by the version valid at its time. */
function correctRawRows(rows: ExportRow[], correction: SeriesCorrection): void {
  const points: Point[] = rows.map((r) => ({ t: r.time, value: r.value, min: null, max: null, n: 1 }));
  correctPointsInPlace(points, correction.corrections, { humidityAt: correction.humidityAt });
  for (let i = 0; i < rows.length; i++) {
    const p = points[i]!;
    if (p.calibrationId === undefined) continue;
    const r = rows[i]!;
    r.raw = r.value;
    r.value = p.value;
    r.correction = 'colocation';
    r.calibrationId = p.calibrationId;
  }
}

/** Every row of the export, one page (array) at a time. */
export async function* exportPages(
  db: Kysely<Database>,
  plan: ExportPlan,
  pageRows = EXPORT_PAGE_ROWS,
): AsyncGenerator<{ series: ExportSeries; rows: ExportRow[] }> {
  const placesByStation = new Map<string, PlacedPeriod[]>();
  for (const series of await exportSeries(db, plan)) {
    let places = placesByStation.get(series.station);
    if (!places) {
      places = series.source === 'citizen' ? await stationPlaces(db, series.station) : [];
      placesByStation.set(series.station, places);
    }
    // A sensor that moved: each row carries the place of its time (the series as it was there).
    const atPlace = places.map((p) => ({ ...series, lat: p.lat, lon: p.lon }));
    for await (const rows of seriesPages(db, series, plan, pageRows)) {
      if (places.length === 0) yield { series, rows };
      else
        for (const part of splitByPlace(rows, places))
          yield { series: atPlace[part.place]!, rows: part.rows };
    }
  }
}

async function stationPlaces(db: Kysely<Database>, stationId: string): Promise<PlacedPeriod[]> {
  const station = await db
    .selectFrom('stations')
    .select('exact_location')
    .where('id', '=', stationId)
    .executeTakeFirst();
  return publicPlaces(db, stationId, station?.exact_location === 1);
}

/** Rows (in time order) cut where the station moved: runs of rows with the index of their place. */
function splitByPlace(
  rows: ExportRow[],
  places: readonly PlacedPeriod[],
): { place: number; rows: ExportRow[] }[] {
  const parts: { place: number; rows: ExportRow[] }[] = [];
  let place = 0;
  for (const row of rows) {
    while (place + 1 < places.length && places[place + 1]!.from <= row.time) place++;
    while (place > 0 && places[place]!.from > row.time) place--;
    const last = parts[parts.length - 1];
    if (last && last.place === place) last.rows.push(row);
    else parts.push({ place, rows: [row] });
  }
  return parts;
}

/** The rows of one series in [plan.from, plan.to), a page (array) at a time. */
export async function* seriesPages(
  db: Kysely<Database>,
  series: ExportSeries,
  plan: ExportPlan,
  pageRows = EXPORT_PAGE_ROWS,
): AsyncGenerator<ExportRow[]> {
  // Corrected values, as everywhere a user reads (docs/methods.md, "Calibration"), the measured
  // value kept in `raw`; null for the many series without a calibration (one indexed query).
  const correction = await seriesCorrection(db, {
    stationId: series.station,
    phenomenon: series.phenomenon,
    sensor: series.sensor,
    from: plan.from,
    to: plan.to,
  });
  let after = plan.from - 1;
  for (;;) {
    const rows = await readExportPage(db, series.id, plan, after, plan.to, pageRows, correction);
    if (rows.length > 0) yield rows;
    if (rows.length < pageRows) return;
    after = rows[rows.length - 1]!.time;
  }
}
