// The AtmoSud puller: on a schedule, refreshes the reference stations of the configured area,
// pulls their hourly measures incrementally (per station × pollutant cursor, re-reading the
// overlap window) and the official ATMO index of the configured communes. One cycle logs one
// line; an unreachable AtmoSud changes nothing stored; one bad station or value never stops the
// rest. Created by the ingest worker (`souffle start`, `souffle ingest`) with values from Config.
import type { Db } from '../../data/db.js';
import { bumpCounters } from '../../data/store/counters.js';
import { AtmosudError } from './atmosud-error.js';
import { pullCommuneIndices, type CommuneIndexStats } from './commune-indices.js';
import { createErrorLog } from './error-log.js';
import { createAtmosudClient } from './http-client.js';
import {
  addMeasureStats,
  emptyMeasureStats,
  incrementalStart,
  pullStationWindow,
  type MeasureStats,
} from './measures.js';
import { consoleLogger, type AtmosudLogger, type PullContext } from './pull-context.js';
import {
  fetchStations,
  inArea,
  loadStoredStations,
  storeStations,
  type ReferenceStation,
} from './stations.js';
import { ceilHour, MAX_WINDOW_MS, splitWindows } from './time-windows.js';

export type AtmosudPullerOptions = {
  db: Db;
  /** ATMOSUD_URL, e.g. https://api.atmosud.org */
  baseUrl: string;
  /** ATMOSUD_DEPARTMENTS; the area is these departments plus the bbox (both empty: everything). */
  departments: readonly string[];
  /** ATMOSUD_BBOX: [minLon, minLat, maxLon, maxLat]. */
  bbox?: readonly [number, number, number, number];
  /** ATMOSUD_COMMUNES: INSEE codes whose daily ATMO index is pulled. */
  communes: readonly string[];
  /** ATMOSUD_OVERLAP: how far before each cursor a pull starts again (ms). */
  overlapMs: number;
  /** ATMOSUD_TIMEOUT: per request attempt (ms). */
  timeoutMs: number;
  /** ATMOSUD_CONCURRENCY: requests in flight at once. */
  concurrency: number;
  /** ATMOSUD_INTERVAL: from the start of one cycle to the start of the next (ms). */
  intervalMs: number;
  logger?: AtmosudLogger;
  /** The clock used for data (cursors, J-1/J/J+1); scheduling always uses real time. */
  now?: () => number;
  /**
   * Zone of local days (SOUFFLE_TIMEZONE): each station's transaction also stores the outdated
   * current indices (data/store/current-indices.ts), its own among them. Without it, none.
   */
  timeZone?: string;
  fetch?: typeof fetch;
  /** How far back a station × pollutant without a cursor starts (default: overlapMs). */
  initialLookbackMs?: number;
  /** Retry tuning, mostly for tests (defaults: 3 retries, 1 s doubling to 30 s, Retry-After ≤ 2 min). */
  retries?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  retryAfterCapMs?: number;
};

export type PullStatus = 'ok' | 'partial' | 'offline' | 'failed' | 'aborted';

export type PullSummary = {
  status: PullStatus;
  startedAt: number;
  durationMs: number;
  stations: {
    /** Stations in AtmoSud's list (0 when it could not be read: the stored ones were pulled). */
    listed: number;
    inArea: number;
    inService: number;
    /** Stored because new or changed / already stored as they are / no longer listed by AtmoSud. */
    written: number;
    unchanged: number;
    retired: number;
  };
  values: MeasureStats;
  indices: Omit<CommuneIndexStats, 'failures'>;
  /** Requests that failed after retries (other than the station list when offline). */
  requestsFailed: number;
  /** Rejections added to the ingest error log this cycle (repeats within 24 h are not rewritten). */
  errors: number;
  /** The cycle's log line. */
  message: string;
};

export type AtmosudPuller = {
  /** Runs a cycle now, then one every intervalMs; cycles never overlap. */
  start(): void;
  /** Stops the schedule, aborts the cycle in flight and waits for it. */
  stop(): Promise<void>;
  /** Runs one cycle (or joins the one in flight). Never rejects. */
  pullOnce(): Promise<PullSummary>;
};

