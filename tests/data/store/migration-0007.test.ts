// Migration 0007 (issue 15): AirGradient serials registered before normalisation are rewritten in
// the firmware's spelling, on SQLite and PostgreSQL, without colliding with a serial already held.
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { normaliseSerials } from '../../../data/migrations/0007-firmware-fidelity.js';
import { tempDb, type TempDb } from '../../helpers/temp-db.js';

describe('migration 0007', () => {
  let t: TempDb | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('rewrites serials lowercase without separators, leaving one that would collide', async () => {
    t = await tempDb();
    const db = t.db;
    await db
      .insertInto('stations')
      .values(
        ['a', 'b', 'c', 'd'].map((id) => ({
          id,
          source: 'citizen' as const,
          name: id,
          lat: 43,
          lon: 5,
          public_lat: 43,
          public_lon: 5,
          created_at: 0,
          updated_at: 0,
        })),
      )
      .execute();
    const serials = { a: 'ECDA3B1EAAB1', b: 'EC:DA:3B:1E:AA:B2', c: 'ecda3b1eaab3', d: 'EC-DA-3B-1E-AA-B3' };
    await db
      .insertInto('devices')
      .values(
        Object.entries(serials).map(([id, serial]) => ({
          id,
          station_id: id,
          format: 'airgradient' as const,
          token_hash: 'x',
          serial,
          created_at: 0,
        })),
      )
      .execute();
    await normaliseSerials(db as unknown as Kysely<unknown>);
    const rows = await db.selectFrom('devices').select(['id', 'serial']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'a', serial: 'ecda3b1eaab1' },
      { id: 'b', serial: 'ecda3b1eaab2' },
      { id: 'c', serial: 'ecda3b1eaab3' },
      // c holds its normalised serial already: d keeps its own for its owner to correct.
      { id: 'd', serial: 'EC-DA-3B-1E-AA-B3' },
    ]);
    // The new columns have their defaults on existing rows.
    const extras = await sql<{ mobile: number; ignored_types: string | null }>`
      select mobile, ignored_types from devices where id = 'a'`.execute(db);
    expect(extras.rows).toEqual([{ mobile: 0, ignored_types: null }]);
  });
});
