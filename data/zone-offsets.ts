// A zone's offset from UTC for instants read in order (hourly rows, export rows), remembered over
// the UTC day when it is the same at both ends of it (every day but the two of the clock changes):
// a year of hours costs ~365 zone lookups instead of 8 760, a million rows a few thousand.
// Browser-safe.
import { zoneOffset } from './local-days.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A function giving the offset (ms, +2 h in Paris in summer) of `timeZone` at instant t. */
export function zoneOffsets(timeZone: string): (t: number) => number {
  let from = 0;
  let to = -1;
  let offset = 0;
  return (t) => {
    if (t >= from && t < to) return offset;
    offset = zoneOffset(t, timeZone);
    const dayStart = Math.floor(t / DAY_MS) * DAY_MS;
    const same =
      zoneOffset(dayStart, timeZone) === offset && zoneOffset(dayStart + DAY_MS - 1, timeZone) === offset;
    // On a day of change, remember only the hour: offsets change on whole hours in every EU zone,
    // and a zone changing on a half hour is looked up again within it.
    from = same ? dayStart : Math.floor(t / 1_800_000) * 1_800_000;
    to = same ? dayStart + DAY_MS : from + 1_800_000;
    return offset;
  };
}