export function createAtmosudPuller(options: AtmosudPullerOptions): AtmosudPuller {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? consoleLogger();
  const client = createAtmosudClient(options);
  const errors = createErrorLog({ now });
  const seriesCache = new Map<string, number>();
  let controller = new AbortController();
  let running: Promise<PullSummary> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let scheduled = false;
  // Durations use real time even when tests inject a data clock.
  const realStart = new WeakMap<PullSummary, number>();

  async function cycle(signal: AbortSignal, s: PullSummary): Promise<PullSummary> {
    const ctx: PullContext = {
      db: options.db,
      client,
      errors,
      logger,
      now,
      seriesCache,
      signal,
      timeZone: options.timeZone,
    };
    const failures: string[] = [];
    let stations: ReferenceStation[] = [];
    let listed = new Set<string>();
    try {
      ({ stations, listed } = await fetchStations(client, errors, signal));
      if (listed.size === 0) failures.push('the station list is empty');
    } catch (e) {
      if (!(e instanceof AtmosudError)) throw e;
      if (e.kind === 'aborted') return finish(s, 'aborted', 'stopped before the station list arrived');
      if (e.offline) {
        const next = scheduled ? `; next attempt in ${minutes(options.intervalMs)}` : '';
        return finish(s, 'offline', `AtmoSud unreachable: ${e.message}; nothing stored was changed${next}`);
      }
      // AtmoSud answered, badly: keep a copy of the answer, and pull the stations already known.
      errors.add({ request: e.request, reason: `station list rejected: ${e.reason}`, body: e.body ?? null });
      failures.push(e.message);
    }
    const fromStore = listed.size === 0;
    if (fromStore) stations = (await loadStoredStations(options.db)).filter((st) => st.inService);
    // A stored station was in the area when it was stored; without a commune code its department is
    // not kept, so it stays selected rather than silently dropped for a cycle.
    const selected = stations.filter((st) => inArea(st, options) || (fromStore && st.department === null));
    s.stations.listed = listed.size;
    s.stations.inArea = selected.length;
    if (listed.size > 0) Object.assign(s.stations, await storeStations(options.db, selected, listed, now()));

    const active = selected.filter((st) => st.inService);
    s.stations.inService = active.length;
    await Promise.all(active.map((st) => pullStation(ctx, st, s.values, failures)));
    if (!signal.aborted) {
      const { failures: indexFailures, ...indices } = await pullCommuneIndices(ctx, options.communes);
      s.indices = indices;
      failures.push(...indexFailures);
    }
    s.requestsFailed = failures.length;
    s.errors = await errors.flush(options.db);
    if (signal.aborted) return finish(s, 'aborted', `stopped during the cycle; ${describe(s)}`);
    const problems =
      failures.length > 0 ? `; ${failures.length} request(s) failed, first: ${failures[0]}` : '';
    const rejected = s.errors > 0 ? `; ${s.errors} rejection(s) in the ingest error log` : '';
    const status = failures.length > 0 || s.errors > 0 ? 'partial' : 'ok';
    return finish(s, status, `${describe(s)}${problems}${rejected}`);
  }

  async function pullStation(
    ctx: PullContext,
    station: ReferenceStation,
    total: MeasureStats,
    failures: string[],
  ) {
    const t = now();
    const start = await incrementalStart(options.db, station, {
      now: t,
      overlapMs: options.overlapMs,
      lookbackMs: options.initialLookbackMs ?? options.overlapMs,
    });
    for (const window of splitWindows(start, ceilHour(t), MAX_WINDOW_MS)) {
      try {
        addMeasureStats(total, await pullStationWindow(ctx, station, window, { advanceCursors: true }));
      } catch (e) {
        if (!(e instanceof AtmosudError)) throw e;
        if (e.kind === 'aborted') return;
        failures.push(e.message);
        if (!e.offline)
          errors.add({ request: e.request, reason: `${station.code}: ${e.reason}`, body: e.body ?? null });
        return; // later windows wait for the next cycle: the cursor stays before the gap
      }
    }
  }

  function finish(s: PullSummary, status: PullStatus, detail: string): PullSummary {
    s.status = status;
    s.durationMs = Date.now() - (realStart.get(s) ?? Date.now());
    s.message = `${detail} (${(s.durationMs / 1000).toFixed(1)} s)`;
    if (status === 'offline' || status === 'failed') logger.error(s.message);
    else if (status === 'partial') logger.warn(s.message);
    else logger.info(s.message);
    return s;
  }

  async function countCycle(s: PullSummary): Promise<void> {
    await bumpCounters(options.db, [
      { name: 'souffle_atmosud_cycles_total', labels: `status="${s.status}"`, value: 1 },
      { name: 'souffle_atmosud_values_total', labels: 'kind="inserted"', value: s.values.inserted },
      { name: 'souffle_atmosud_values_total', labels: 'kind="replaced"', value: s.values.replaced },
      { name: 'souffle_atmosud_values_total', labels: 'kind="removed"', value: s.values.removed },
      { name: 'souffle_atmosud_rejections_total', value: s.errors },
    ]);
    if (s.status === 'ok' || s.status === 'partial') {
      await bumpCounters(
        options.db,
        [{ name: 'souffle_atmosud_last_success_seconds', value: Math.floor(now() / 1000) }],
        {
          mode: 'set',
        },
      );
    }
  }

  function pullOnce(): Promise<PullSummary> {
    running ??= (async () => {
      const s = newSummary(now());
      realStart.set(s, Date.now());
      try {
        await cycle(controller.signal, s);
      } catch (e) {
        finish(s, 'failed', `cycle failed: ${(e as Error).message}`);
      }
      await countCycle(s).catch((e) => logger.warn(`could not update metrics: ${(e as Error).message}`));
      return s;
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    start() {
      if (scheduled) return;
      scheduled = true;
      const loop = async () => {
        const t0 = Date.now();
        await pullOnce();
        if (scheduled) timer = setTimeout(loop, Math.max(0, t0 + options.intervalMs - Date.now()));
      };
      void loop();
    },
    async stop() {
      scheduled = false;
      clearTimeout(timer);
      controller.abort();
      await running;
      controller = new AbortController();
    },
    pullOnce,
  };
}

function newSummary(startedAt: number): PullSummary {
  return {
    status: 'ok',
    startedAt,
    durationMs: 0,
    stations: { listed: 0, inArea: 0, inService: 0, written: 0, unchanged: 0, retired: 0 },
    values: emptyMeasureStats(),
    indices: { written: 0, unchanged: 0, failed: 0 },
    requestsFailed: 0,
    errors: 0,
    message: '',
  };
}

function describe(s: PullSummary): string {
  const v = s.values;
  return (
    `${s.stations.inService} station(s) in service of ${s.stations.inArea} in the area, ` +
    `${v.inserted} new value(s), ${v.replaced} replaced (validated or corrected), ` +
    `${v.removed} removed (invalidated), ${v.unchanged} unchanged; ` +
    `${s.indices.written + s.indices.unchanged} commune index(es), ${s.indices.written} updated`
  );
}

const minutes = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);
