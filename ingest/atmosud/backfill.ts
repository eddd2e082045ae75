// `souffle backfill atmosud`: fills the history of the reference stations in windows of at most
// 30 days per request. Progress is persisted in pull_cursors (source "atmosud", key "backfill")
// in the same transaction as each window's readings, so an interrupted backfill resumes where
// it stopped and skips the windows already done.
import type { Db } from '../../data/db.js';
import { DAY_MS } from '../../data/store/rollups.js';
import { getCursor, setCursor } from '../../data/store/cursors.js';
import { AtmosudError } from './atmosud-error.js';
import { ATMOSUD_SOURCE, createErrorLog } from './error-log.js';
import { createAtmosudClient } from './http-client.js';
import { addMeasureStats, emptyMeasureStats, pullStationWindow, type MeasureStats } from './measures.js';
import { consoleLogger, type AtmosudLogger, type PullContext } from './pull-context.js';
import { fetchStations, inArea, storeStations, type ReferenceStation } from './stations.js';
import { ceilHour, MAX_WINDOW_MS, splitWindows, type TimeWindow } from './time-windows.js';

const BACKFILL_KEY = 'backfill';

export type BackfillOptions = {
  db: Db;
  baseUrl: string;
  departments: readonly string[];
  bbox?: readonly [number, number, number, number];
  timeoutMs: number;
  concurrency: number;
  days: number;
  /** Forget an unfinished backfill instead of resuming it. */
  restart?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: BackfillProgress) => void;
  logger?: AtmosudLogger;
  now?: () => number;
  fetch?: typeof fetch;
  /** At most 30 days (AtmoSud's own map never asks for more). */
  windowMs?: number;
  retries?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  retryAfterCapMs?: number;
};

export type BackfillProgress = { done: number; total: number; values: MeasureStats; errors: number };

export type BackfillSummary = {
  from: number;
  to: number;
  days: number;
  resumed: boolean;
  stations: number;
  windows: { total: number; done: number; skipped: number; failed: number };
  values: MeasureStats;
  /** Rejections written to the ingest error log. */
  errors: number;
  failures: string[];
  interrupted: boolean;
  complete: boolean;
};

type BackfillState = {
  days: number;
  from: number;
  to: number;
  windowMs: number;
  done: string[];
  complete: boolean;
};

/** An unfinished backfill of a different length is pending: resume it or pass `restart`. */
export class BackfillConflictError extends Error {
  override name = 'BackfillConflictError';
}

export async function backfillAtmosud(options: BackfillOptions): Promise<BackfillSummary> {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? consoleLogger();
  const windowMs = Math.min(options.windowMs ?? MAX_WINDOW_MS, MAX_WINDOW_MS);
  const client = createAtmosudClient(options);
  const errors = createErrorLog({ now });
  const ctx: PullContext = {
    db: options.db,
    client,
    errors,
    logger,
    now,
    seriesCache: new Map(),
    signal: options.signal,
  };

  const saved = await getCursor(options.db, ATMOSUD_SOURCE, BACKFILL_KEY);
  const previous = saved?.state ? (JSON.parse(saved.state) as BackfillState) : undefined;
  const resumable = previous && !previous.complete && !options.restart ? previous : undefined;
  if (resumable && resumable.days !== options.days) {
    throw new BackfillConflictError(
      `an interrupted backfill of ${resumable.days} days is pending (${resumable.done.length} windows done): ` +
        `run it again with --days ${resumable.days} to resume it, or add --restart to start over with ${options.days}`,
    );
  }
  const t = now();
  const state: BackfillState = resumable ?? {
    days: options.days,
    from: ceilHour(t) - options.days * DAY_MS,
    to: ceilHour(t),
    windowMs,
    done: [],
    complete: false,
  };
  const done = new Set(state.done);

  const save = (complete: boolean) =>
    setCursor(
      options.db,
      {
        source: ATMOSUD_SOURCE,
        key: BACKFILL_KEY,
        cursor: state.to,
        state: { ...state, done: [...done], complete },
      },
      now(),
    );
  let fetched: Awaited<ReturnType<typeof fetchStations>>;
  try {
    fetched = await fetchStations(client, errors, options.signal);
  } catch (e) {
    if (!(e instanceof AtmosudError) || e.kind !== 'aborted') throw e;
    await save(false); // interrupted before any window: still resumable with the same span
    return { ...emptySummary(state, resumable !== undefined), interrupted: true };
  }
  const { stations, listed } = fetched;
  const selected = stations.filter((s) => inArea(s, options) && measuredDuring(s, state));
  if (listed.size > 0) await storeStations(options.db, selected, listed, now());

  const tasks: { station: ReferenceStation; window: TimeWindow; key: string }[] = [];
  for (const station of selected) {
    for (const window of splitWindows(state.from, state.to, state.windowMs)) {
      tasks.push({ station, window, key: `${station.code}@${window.from}` });
    }
  }
  const summary = emptySummary(state, resumable !== undefined);
  summary.stations = selected.length;
  summary.windows.total = tasks.length;
  const pending = tasks.filter((task) => !done.has(task.key));
  summary.windows.skipped = tasks.length - pending.length;
  const progress = () =>
    options.onProgress?.({
      done: summary.windows.done + summary.windows.skipped,
      total: tasks.length,
      values: summary.values,
      errors: errors.pending,
    });
  progress();

  let offline: AtmosudError | undefined;
  const stopped = () => options.signal?.aborted === true || offline !== undefined;
  const worker = async () => {
    for (let task = pending.shift(); task && !stopped(); task = pending.shift()) {
      const { station, window, key } = task;
      try {
        const stats = await pullStationWindow(ctx, station, window, {
          advanceCursors: false,
          inTransaction: async (trx) => {
            // Added before the write so that a window committing concurrently includes it too.
            done.add(key);
            const next: BackfillState = { ...state, done: [...done] };
            await setCursor(
              trx,
              { source: ATMOSUD_SOURCE, key: BACKFILL_KEY, cursor: state.to, state: next },
              now(),
            );
          },
        });
        addMeasureStats(summary.values, stats);
        summary.windows.done += 1;
      } catch (e) {
        done.delete(key); // not committed: the window is fetched again on resume
        if (!(e instanceof AtmosudError)) throw e;
        if (e.kind === 'aborted') return;
        if (e.offline) offline ??= e;
        else errors.add({ request: e.request, reason: `${station.code}: ${e.reason}`, body: e.body ?? null });
        summary.windows.failed += 1;
        summary.failures.push(e.message);
      }
      progress();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));

  summary.errors = await errors.flush(options.db);
  summary.interrupted = options.signal?.aborted === true || offline !== undefined;
  summary.complete = !summary.interrupted && summary.windows.failed === 0;
  await save(summary.complete);
  if (offline) summary.failures.unshift(`AtmoSud became unreachable: ${offline.message}`);
  return summary;
}

function emptySummary(state: BackfillState, resumed: boolean): BackfillSummary {
  return {
    from: state.from,
    to: state.to,
    days: state.days,
    resumed,
    stations: 0,
    windows: { total: 0, done: 0, skipped: 0, failed: 0 },
    values: emptyMeasureStats(),
    errors: 0,
    failures: [],
    interrupted: false,
    complete: false,
  };
}

/** In service, or measured something during the backfill's span (a station closed last month). */
function measuredDuring(s: ReferenceStation, span: { from: number; to: number }): boolean {
  return (
    s.inService ||
    s.periods.some((p) => (p.to === null || p.to > span.from) && (p.from === null || p.from < span.to))
  );
}
