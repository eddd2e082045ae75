// Stations gain their type (data/station-types.ts: urban background, traffic, industrial, …) so
// that a citizen sensor is compared by default with a background station, not a roadside one
// (issue 14). Null means unknown: citizen stations, and reference stations nobody classified.
// The AtmoSud stations already stored get their known type here; the puller keeps it current.
import { sql, type Kysely } from 'kysely';
import { ATMOSUD_STATION_TYPES } from '../reference/atmosud-station-types.js';
import { STATION_TYPES } from '../station-types.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const allowed = STATION_TYPES.map((t) => `'${t}'`).join(', ');
  await db.schema
    .alterTable('stations')
    .addColumn('station_type', 'text', (c) => c.check(sql.raw(`station_type in (${allowed})`)))
    .execute();
  for (const [code, type] of Object.entries(ATMOSUD_STATION_TYPES)) {
    await sql`update stations set station_type = ${type}
               where source = 'atmosud' and id = ${`atmosud-${code}`}`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('stations').dropColumn('station_type').execute();
}
