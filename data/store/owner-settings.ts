// What a citizen may change about their own sensor from "Mon capteur" (/my): its public name, whether
// its exact location is published, indoor or outdoor. The public location is derived again by
// upsertStation, the one place that derives it. Moving a sensor is data/store/station-locations.ts:
// past readings keep their place.
import type { Kysely } from 'kysely';
import type { Database, Exposure, Station } from '../schema.js';
import { findStation, stationInput, upsertStation } from './stations.js';

export type OwnerSettings = { name?: string; exactLocation?: boolean; exposure?: Exposure };

/** Applies `settings` to a citizen station; undefined when there is no such citizen station. */
export async function updateOwnerSettings(
  db: Kysely<Database>,
  stationId: string,
  settings: OwnerSettings,
  now = Date.now(),
): Promise<Station | undefined> {
  const station = await findStation(db, stationId);
  if (!station || station.source !== 'citizen') return undefined;
  await upsertStation(
    db,
    {
      ...stationInput(station),
      name: settings.name ?? station.name,
      exactLocation: settings.exactLocation ?? station.exact_location === 1,
      exposure: settings.exposure ?? station.exposure,
    },
    now,
  );
  return findStation(db, stationId);
}
