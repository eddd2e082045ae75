// The schedule every network importer shares (Sensor.Community, openSenseMap): a cycle now, then
// one every intervalMs, never two at once; after a cycle that could not reach the network the next
// waits twice as long each time (up to maxBackoffMs), so an instance without Internet access logs
// one line per attempt and leaves the network alone; one log line per cycle, with the items
// skipped counted by reason; counters in the shared counters table (GET /metrics).
import type { Db } from '../../data/db.js';
import { bumpCounters } from '../../data/store/counters.js';
import { AtmosudError } from '../atmosud/atmosud-error.js';
import type { ErrorLog } from '../atmosud/error-log.js';
import type { AtmosudLogger } from '../atmosud/pull-context.js';
import type { ImportedSource } from './imported-store.js';

export type ImportStatus = 'ok' | 'partial' | 'offline' | 'failed' | 'aborted';

export type ImportSummary = {
  source: ImportedSource;
  status: ImportStatus;
  /** Stations in the area found in this cycle, and those whose description changed. */
  stations: number;
  stationsWritten: number;
  /** Values stored for the first time, and values read again (already stored). */
  inserted: number;
  unchanged: number;
  /** Items or values left out, by reason ("no location", "value not a number", …). */
  skipped: Record<string, number>;
  /** The cycle's log line. */
  message: string;
};

export type ImportCycle = (
  signal: AbortSignal,
  summary: ImportSummary,
) => Promise<Pick<ImportSummary, 'status'> & { detail?: string }>;

export type NetworkPullerOptions = {
  db: Db;
  source: ImportedSource;
  /** How the network is named in log lines ("Sensor.Community"). */
  label: string;
  intervalMs: number;
  /** The longest wait after failed cycles (default: 1 h, or the interval if longer). */
  maxBackoffMs?: number;
  logger: AtmosudLogger;
  cycle: ImportCycle;
};

export type NetworkPuller = {
  start(): void;
  /** Stops the schedule, aborts the cycle in flight and waits for it. */
  stop(): Promise<void>;
  /** Runs one cycle (or joins the one in flight). Never rejects. */
  pullOnce(): Promise<ImportSummary>;
};

export function createNetworkPuller(options: NetworkPullerOptions): NetworkPuller {
  const { db, source, label, logger } = options;
  const maxBackoffMs = Math.max(options.maxBackoffMs ?? 3_600_000, options.intervalMs);
  let controller = new AbortController();
  let running: Promise<ImportSummary> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let scheduled = false;
  let failures = 0;

  const nextDelay = () => Math.min(maxBackoffMs, options.intervalMs * 2 ** failures);

  async function run(): Promise<ImportSummary> {
    const started = Date.now();
    const s = emptyImportSummary(source);
    let detail: string | undefined;
    try {
      ({ status: s.status, detail } = await options.cycle(controller.signal, s));
    } catch (e) {
      s.status = 'failed';
      detail = `cycle failed: ${(e as Error).message}`;
    }
    failures = s.status === 'offline' || s.status === 'failed' ? failures + 1 : 0;
    const next = scheduled && failures > 0 ? `; next attempt in ${minutes(nextDelay())}` : '';
    s.message = `${label}: ${detail ?? describeImport(s)}${next} (${((Date.now() - started) / 1000).toFixed(1)} s)`;
    if (s.status === 'offline' || s.status === 'failed') logger.error(s.message);
    else if (s.status === 'partial') logger.warn(s.message);
    else logger.info(s.message);
    await count(s).catch((e) => logger.warn(`${label}: could not update metrics: ${(e as Error).message}`));
    return s;
  }

  async function count(s: ImportSummary): Promise<void> {
    const src = `source="${source}"`;
    await bumpCounters(db, [
      { name: 'souffle_import_cycles_total', labels: `${src},status="${s.status}"`, value: 1 },
      { name: 'souffle_import_values_total', labels: `${src},kind="inserted"`, value: s.inserted },
      { name: 'souffle_import_values_total', labels: `${src},kind="unchanged"`, value: s.unchanged },
      ...Object.entries(s.skipped).map(([reason, value]) => ({
        name: 'souffle_import_skipped_total',
        labels: `${src},reason="${reason.replace(/["\\\n]/g, '')}"`,
        value,
      })),
    ]);
    if (s.status === 'aborted') return;
    // What /healthz's `imports` reads (data/store/import-status.ts): when, and whether it answered.
    const now = Math.floor(Date.now() / 1000);
    const reached = s.status === 'ok' || s.status === 'partial';
    await bumpCounters(
      db,
      [
        { name: 'souffle_import_last_attempt_seconds', labels: src, value: now },
        { name: 'souffle_import_up', labels: src, value: reached ? 1 : 0 },
        ...(reached ? [{ name: 'souffle_import_last_success_seconds', labels: src, value: now }] : []),
      ],
      { mode: 'set' },
    );
  }

  function pullOnce(): Promise<ImportSummary> {
    running ??= run().finally(() => {
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
        if (scheduled) timer = setTimeout(loop, Math.max(0, t0 + nextDelay() - Date.now()));
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

export function emptyImportSummary(source: ImportedSource): ImportSummary {
  return {
    source,
    status: 'ok',
    stations: 0,
    stationsWritten: 0,
    inserted: 0,
    unchanged: 0,
    skipped: {},
    message: '',
  };
}

/** Adds one skipped item under its reason. */
export function skip(summary: ImportSummary, reason: string, n = 1): void {
  summary.skipped[reason] = (summary.skipped[reason] ?? 0) + n;
}

/** The cycle's figures, as its log line gives them. */
export function describeImport(s: ImportSummary): string {
  const skipped = Object.entries(s.skipped)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  return (
    `${s.stations} station(s) in the area (${s.stationsWritten} new or changed), ` +
    `${s.inserted} new value(s), ${s.unchanged} already stored` +
    (skipped ? `; skipped: ${skipped}` : '')
  );
}

const minutes = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);

/**
 * What a failed request means for the cycle: unreachable (offline: back off, nothing changed), or
 * an answer that is not what the network documents (failed: a copy goes to the ingest error log).
 */
export function requestFailed(
  e: unknown,
  errors: ErrorLog,
): Pick<ImportSummary, 'status'> & { detail: string } {
  if (!(e instanceof AtmosudError)) throw e;
  if (e.kind === 'aborted') return { status: 'aborted', detail: 'stopped during the cycle' };
  if (e.offline)
    return { status: 'offline', detail: `unreachable: ${e.message}; nothing stored was changed` };
  errors.add({ request: e.request, reason: e.reason, body: e.body ?? null });
  return { status: 'failed', detail: `answered badly: ${e.message}` };
}
