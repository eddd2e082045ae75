// Hourly pairs for a co-location calibration: the citizen series' valid hourly means beside the
// reference station's, with the citizen station's humidity of the same hour. Only valid hours
// count on either side (45 minutes covered, flagged readings left out: data/hourly-validity.ts),
// so a stuck or spiking sensor's hours, and hours with too few readings, never enter a fit.
// Hours are the rollups' UTC hours; days, for 24-hour means, are local days (evaluate.ts).
import type { Kysely } from 'kysely';
import { isValidHour } from '../hourly-validity.js';
import type { Database } from '../schema.js';
import type { Pair } from './fit.js';

export class PairError extends Error {
  override name = 'PairError';
}

export type PairQuery = {
  /** The citizen station (one per device). */
  stationId: string;
  phenomenon: string;
  /** The citizen series' sensor; default: the one with the most pairs. */
  sensor?: string;
  referenceStationId: string;
  from: number;
  to: number;
  /** Hours not over by then are not valid. */
  now: number;
};

export type PairSet = {
  sensor: string;
  pairs: Pair[];
  /** Valid hours of the sensor and of the reference in the window. */
  sensorHours: number;
  referenceHours: number;
  /** Whether the citizen station has a humidity series at all. */
  humidity: boolean;
};

/** The valid hourly means of a series in [from, to), by hour. */
async function validHours(
  db: Kysely<Database>,
  seriesId: number,
  from: number,
  to: number,
  now: number,
): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('rollups_hourly')
    .select(['bucket', 'n', 'sum', 'slots'])
    .where('series_id', '=', seriesId)
    .where('bucket', '>=', from)
    .where('bucket', '<', to)
    .orderBy('bucket')
    .execute();
  return new Map(rows.filter((r) => isValidHour(r, now)).map((r) => [r.bucket, r.sum / r.n]));
}

async function seriesOf(db: Kysely<Database>, stationId: string, phenomenon: string) {
  return db
    .selectFrom('series')
    .select(['id', 'sensor'])
    .where('station_id', '=', stationId)
    .where('phenomenon', '=', phenomenon)
    .orderBy('sensor')
    .execute();
}

/** Reads the pairs; throws PairError when a side has no series to pair. */
export async function readPairs(db: Kysely<Database>, q: PairQuery): Promise<PairSet> {
  const candidates = (await seriesOf(db, q.stationId, q.phenomenon)).filter(
    (s) => q.sensor === undefined || s.sensor === q.sensor,
  );
  if (candidates.length === 0)
    throw new PairError(
      `station ${q.stationId} has no ${q.phenomenon} series${q.sensor ? ` from sensor ${q.sensor}` : ''}`,
    );
  const references = await seriesOf(db, q.referenceStationId, q.phenomenon);
  if (references.length === 0)
    throw new PairError(`reference station ${q.referenceStationId} has no ${q.phenomenon} series`);
  const reference = await validHours(db, references[0]!.id, q.from, q.to, q.now);

  // Humidity: the station's series with the most valid hours (one sensor measures it, usually).
  let humidity = new Map<number, number>();
  const humiditySeries = await seriesOf(db, q.stationId, 'humidity');
  for (const s of humiditySeries) {
    const hours = await validHours(db, s.id, q.from, q.to, q.now);
    if (hours.size > humidity.size) humidity = hours;
  }

  let best: PairSet | undefined;
  for (const s of candidates) {
    const hours = await validHours(db, s.id, q.from, q.to, q.now);
    const pairs: Pair[] = [];
    for (const [t, raw] of hours) {
      const ref = reference.get(t);
      if (ref !== undefined) pairs.push({ t, raw, ref, rh: humidity.get(t) ?? null });
    }
    if (!best || pairs.length > best.pairs.length)
      best = {
        sensor: s.sensor,
        pairs,
        sensorHours: hours.size,
        referenceHours: reference.size,
        humidity: humiditySeries.length > 0,
      };
  }
  return best!;
}
