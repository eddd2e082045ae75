// The archive kept up to date inside `souffle start` / `souffle ingest` (the process that runs the
// AtmoSud puller and raw retention: one per platform) when SOUFFLE_ARCHIVE_DIR is set: a build at
// start, then every SOUFFLE_ARCHIVE_INTERVAL (default 24 h). A build only writes months that are
// new or whose content changed, so a nightly run on an up-to-date archive reads fingerprints only.
import type { Config } from '../config.js';
import { monthStart, type Db, type Logger } from '../../data/index.js';
import { buildArchive } from './build-archive.js';

/**
 * Archived months ending at or before this are never rewritten: raw retention may have deleted
 * their rows (it deletes only whole archived months, before this same time: cli/raw-retention.ts).
 */
export function archiveFrozenBefore(config: Config, now: number): number | undefined {
  const keep = config.SOUFFLE_RAW_RETENTION;
  return keep === undefined ? undefined : monthStart(now - keep);
}

export type RunningArchive = { stop: () => Promise<void> } | null;

export function startArchiveSchedule(config: Config, db: Db, logger: Logger, now = Date.now): RunningArchive {
  const dir = config.SOUFFLE_ARCHIVE_DIR;
  if (dir === undefined) return null;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const pass = async () => {
    const started = Date.now();
    try {
      const t = now();
      const r = await buildArchive({
        db,
        dir,
        now: t,
        timeZone: config.SOUFFLE_TIMEZONE,
        frozenBefore: archiveFrozenBefore(config, t),
        publicUrl: config.SOUFFLE_PUBLIC_URL,
      });
      logger.info(
        `archive: ${r.written.length} month(s) written, ${r.unchanged} unchanged${r.snapshot ? `, snapshot ${r.snapshot}` : ''}`,
        { written: r.written.join(' '), rows: r.rows, ms: Date.now() - started },
      );
    } catch (e) {
      logger.error(`archive: ${(e as Error).message}`);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().finally(schedule);
    }, config.SOUFFLE_ARCHIVE_INTERVAL);
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
