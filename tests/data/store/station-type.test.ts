// Migration 0006: stations keep their type; the column accepts only the known types, on both engines.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { findStation, upsertStation } from '../../../data/store/stations.js';
import { tempDb, type TempDb } from '../../helpers/temp-db.js';

let t: TempDb | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const station = { source: 'atmosud' as const, name: 'Marseille Longchamp', lat: 43.3053, lon: 5.3947 };

describe('the station type', () => {
  it('is stored with a reference station, kept unknown (null) when not given', async () => {
    t = await tempDb();
    await upsertStation(t.db, { id: 'atmosud-FR03043', ...station, stationType: 'urban-background' });
    await upsertStation(t.db, { id: 'atmosud-FR99999', ...station });
    expect((await findStation(t.db, 'atmosud-FR03043'))?.station_type).toBe('urban-background');
    expect((await findStation(t.db, 'atmosud-FR99999'))?.station_type).toBeNull();
  });

  it('refuses a type outside the list', async () => {
    t = await tempDb();
    await upsertStation(t.db, { id: 'x', ...station });
    await expect(
      sql`update stations set station_type = 'roadside' where id = 'x'`.execute(t.db),
    ).rejects.toThrow(/check/i);
  });
});
