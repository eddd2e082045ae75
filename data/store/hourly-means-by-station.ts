// Pooled hourly means of many stations at once (corrected where a calibration applies), the input of their indices of now: read by the
// station list (api/station-list-indices.ts) and by the stored current indices
// (data/store/current-indices.ts), which must agree with it.
import type { Kysely } from 'kysely';
import { POLLUTANTS, type HourlyMeans, type Pollutant } from '../indices.js';
import { correctedRow, meansOf, poolHour, type PooledHour } from '../indices/current-index.js';
import { hourlyCorrector } from './hourly-corrector.js';
import { isCoveredHour } from '../hourly-validity.js';
import type { Database } from '../schema.js';

/** Above this many stations, read the window for every station rather than bind a long IN list. */
const IN_LIST_LIMIT = 500;

/**
 * Pooled hourly means (Σsum / Σn over a pollutant's sensors) of each station, hours starting in
 * [from, to). The one place this file reads hourly means: a rule about which hourly buckets are
 * valid belongs in this query, and in hourlyMeans (api/station-indices.ts).
 */
export async function hourlyMeansByStation(
  db: Kysely<Database>,
  stationIds: readonly string[],
  from: number,
  to: number,
): Promise<Map<string, HourlyMeans>> {
  if (stationIds.length === 0 || !(to > from)) return new Map();
  let q = db
    .selectFrom('rollups_hourly as r')
    .innerJoin('series as s', 's.id', 'r.series_id')
    .select(['s.station_id', 's.phenomenon', 's.sensor', 'r.bucket', 'r.sum', 'r.n', 'r.slots', 'r.n_humid'])
    .where('s.phenomenon', 'in', POLLUTANTS)
    .where('r.bucket', '>=', from)
    .where('r.bucket', '<', to);
  if (stationIds.length <= IN_LIST_LIMIT) q = q.where('s.station_id', 'in', stationIds);
  const wanted = new Set(stationIds);
  const correct = await hourlyCorrector(db, { stationIds, from, to });
  // station → pollutant → hour → running {sum, n}; a station's sensors of one pollutant pool here.
  const pooled = new Map<string, Map<Pollutant, Map<number, PooledHour>>>();
  for (const row of await q.execute()) {
    // Only valid hourly means, as in hourlyMeans (api/station-indices.ts).
    if (!wanted.has(row.station_id) || !isCoveredHour(row)) continue;
    let byPollutant = pooled.get(row.station_id);
    if (!byPollutant) pooled.set(row.station_id, (byPollutant = new Map()));
    const p = row.phenomenon as Pollutant;
    let hours = byPollutant.get(p);
    if (!hours) byPollutant.set(p, (hours = new Map()));
    poolHour(hours, correctedRow(correct, row.station_id, row));
  }
  const out = new Map<string, HourlyMeans>();
  for (const [station, byPollutant] of pooled) out.set(station, meansOf(byPollutant));
  return out;
}
