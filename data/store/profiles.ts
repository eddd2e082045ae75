// Profiles of a series over a period (openair's timeVariation, what analysts draw first): the valid
// hourly means grouped by local hour of the day, day of the week or month of the year
// (SOUFFLE_TIMEZONE), each group with its mean, spread and quartiles. From the hourly rollups, like
// every mean (docs/methods.md, "Profiles"): a busy hour counts once, an invalid hour not at all.
import type { Kysely } from 'kysely';
import { isValidHour } from '../hourly-validity.js';
import { DEFAULT_TIME_ZONE } from '../local-days.js';
import { zoneOffsets } from '../zone-offsets.js';
import type { Database } from '../schema.js';
import { quantileSorted } from '../stats/quantiles.js';
import { hourRows } from './read-daily.js';
import { sdOf } from './series-points.js';

export const PROFILES = ['hour-of-day', 'day-of-week', 'month-of-year'] as const;
export type Profile = (typeof PROFILES)[number];

/** The keys of each profile: local hour 0–23, ISO weekday 1 (Monday) – 7 (Sunday), month 1–12. */
const KEYS: Record<Profile, number[]> = {
  'hour-of-day': Array.from({ length: 24 }, (_, i) => i),
  'day-of-week': [1, 2, 3, 4, 5, 6, 7],
  'month-of-year': Array.from({ length: 12 }, (_, i) => i + 1),
};

export type ProfilePoint = {
  key: number;
  /** Valid hourly means in the group. */
  hours: number;
  mean: number | null;
  sd: number | null;
  min: number | null;
  max: number | null;
  q25: number | null;
  median: number | null;
  q75: number | null;
};

export type ProfileQuery = {
  seriesId: number;
  profile: Profile;
  from: number;
  to: number;
  timeZone?: string;
  now: number;
};

function keyOf(profile: Profile, wall: Date): number {
  if (profile === 'hour-of-day') return wall.getUTCHours();
  if (profile === 'day-of-week') return wall.getUTCDay() || 7;
  return wall.getUTCMonth() + 1;
}

/** The profile of the valid hourly means of hours starting in [from, to). */
export async function readProfile(db: Kysely<Database>, q: ProfileQuery): Promise<ProfilePoint[]> {
  const offset = zoneOffsets(q.timeZone ?? DEFAULT_TIME_ZONE);
  const groups = new Map<number, number[]>(KEYS[q.profile].map((k) => [k, []]));
  for await (const row of hourRows(db, q.seriesId, q.from)) {
    if (row.bucket >= q.to) break;
    if (!isValidHour(row, q.now)) continue;
    const wall = new Date(row.bucket + offset(row.bucket));
    groups.get(keyOf(q.profile, wall))!.push(row.sum / row.n);
  }
  return [...groups].map(([key, means]) => {
    const sorted = Float64Array.from(means).sort();
    const list = Array.from(sorted);
    let sum = 0;
    let sumSq = 0;
    for (const m of list) {
      sum += m;
      sumSq += m * m;
    }
    return {
      key,
      hours: list.length,
      mean: list.length ? sum / list.length : null,
      sd: sdOf(list.length, sum, sumSq),
      min: list.length ? list[0]! : null,
      max: list.length ? list[list.length - 1]! : null,
      q25: quantileSorted(list, 0.25),
      median: quantileSorted(list, 0.5),
      q75: quantileSorted(list, 0.75),
    };
  });
}
