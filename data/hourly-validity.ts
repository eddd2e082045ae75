// When an hourly mean is valid: at least 75 % of the hour (45 minutes) covered by measurements
// (Directive 2008/50/EC, Annex VII). Coverage is kept as a bit mask of the hour's twelve 5-minute
// slots that hold at least one counted reading (docs/methods.md, "How Souffle computes"): a device
// reporting every 60–145 s fills every slot, one silent for 20 minutes leaves four empty. A slot
// mask, unlike a count, can be merged (OR) when readings of the same hour arrive in any order or
// twice, so the rollup stays equal to a recomputation from the rows. Browser-safe.

export const HOUR_MS = 3_600_000;
export const SLOT_MS = 300_000;
export const SLOTS_PER_HOUR = HOUR_MS / SLOT_MS;
/** Every slot of the hour: 12 bits set. */
export const ALL_SLOTS = (1 << SLOTS_PER_HOUR) - 1;
/** 45 minutes of 60: the least coverage of a valid hourly mean. */
export const VALID_SLOTS = 9;

/**
 * The slots of its hour that a reading at `time` covers: its own 5-minute slot, or, for a value
 * that is itself a mean over `covers` ms from `time` (AtmoSud's hourly means: 3 600 000), every
 * slot of that period within the hour.
 */
export function slotsOf(time: number, covers = 0): number {
  const inHour = time - Math.floor(time / HOUR_MS) * HOUR_MS;
  const first = Math.floor(inHour / SLOT_MS);
  const last = Math.min(SLOTS_PER_HOUR - 1, Math.floor((inHour + Math.max(covers, 1) - 1) / SLOT_MS));
  return ((1 << (last + 1)) - 1) & ~((1 << first) - 1);
}

/** Number of slots set in a mask. */
export function slotCount(slots: number): number {
  let n = 0;
  for (let s = slots & ALL_SLOTS; s !== 0; s &= s - 1) n += 1;
  return n;
}

/**
 * Whether an hourly bucket is a valid hourly mean: at least one counted reading, 45 minutes
 * covered, and the hour over (the hour in progress is never a valid hourly mean: its mean still
 * changes).
 */
export function isValidHour(h: { bucket: number; n: number; slots: number }, now: number): boolean {
  return isCoveredHour(h) && h.bucket + HOUR_MS <= now;
}

/** The coverage half of isValidHour, for readers that already keep to completed hours. */
export function isCoveredHour(h: { n: number; slots: number }): boolean {
  return h.n > 0 && slotCount(h.slots) >= VALID_SLOTS;
}
