// Hourly means as the indices take them, and the few rules every index applies to them: which hours
// count, and how a pollutant's hours become an input. Browser-safe.
import { HOUR_MS } from './data-sufficiency.js';
import { isUsable, type IndexInput, type Pollutant } from './index-result.js';

/** Hourly means of one pollutant, each keyed by the START of its hour (epoch ms, UTC). */
export type HourlySeries = ReadonlyArray<{
  readonly t: number;
  readonly value: number;
  /** Readings of the hour flagged humid (optical PM over-reads in fog): kept in the mean, told. */
  readonly humid?: number;
}>;

/** A station's hourly means per pollutant (a station's sensors of one pollutant already pooled). */
export type HourlyMeans = Partial<Record<Pollutant, HourlySeries>>;

/**
 * The usable hourly means of `series` whose hour starts in [from, to), as hour start → value. A `t`
 * inside an hour counts for that hour; two values for one hour count once (the later entry, e.g. a
 * corrected value, wins); NaN and infinite values are not data.
 */
export function hoursBetween(
  series: HourlySeries | undefined,
  from: number,
  to: number,
): Map<number, number> {
  const hours = new Map<number, number>();
  for (const { t, value } of series ?? []) {
    const hour = Math.floor(t / HOUR_MS) * HOUR_MS;
    if (hour >= from && hour < to && isUsable(value)) hours.set(hour, value);
  }
  return hours;
}

/**
 * How many of `hours` (hour starts) hold readings flagged humid in `series`: their PM is not
 * corrected for humidity, so an index built on them says so (docs/methods.md, "How Souffle computes").
 */
export function humidHoursIn(series: HourlySeries | undefined, hours: Iterable<number>): number {
  const wanted = new Set(hours);
  const humid = new Set<number>();
  for (const { t, humid: n } of series ?? []) {
    const hour = Math.floor(t / HOUR_MS) * HOUR_MS;
    if (n && wanted.has(hour)) humid.add(hour);
  }
  return humid.size;
}

/** The input a pollutant's hours make (from `series`), or undefined when it had none. */
export function inputOf(
  pollutant: Pollutant,
  hours: ReadonlyMap<number, number>,
  value: number | null,
  needed: number,
  series?: HourlySeries,
): IndexInput | undefined {
  if (hours.size === 0) return undefined;
  const starts = [...hours.keys()];
  return {
    pollutant,
    value,
    hours: hours.size,
    needed,
    from: Math.min(...starts),
    until: Math.max(...starts) + HOUR_MS,
    humidHours: humidHoursIn(series, starts),
  };
}

/**
 * Whether the station measures some pollutant of `scheme` (`schemePollutants`): by `measured` (its
 * series' phenomena) when the caller knows them, else by the hourly means it was given.
 */
export function measuresAny(
  schemePollutants: readonly Pollutant[],
  hourly: HourlyMeans,
  measured: readonly string[] | undefined,
): boolean {
  return measured
    ? schemePollutants.some((p) => measured.includes(p))
    : schemePollutants.some((p) => (hourly[p]?.length ?? 0) > 0);
}
