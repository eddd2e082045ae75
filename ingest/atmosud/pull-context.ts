// What the puller and the backfill share while they run: the database, the HTTP client, the
// error log of the current cycle, a logger and the clock (injectable, so tests control time).
import type { Db } from '../../data/db.js';
import type { SeriesCache } from '../../data/store/series.js';
import type { ErrorLog } from './error-log.js';
import type { AtmosudClient } from './http-client.js';

/** Console-compatible: pass `console`, a pino/winston logger, or a test collector. */
export type AtmosudLogger = {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
};

export type PullContext = {
  db: Db;
  client: AtmosudClient;
  errors: ErrorLog;
  logger: AtmosudLogger;
  now: () => number;
  /** Series ids resolved so far; owned by the puller, kept across cycles. */
  seriesCache: SeriesCache;
  signal?: AbortSignal;
  /** Zone of local days: with it, writes also store outdated current indices (AtmosudPullerOptions). */
  timeZone?: string;
};

/** Prefixes every line with "atmosud:" and drops debug lines unless asked. */
export function consoleLogger(options: { debug?: boolean } = {}): AtmosudLogger {
  return {
    debug: (m) => {
      if (options.debug) console.debug(`atmosud: ${m}`);
    },
    info: (m) => console.info(`atmosud: ${m}`),
    warn: (m) => console.warn(`atmosud: ${m}`),
    error: (m) => console.error(`atmosud: ${m}`),
  };
}
