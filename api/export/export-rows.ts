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
): Promise<ExportRow[]> {
  const step = plan.step;
  if (step === 'raw') {
    return executeCompiled<ExportRow>(
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
  }
  const points =
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
  }));
}

/** Every row of the export, one page (array) at a time. */
export async function* exportPages(
  db: Kysely<Database>,
  plan: ExportPlan,
  pageRows = EXPORT_PAGE_ROWS,
): AsyncGenerator<{ series: ExportSeries; rows: ExportRow[] }> {
  for (const series of await exportSeries(db, plan)) {
    for await (const rows of seriesPages(db, series, plan, pageRows)) yield { series, rows };
  }
}

/** The rows of one series in [plan.from, plan.to), a page (array) at a time. */
export async function* seriesPages(
  db: Kysely<Database>,
  series: ExportSeries,
  plan: ExportPlan,
  pageRows = EXPORT_PAGE_ROWS,
): AsyncGenerator<ExportRow[]> {
  let after = plan.from - 1;
  for (;;) {
    const rows = await readExportPage(db, series.id, plan, after, plan.to, pageRows);
    if (rows.length > 0) yield rows;
    if (rows.length < pageRows) return;
    after = rows[rows.length - 1]!.time;
  }
}
