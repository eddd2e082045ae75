// Series: one station × phenomenon × sensor. The ingest path resolves a series for every value, so
// a writer passes a SeriesCache and each series is looked up once. Clear the cache when a foreign
// key error says a series was deleted under it (device removed with --purge).
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { forgetStationIndices } from './current-indices.js';

export type SeriesKey = {
  stationId: string;
  phenomenon: string;
  sensor: string;
  unit: string;
  /** ms each reading is a mean over (AtmoSud: an hour); default 0, instantaneous readings. */
  covers?: number;
};

/** Series ids already resolved, owned by a long-lived writer (the ingest worker, the puller). */
export type SeriesCache = Map<string, number>;

/** The key a SeriesCache holds a series under. */
export function seriesCacheKey(stationId: string, phenomenon: string, sensor: string): string {
  return `${stationId}\u0000${phenomenon}\u0000${sensor}`;
}

/** Returns the id of the series, creating it if needed. */
export async function ensureSeries(
  db: Kysely<Database> | Transaction<Database>,
  key: SeriesKey,
  cache: SeriesCache = new Map(),
): Promise<number> {
  const k = seriesCacheKey(key.stationId, key.phenomenon, key.sensor);
  const cached = cache.get(k);
  if (cached !== undefined) return cached;
  const created = await db
    .insertInto('series')
    .values({
      station_id: key.stationId,
      phenomenon: key.phenomenon,
      sensor: key.sensor,
      unit: key.unit,
      covers: key.covers ?? 0,
    })
    .onConflict((oc) => oc.columns(['station_id', 'phenomenon', 'sensor']).doNothing())
    .executeTakeFirst();
  // A new series changes what the station measures, which its stored indices state.
  if (Number(created.numInsertedOrUpdatedRows ?? 0) > 0) await forgetStationIndices(db, key.stationId);
  const row = await db
    .selectFrom('series')
    .select('id')
    .where('station_id', '=', key.stationId)
    .where('phenomenon', '=', key.phenomenon)
    .where('sensor', '=', key.sensor)
    .executeTakeFirstOrThrow();
  cache.set(k, row.id);
  return row.id;
}
