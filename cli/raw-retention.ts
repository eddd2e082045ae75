// Runs raw retention (SOUFFLE_RAW_RETENTION) on a schedule inside the process that runs the AtmoSud
// puller: one per platform, beside the ingest worker, so that two processes never delete at once.
import {
  archivedThrough,
  bumpCounters,
  monthStart,
  pruneRawReadings,
  type Db,
  type Logger,
} from '../data/index.js';
import type { Config } from './config.js';

/**
 * The cut-off of a pass. With the archive enabled (SOUFFLE_ARCHIVE_DIR), only whole months go, and
 * only those the archive holds for every source: the start of the month of `now - keep`, or the
 * archive's `completeThrough` if earlier; before any archive build, null (delete nothing). The
 * archive never rewrites an archived month before that same month start (archiveFrozenBefore).
 */
export function retentionCutoff(config: Config, keep: number, now: number): number | null {
  const dir = config.SOUFFLE_ARCHIVE_DIR;
  if (dir === undefined) return now - keep;
  const through = archivedThrough(dir);
  return through === null ? null : Math.min(monthStart(now - keep), through);
}

export type RunningRetention = { stop: () => Promise<void> } | null;

/** Runs a pass at once, then every SOUFFLE_RETENTION_INTERVAL; null when no retention is set. */
export function startRawRetention(config: Config, db: Db, logger: Logger, now = Date.now): RunningRetention {
  const keep = config.SOUFFLE_RAW_RETENTION;
  if (keep === undefined) return null;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const pass = async () => {
    const before = retentionCutoff(config, keep, now());
    const started = Date.now();
    if (before === null) {
      logger.info('retention: waiting for the first archive build (SOUFFLE_ARCHIVE_DIR): nothing deleted');
      return;
    }
    try {
      const r = await pruneRawReadings(db, before);
      await bumpCounters(db, [{ name: 'souffle_retention_deleted_readings_total', value: r.deleted }]);
      await bumpCounters(
        db,
        [{ name: 'souffle_retention_last_run_timestamp_seconds', value: now() / 1000 }],
        {
          mode: 'set',
        },
      );
      const what = `deleted ${r.deleted} raw readings before ${new Date(before).toISOString()}`;
      logger.info(`retention: ${what}`, {
        deleted: r.deleted,
        batches: r.batches,
        droppedChunks: r.droppedChunks,
        ms: Date.now() - started,
      });
    } catch (e) {
      logger.error(`retention: ${(e as Error).message}`);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().finally(schedule);
    }, config.SOUFFLE_RETENTION_INTERVAL);
    timer.unref();
  };
  running = pass().finally(schedule);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
