// How many large reads run at once, in all and per client address (docs/security.md, "Public reads
// and ingest"). A large read is an export, or a series of more than one chunk of points
// (api/raw-series-chunks.ts). Each holds the process for every page or chunk it reads: ten
// concurrent anonymous GeoJSON exports kept /healthz waiting 41.9 s and a reading's PUBACK 4.3 s
// on `souffle start`, and twenty raw series of 100 000 points took 21 s. One limiter for both, so
// that a client cannot get around the export limit with series requests or the other way round.
// In memory, per process.
import { ApiError } from './api-error.js';

export type LargeReadLimits = {
  /** Large reads running at once, all clients together. */
  concurrent: number;
  /** Large reads running at once from one client address. */
  perAddress: number;
};

export const LARGE_READ_LIMIT_DEFAULTS: LargeReadLimits = { concurrent: 4, perAddress: 2 };

/** What a refused large read is told to wait before trying again (s). */
export const LARGE_READ_RETRY_AFTER_S = 5;

export type LargeReadLimiter = {
  /** A release function (call it once, when the read ends), or undefined: over a limit. */
  acquire: (address: string | undefined) => (() => void) | undefined;
};

export function createLargeReadLimiter(limits: LargeReadLimits): LargeReadLimiter {
  let running = 0;
  const byAddress = new Map<string, number>();
  return {
    acquire(address) {
      // A request not served by a socket (app.request() in tests) counts under one shared key.
      const key = address ?? '';
      const mine = byAddress.get(key) ?? 0;
      if (running >= limits.concurrent || mine >= limits.perAddress) return undefined;
      running += 1;
      byAddress.set(key, mine + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        running -= 1;
        const left = (byAddress.get(key) ?? 1) - 1;
        if (left > 0) byAddress.set(key, left);
        else byAddress.delete(key);
      };
    },
  };
}

/** A slot for a large read from `address`, or the 429 the route answers when none is free. */
export function acquireLargeRead(limiter: LargeReadLimiter, address: string | undefined): () => void {
  const release = limiter.acquire(address);
  if (release) return release;
  throw new ApiError(
    429,
    'too_many_large_reads',
    `too many exports or large series being read at once; retry in ${LARGE_READ_RETRY_AFTER_S} s`,
    { 'Retry-After': String(LARGE_READ_RETRY_AFTER_S) },
  );
}
