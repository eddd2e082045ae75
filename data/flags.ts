// Quality flags carried by each reading, as a bit set so a reading can carry several. Browser-safe.
// Exports and the API show the names, joined with "|".

export const FLAGS = {
  /** Optical PM measured at relative humidity ≥ 75 %: hygroscopic growth makes it over-read. */
  humid: 1,
  /** The two channels of a dual-sensor monitor disagree beyond tolerance. */
  channel_disagreement: 2,
  /** The same value repeated for hours: a stuck sensor. */
  stuck: 4,
  /** An isolated spike far from its neighbours. */
  spike: 8,
} as const;

export type FlagName = keyof typeof FLAGS;
/** Every flag name, in bit order: what the API's `flags` lists may hold. */
export const FLAG_NAMES = Object.keys(FLAGS) as [FlagName, ...FlagName[]];

/** Relative humidity from which optical PM readings are flagged `humid` (docs/ingest.md, "Validation"). */
export const HUMID_THRESHOLD = 75;

export function flagNames(bits: number): FlagName[] {
  return (Object.keys(FLAGS) as FlagName[]).filter((name) => (bits & FLAGS[name]) !== 0);
}

/**
 * Flags that keep a reading out of every mean (hourly rollups, daily values, indices): the value is
 * wrong, not merely biased. The reading stays in raw series and exports with its flags, and the
 * hourly rollup counts it in `n_flagged`. `humid` is not here: humid optical PM over-reads but is a
 * measurement, and in a humid month half of all readings carry it; its share is kept beside the
 * mean instead (`n_humid`, docs/methods.md "How Souffle computes").
 */
export const EXCLUDED_FROM_MEANS = FLAGS.channel_disagreement | FLAGS.stuck | FLAGS.spike;
