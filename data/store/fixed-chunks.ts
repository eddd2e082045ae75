// Chunks of a few fixed sizes for multi-row statements (the store's inserts and rollup upserts).
/** Up to this many rows go in one statement of their own count (a message's values, say). */
const WHOLE_UP_TO = 16;

/**
 * Splits rows into chunks of a few sizes: all of them if at most 16, else chunks of `largest`
 * and the rest in powers of two. The store compiles and prepares one statement per row count; a
 * batch of any size then reuses a bounded set of prepared statements (at most 16 + log2(largest)
 * + 1 per statement) instead of preparing a new multi-row statement for every batch size
 * (measured: preparing was most of the commit time with batches of arbitrary size), and those
 * statements stay in the statement cache (data/db.ts) rather than pushing each other out.
 */
export function* fixedChunks<T>(rows: readonly T[], largest: number): Generator<readonly T[]> {
  if (rows.length <= Math.min(WHOLE_UP_TO, largest)) {
    if (rows.length > 0) yield rows;
    return;
  }
  let i = 0;
  while (rows.length - i >= largest) {
    yield rows.slice(i, i + largest);
    i += largest;
  }
  for (let size = largest / 2; size >= 1; size /= 2) {
    if (rows.length - i >= size) {
      yield rows.slice(i, i + size);
      i += size;
    }
  }
}
