// The puller's side of the ingest error log: rejections are collected during a cycle and written
// in one go (device null, source "atmosud" or the importer's, the request as topic, a truncated copy of the body).
// The overlap window re-reads the same bad value every cycle, so an identical reason is recorded
// once per `repeatMs` by this process rather than flooding the bounded log.
import { recordIngestErrors, type NewIngestError } from '../../data/store/ingest-errors.js';
import type { Db } from '../../data/db.js';

export const ATMOSUD_SOURCE = 'atmosud';

export type AtmosudRejection = { request: string | null; reason: string; body?: string | null };

export type ErrorLog = {
  add(rejection: AtmosudRejection): void;
  /** Rejections added since the last flush (including ones not written again as repeats). */
  readonly pending: number;
  /** Writes the new rejections; returns how many were added since the last flush. */
  flush(db: Db): Promise<number>;
};

export function createErrorLog(options: {
  now: () => number;
  repeatMs?: number;
  /** The ingest_errors source (the importers of ingest/networks/ give theirs). */
  source?: string;
}): ErrorLog {
  const source = options.source ?? ATMOSUD_SOURCE;
  const repeatMs = options.repeatMs ?? 24 * 3_600_000;
  const lastWritten = new Map<string, number>();
  let batch: NewIngestError[] = [];
  let count = 0;
  return {
    add({ request, reason, body }) {
      count += 1;
      const now = options.now();
      const seen = lastWritten.get(reason);
      if (seen !== undefined && now - seen < repeatMs) return;
      lastWritten.set(reason, now);
      batch.push({
        deviceId: null,
        source,
        time: now,
        topic: request,
        reason,
        payload: body,
      });
    },
    get pending() {
      return count;
    },
    async flush(db) {
      const rows = batch;
      const added = count;
      batch = [];
      count = 0;
      if (lastWritten.size > 10_000) lastWritten.clear(); // bound memory; worst case one repeat
      await recordIngestErrors(db, rows);
      return added;
    },
  };
}
