// The rows of an export, read page by page with keyset ranges: each page is one short statement
// `(series_id, time) > (s, t) … LIMIT n` on the primary key, so no read transaction stays open
// across the export (the WAL can be checkpointed while a large export streams) and memory holds
// one page at a time, whatever the export's size.
import type { Kysely } from 'kysely';
import { executeCompiled } from '../../data/store/compiled.js';
import type { Database, StationSource } from '../../data/schema.js';
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
};

/** One exported value: a raw reading, or an hourly/daily rollup (mean with min, max, n). */
export type ExportRow = {
  time: number;
  value: number;
  flags: number;
  validation: string | null;
  min?: number;
  max?: number;
  n?: number;
};

export const EXPORT_PAGE_ROWS = 5000;

/** The series an export covers, in output order (station, phenomenon, sensor). */
async function exportSeries(db: Kysely<Database>, plan: ExportPlan): Promise<ExportSeries[]> {
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
  return q.execute();
}

/** Rows of one series with time in (after, to), oldest first, at most `limit`. */
async function readExportPage(
  db: Kysely<Database>,
  seriesId: number,
  step: ExportPlan['step'],
  after: number,
  to: number,
  limit = EXPORT_PAGE_ROWS,
): Promise<ExportRow[]> {
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
  const table = step === '1h' ? 'rollups_hourly' : 'rollups_daily';
  const rows = await executeCompiled<{ bucket: number; n: number; sum: number; min: number; max: number }>(
    db,
    `export:${table}-page`,
    () =>
      db
        .selectFrom(table)
        .select(['bucket', 'n', 'sum', 'min', 'max'])
        .where('series_id', '=', 0)
        .where('bucket', '>', 0)
        .where('bucket', '<', 0)
        .orderBy('bucket')
        .limit(1),
    [seriesId, after, to, limit],
  );
  return rows.map((r) => ({
    time: r.bucket,
    value: r.sum / r.n,
    flags: 0,
    validation: null,
    min: r.min,
    max: r.max,
    n: r.n,
  }));
}

/** Every row of the export, one page (array) at a time. */
export async function* exportPages(
  db: Kysely<Database>,
  plan: ExportPlan,
  pageRows = EXPORT_PAGE_ROWS,
): AsyncGenerator<{ series: ExportSeries; rows: ExportRow[] }> {
  for (const series of await exportSeries(db, plan)) {
    let after = plan.from - 1;
    for (;;) {
      const rows = await readExportPage(db, series.id, plan.step, after, plan.to, pageRows);
      if (rows.length > 0) yield { series, rows };
      if (rows.length < pageRows) break;
      after = rows[rows.length - 1]!.time;
    }
  }
}
