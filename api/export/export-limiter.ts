// How many exports stream at once, in all and per client address (docs/security.md, "Public reads
// and ingest"). An export holds the process for each page it reads; ten concurrent anonymous
// GeoJSON exports kept /healthz waiting 41.9 s and a reading's PUBACK 4.3 s on `souffle start`.
// In memory, per process.

export type ExportLimits = {
  /** Exports streaming at once, all clients together. */
  concurrent: number;
  /** Exports streaming at once from one client address. */
  perAddress: number;
};

export const EXPORT_LIMIT_DEFAULTS: ExportLimits = { concurrent: 4, perAddress: 2 };

/** What a refused export is told to wait before trying again (s). */
export const EXPORT_RETRY_AFTER_S = 5;

export type ExportLimiter = {
  /** A release function (call it once, when the export ends), or undefined: over a limit. */
  acquire: (address: string | undefined) => (() => void) | undefined;
};

export function createExportLimiter(limits: ExportLimits): ExportLimiter {
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
