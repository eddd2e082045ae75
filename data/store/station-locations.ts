// Where a citizen station was, over time (issue 16, "move the sensor"): moving a sensor keeps the
// place of its past readings. station_locations holds one row per place, valid from `valid_from`
// until the next row's; a station that never moved has no rows (it was always where it is). The
// first move writes the place it had until then (valid from 0) and the new one (valid from the
// move). Only exact places are meaningful here: what the public sees is derived at read time from
// them and the station's current privacy choice (data/location-privacy.ts), so a later opt-out of
// the exact location hides the past places too.
import type { Kysely } from 'kysely';
import { publicLocation } from '../location-privacy.js';
import type { Database, Station } from '../schema.js';
import { findStation, stationInput, upsertStation } from './stations.js';

export type PlacedPeriod = { from: number; lat: number; lon: number };

/** Moves a citizen station to (lat, lon) from `now` on; undefined when there is no such station. */
export async function moveStation(
  db: Kysely<Database>,
  stationId: string,
  to: { lat: number; lon: number },
  now = Date.now(),
): Promise<Station | undefined> {
  return db.transaction().execute(async (trx) => {
    const station = await findStation(trx, stationId);
    if (!station || station.source !== 'citizen') return undefined;
    if (station.lat === to.lat && station.lon === to.lon) return station;
    const exact = station.exact_location === 1;
    const row = (from: number, place: { lat: number; lon: number }) => {
      const pub = publicLocation(place, { exact });
      return {
        station_id: stationId,
        valid_from: from,
        lat: place.lat,
        lon: place.lon,
        public_lat: pub.lat,
        public_lon: pub.lon,
      };
    };
    const known = await trx
      .selectFrom('station_locations')
      .select('valid_from')
      .where('station_id', '=', stationId)
      .executeTakeFirst();
    if (!known) await trx.insertInto('station_locations').values(row(0, station)).execute();
    await trx
      .insertInto('station_locations')
      .values(row(now, to))
      .onConflict((oc) => oc.columns(['station_id', 'valid_from']).doUpdateSet({ lat: to.lat, lon: to.lon }))
      .execute();
    await upsertStation(trx, { ...stationInput(station), lat: to.lat, lon: to.lon }, now);
    return findStation(trx, stationId);
  });
}

/**
 * The public places of a station over time, oldest first, as the public may see them now (snapped
 * to the ~200 m cell unless the owner publishes the exact place); [] for a station that never moved.
 */
export async function publicPlaces(
  db: Kysely<Database>,
  stationId: string,
  exact: boolean,
): Promise<PlacedPeriod[]> {
  const rows = await db
    .selectFrom('station_locations')
    .select(['valid_from', 'lat', 'lon'])
    .where('station_id', '=', stationId)
    .orderBy('valid_from')
    .execute();
  return rows.map((r) => ({ from: r.valid_from, ...publicLocation({ lat: r.lat, lon: r.lon }, { exact }) }));
}
