// A station's Home Assistant opt-in (stations.ha_discovery, issue 16): set by the administrator
// (admin API, `souffle station home-assistant`) or by a sensor's owner (/my). Opting out marks the
// station 2, "to clear": the ingest process then publishes the empty retained configs that remove
// its entities from Home Assistant and sets 0 (ingest/home-assistant-publisher.ts).
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Turns discovery on or off; false when there is no such station. */
export async function setHomeAssistant(
  db: Kysely<Database>,
  stationId: string,
  enabled: boolean,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('stations')
      .select('ha_discovery')
      .where('id', '=', stationId)
      .executeTakeFirst();
    if (!row) return false;
    const current = Number(row.ha_discovery);
    const next = enabled ? 1 : current === 0 ? 0 : 2;
    if (next !== current) {
      await trx
        .updateTable('stations')
        .set({ ha_discovery: next as 0 | 1 | 2 })
        .where('id', '=', stationId)
        .execute();
    }
    return true;
  });
}

/** Whether the station is announced (an opted-out station still being cleared is not). */
export const isAnnounced = (haDiscovery: number) => Number(haDiscovery) === 1;
