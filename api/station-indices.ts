// Air-quality indices of one station, computed from its hourly rollups by the pure functions of
// data/indices.ts: the ATMO index of a local day, ATMO now (today's, else yesterday's), EAQI now
// (the latest completed hours), US AQI now (NowCast of the last 12 completed hours) and the US AQI
// of a local day. The EEA defines no daily EAQI, so there is none (the route answers 400).
// A station with several sensors for one pollutant: its hourly mean pools them (Σsum / Σn).
import type { Kysely } from 'kysely';
import type { CurrentIndex } from '../data/api-types.js';
import {
  POLLUTANTS,
  atmoDaily,
  hourInProgress,
  usAqiOfDay,
  type HourlyMeans,
  type IndexScheme,
  type Pollutant,
} from '../data/indices.js';
import {
  correctedRow,
  currentIndexOf,
  meansOf,
  nowWindowStart,
  poolHour,
  toAnswer,
  type IndexContext,
  type PooledHour,
} from '../data/indices/current-index.js';
import { localDay } from '../data/local-days.js';
import { isCoveredHour } from '../data/hourly-validity.js';
import { executeCompiled } from '../data/store/compiled.js';
import type { Database } from '../data/schema.js';
import { hourlyCorrector } from '../data/store/hourly-corrector.js';

/**
 * The station's pooled hourly means of every pollutant, hours starting in [from, to). The one
 * place this file reads hourly means: a rule about which hourly buckets are valid (coverage,
 * flagged readings) belongs in this query, and in hourlyMeansByStation (station-list-indices.ts).
 */
async function hourlyMeans(
  db: Kysely<Database>,
  stationId: string,
  from: number,
  to: number,
): Promise<HourlyMeans> {
  const correct = await hourlyCorrector(db, { stationIds: [stationId], from, to });
  // Compiled once: /latest runs this on every request. Sensors are pooled here rather than with a
  // GROUP BY, which would sort through a temporary b-tree (measured: half the query's time).
  const rows = await executeCompiled<{
    phenomenon: string;
    sensor: string;
    bucket: number;
    sum: number;
    n: number;
    slots: number;
    n_humid: number;
  }>(
    db,
    'api:hourly-rollups-of-station',
    () =>
      db
        .selectFrom('rollups_hourly as r')
        .innerJoin('series as s', 's.id', 'r.series_id')
        .select(['s.phenomenon', 's.sensor', 'r.bucket', 'r.sum', 'r.n', 'r.slots', 'r.n_humid'])
        .where('s.station_id', '=', '')
        .where('s.phenomenon', 'in', POLLUTANTS)
        .where('r.bucket', '>=', 0)
        .where('r.bucket', '<', 0),
    [stationId, ...POLLUTANTS, from, to],
  );
  const pooled = new Map<Pollutant, Map<number, PooledHour>>();
  for (const row of rows) {
    // Only valid hourly means (45 minutes covered, flagged readings already left out of n and sum):
    // each sensor's hour is judged on its own before the sensors are pooled.
    if (!isCoveredHour(row)) continue;
    const p = row.phenomenon as Pollutant;
    let hours = pooled.get(p);
    if (!hours) pooled.set(p, (hours = new Map()));
    poolHour(hours, correctedRow(correct, stationId, row));
  }
  return meansOf(pooled);
}

/** The three current indices shown with the latest values; one rollup query covers them all. */
export async function currentIndices(
  db: Kysely<Database>,
  stationId: string,
  ctx: IndexContext,
): Promise<Record<IndexScheme, CurrentIndex>> {
  const from = Math.min(nowWindowStart('atmo', ctx), nowWindowStart('usaqi', ctx));
  const means = await hourlyMeans(db, stationId, from, hourInProgress(ctx.now));
  return {
    atmo: currentIndexOf(means, 'atmo', ctx),
    eaqi: currentIndexOf(means, 'eaqi', ctx),
    usaqi: currentIndexOf(means, 'usaqi', ctx),
  };
}

/**
 * One scheme's index: of a local day (`date`, exactly that day: ATMO, or the US AQI of the day's
 * PM means) or of now (currentIndexOf). The caller refuses the EAQI of a day, which the EEA does
 * not define.
 */
export async function stationIndex(
  db: Kysely<Database>,
  stationId: string,
  scheme: IndexScheme,
  date: string | undefined,
  ctx: IndexContext,
): Promise<CurrentIndex> {
  const completed = hourInProgress(ctx.now);
  if (date === undefined) {
    const means = await hourlyMeans(db, stationId, nowWindowStart(scheme, ctx), completed);
    return currentIndexOf(means, scheme, ctx);
  }
  const day = localDay(date, ctx.timeZone);
  const means = await hourlyMeans(db, stationId, day.start, Math.min(day.end, completed));
  const options = { now: ctx.now, measured: ctx.measured };
  if (scheme === 'eaqi') throw new RangeError('the EEA defines no daily EAQI');
  const result = scheme === 'atmo' ? atmoDaily(means, day, options) : usAqiOfDay(means, day, options);
  return toAnswer({ ...result, date }, means);
}
