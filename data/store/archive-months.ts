// What the archive (cli/archive) asks of the database: where each source's raw readings start, a
// content fingerprint of one source's month, and where its stations are. The fingerprint is a
// handful of exact integer sums over the month's rows (count, times, values to 1/1000, flags,
// validated rows): a reading added, removed, or rewritten by AtmoSud's validation (value or state)
// changes it, so the archive rewrites that month and only that one, without comparing files.
import { sql, type Kysely } from 'kysely';
import type { Database, StationSource } from '../schema.js';

/** The time of each source's oldest raw reading (sources without readings are left out). */
export async function firstReadingTimes(db: Kysely<Database>): Promise<Map<StationSource, number>> {
  // Per series through the primary key (series_id, time): one index seek each, never a table scan.
  const rows = await db
    .selectFrom('series as s')
    .innerJoin('stations as st', 'st.id', 's.station_id')
    .select([
      'st.source',
      (eb) =>
        eb.fn
          .min(
            eb
              .selectFrom('readings as r')
              .select((r) => r.fn.min('r.time').as('t'))
              .whereRef('r.series_id', '=', 's.id'),
          )
          .as('first'),
    ])
    .groupBy('st.source')
    .execute();
  const out = new Map<StationSource, number>();
  for (const r of rows) if (r.first !== null && r.first !== undefined) out.set(r.source, Number(r.first));
  return out;
}

export type MonthFingerprint = { rows: number; fingerprint: string };

/** Rows and fingerprint of the raw readings of `source`'s stations in [from, to). */
export async function monthFingerprint(
  db: Kysely<Database>,
  source: StationSource,
  from: number,
  to: number,
): Promise<MonthFingerprint> {
  const r = await db
    .selectFrom('readings as r')
    .innerJoin('series as s', 's.id', 'r.series_id')
    .innerJoin('stations as st', 'st.id', 's.station_id')
    .where('st.source', '=', source)
    .where('r.time', '>=', from)
    .where('r.time', '<', to)
    .select([
      sql<number>`count(*)`.as('n'),
      // Integers only, so that the sums are exact and the same whatever order rows are added in.
      sql<number>`coalesce(sum(r.time - ${from}), 0)`.as('t'),
      sql<number>`coalesce(sum(round(r.value * 1000)), 0)`.as('v'),
      sql<number>`coalesce(sum(r.flags), 0)`.as('f'),
      sql<number>`coalesce(sum(case when r.validation = 'validated' then 1 else 0 end), 0)`.as('vd'),
      sql<number>`coalesce(sum(r.series_id), 0)`.as('s'),
    ])
    .executeTakeFirstOrThrow();
  // PostgreSQL gives sums of bigint as numeric strings: Number() makes both dialects alike.
  const parts = [r.n, r.t, r.v, r.f, r.vd, r.s].map((x) => String(Number(x)));
  return { rows: Number(r.n), fingerprint: parts.join(':') };
}

export type SourceExtent = {
  source: StationSource;
  stations: number;
  /** [minLon, minLat, maxLon, maxLat] of the public locations; null without stations. */
  bbox: [number, number, number, number] | null;
};

/** Stations and bounding box (public locations) of each source. */
export async function sourceExtents(db: Kysely<Database>): Promise<SourceExtent[]> {
  const rows = await db
    .selectFrom('stations')
    .select((eb) => [
      'source',
      eb.fn.countAll<number>().as('n'),
      eb.fn.min('public_lon').as('minLon'),
      eb.fn.min('public_lat').as('minLat'),
      eb.fn.max('public_lon').as('maxLon'),
      eb.fn.max('public_lat').as('maxLat'),
    ])
    .groupBy('source')
    .orderBy('source')
    .execute();
  return rows.map((r) => ({
    source: r.source,
    stations: Number(r.n),
    bbox: r.minLon === null ? null : [Number(r.minLon), Number(r.minLat), Number(r.maxLon), Number(r.maxLat)],
  }));
}
