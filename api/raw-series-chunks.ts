// A raw series read in chunks of 5 000 points (keyset on time: (series_id, time) is the readings'
// key), letting the event loop run between chunks. better-sqlite3 reads synchronously: one
// 100 000-point read held the process ~0.2 s, and its mapping and serialising as much again, so
// twenty of them kept every other request, and on `souffle start` the ingest worker, waiting
// (docs/security.md, "Public reads and ingest"). Between chunks, what waits gets its turn.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { readSeries, type Point } from '../data/store/read-series.js';
import type { Database } from '../data/schema.js';

/** Points per chunk; a read of more than one chunk is a large read (api/large-read-limiter.ts). */
export const RAW_SERIES_CHUNK_POINTS = 5_000;

export type RawSeriesRead = {
  seriesId: number;
  /** Inclusive start, epoch ms. */
  from: number;
  /** Exclusive end, epoch ms. */
  to: number;
  /** At most this many points in all. */
  limit: number;
  /** Only points with t > after (the request's cursor). */
  after?: number;
};

export type RawSeriesChunkOptions = {
  chunkPoints?: number;
  /**
   * Called once, before anything is read, when the read will return more than one chunk: it is
   * large. May throw (a 429 when no large-read slot is free) to stop it at no cost.
   */
  onLarge?: () => void;
};

/** The points of `read`, oldest first, a chunk at a time; the last chunk may be empty. */
export async function* rawSeriesChunks(
  db: Kysely<Database>,
  read: RawSeriesRead,
  options: RawSeriesChunkOptions = {},
): AsyncGenerator<Point[], void, undefined> {
  const chunkPoints = options.chunkPoints ?? RAW_SERIES_CHUNK_POINTS;
  if (options.onLarge && read.limit > chunkPoints && (await hasMoreThan(db, read, chunkPoints)))
    options.onLarge();
  let after = read.after;
  let left = read.limit;
  for (let chunk = 0; left > 0; chunk++) {
    // After the caller has handled the previous chunk (mapped, encoded it), before the next read.
    if (chunk > 0) await nextTurn();
    const limit = Math.min(chunkPoints, left);
    const points = await readSeries(db, { ...read, step: 'raw', limit, after });
    yield points;
    if (points.length < limit) return;
    left -= points.length;
    after = points[points.length - 1]!.t;
  }
}

/**
 * Whether the range holds more than `n` points: a walk along the readings' key (series_id, time)
 * that builds one row at most, so that a refused large read costs next to nothing.
 */
async function hasMoreThan(db: Kysely<Database>, read: RawSeriesRead, n: number): Promise<boolean> {
  // The range readSeries reads (data/store/read-series.ts): after the cursor, within [from, to).
  const from = read.after !== undefined ? Math.max(read.from, read.after + 1) : read.from;
  const beyond = await db
    .selectFrom('readings')
    .select('time')
    .where('series_id', '=', read.seriesId)
    .where('time', '>=', from)
    .where('time', '<', read.to)
    .orderBy('time')
    .limit(1)
    .offset(n)
    .executeTakeFirst();
  return beyond !== undefined;
}
