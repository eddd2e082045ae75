// Runs raw retention (SOUFFLE_RAW_RETENTION) on a schedule inside the process that runs the AtmoSud
// puller: one per platform, beside the ingest worker, so that two processes never delete at once.
import { bumpCounters, pruneRawReadings, type Db, type Logger } from '../data/index.js';
import type { Config } from './config.js';

export type RunningRetention = { stop: () => Promise<void> } | null;

/** Runs a pass at once, then every SOUFFLE_RETENTION_INTERVAL; null when no retention is set. */
export function startRawRetention(config: Config, db: Db, logger: Logger, now = Date.now): RunningRetention {
  const keep = config.SOUFFLE_RAW_RETENTION;
  if (keep === undefined) return null;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const pass = async () => {
    const before = now() - keep;
    const started = Date.now();
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
