// Errors that say the database cannot take the batch *now* (busy, locked, full, restarting,
// unreachable, or a concurrent writer won a lock), as opposed to errors about the batch itself.
// The worker waits and retries the former without acknowledging anything, so that nothing is
// dropped while the database is away; only the latter can make it give a message up.
import type { Logger } from './logger.js';

/** SQLite result codes (better-sqlite3 `code`). */
const SQLITE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY|PROTOCOL)/;

/**
 * PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html):
 * class 08 connection exception, class 53 insufficient resources (disk full, out of memory, too
 * many connections), 40001 serialization failure and 40P01 deadlock detected (two workers updating
 * the same rollup rows; PostgreSQL aborts one transaction, which must be retried), 55P03 lock not
 * available, 57P01–57P03 the server shutting down or starting, 25006 read-only transaction (a
 * standby promoted after a failover is not yet writable), 58030 I/O error.
 */
const POSTGRES = /^(08...|53...|40001|40P01|55P03|57P0[123]|25006|58030)$/;

/** Socket errors from the pg driver. */
const NETWORK = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)$/;

/** pg's own errors without a code, when the connection drops or the pool cannot connect. */
const POSTGRES_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed/i;

export function isTransientDatabaseError(e: unknown): boolean {
  const code = String((e as { code?: unknown } | null)?.code ?? '');
  if (SQLITE.test(code) || POSTGRES.test(code) || NETWORK.test(code)) return true;
  return POSTGRES_MESSAGE.test(String((e as { message?: unknown } | null)?.message ?? ''));
}

/** The wait before retrying after the `attempt`-th failure: 200 ms, doubling, at most 5 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(5000, 100 * 2 ** Math.min(attempt, 6));
}

/**
 * Runs `task` until it does not fail with a transient database error, waiting longer after each
 * failure. Resolves to its result, or to undefined once `stopping()` while the database is
 * unavailable (what is in hand then stays unacknowledged). Other errors are thrown.
 */
export async function untilAvailable<T>(
  task: () => Promise<T>,
  options: { stopping: () => boolean; log: Logger },
): Promise<{ value: T } | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await task() };
    } catch (e) {
      if (!isTransientDatabaseError(e)) throw e;
      if (options.stopping()) return undefined;
      // Once per outage, not per retry: a full disk can last hours.
      if (attempt === 1) options.log.warn(`database unavailable (${(e as Error).message}); retrying`);
      await sleep(retryDelayMs(attempt));
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
