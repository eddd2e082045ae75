// The ingest worker's counters: kept in memory per message, flushed to the `counters` table every
// few seconds and on stop (data/store/counters.ts), where the API's /metrics reads them. Names
// follow Prometheus conventions (`_total` counters, `_seconds` units).
import type { Db } from '../data/db.js';
import { bumpCounters, type CounterDelta } from '../data/store/counters.js';
import type { Rejection, RejectionCode } from '../data/decoders/types.js';

const METRICS = {
  received: 'souffle_ingest_messages_received_total',
  stored: 'souffle_ingest_messages_stored_total',
  /** Messages of which nothing was stored, by the reason of their first rejection. */
  messagesRejected: 'souffle_ingest_messages_rejected_total',
  /** Values written as new rows. */
  valuesStored: 'souffle_ingest_values_stored_total',
  /** Values already stored: a redelivered message (after a crash before its acknowledgement). */
  valuesDuplicate: 'souffle_ingest_values_duplicate_total',
  /** Stored values replaced by a different value re-sent for the same time (a correction). */
  valuesReplaced: 'souffle_ingest_values_replaced_total',
  valuesRejected: 'souffle_ingest_values_rejected_total',
  /** Messages the embedded broker dropped under their device's rate limit: never handed over. */
  rateLimited: 'souffle_ingest_messages_rate_limited_total',
  lastCommit: 'souffle_ingest_last_commit_timestamp_seconds',
  /** Messages received and not yet committed, at the last flush (a worker falling behind). */
  queueDepth: 'souffle_ingest_queue_depth',
  /** Longest wait from receipt to commit among the batches since the last flush, seconds. */
  lag: 'souffle_ingest_lag_seconds',
} as const;

export type IngestCounts = {
  received: number;
  stored: number;
  messagesRejected: Partial<Record<RejectionCode, number>>;
  valuesStored: number;
  valuesDuplicate: number;
  valuesReplaced: number;
  valuesRejected: Partial<Record<RejectionCode, number>>;
  rateLimited: number;
  /** Epoch ms of the last commit, or null before the first. */
  lastCommitAt: number | null;
};

const empty = (): IngestCounts => ({
  received: 0,
  stored: 0,
  messagesRejected: {},
  valuesStored: 0,
  valuesDuplicate: 0,
  valuesReplaced: 0,
  valuesRejected: {},
  rateLimited: 0,
  lastCommitAt: null,
});

export class IngestMetrics {
  /** Totals since this process started (the worker's status). */
  readonly totals: IngestCounts = empty();
  /** Not yet flushed to the database. */
  private pending: IngestCounts = empty();
  /** Longest receipt-to-commit wait since the last flush, ms (null: nothing committed since). */
  private maxLagMs: number | null = null;
  private writtenQueueDepth: number | undefined;
  /** The lag written at the last flush that had one (s): what souffle_ingest_lag_seconds shows. */
  lastLagSeconds: number | null = null;

  received(): void {
    this.totals.received += 1;
    this.pending.received += 1;
  }

  rateLimited(): void {
    this.totals.rateLimited += 1;
    this.pending.rateLimited += 1;
  }

  /** Records a committed batch: each message with a valid value counts as stored. */
  committed(
    messages: readonly { readings: readonly unknown[]; message?: { receivedAt: number } }[],
    values: { inserted: number; duplicates: number; replaced: number },
    at: number,
  ): void {
    for (const m of messages) {
      if (m.message) this.maxLagMs = Math.max(this.maxLagMs ?? 0, at - m.message.receivedAt);
    }
    for (const c of [this.totals, this.pending]) {
      for (const m of messages) if (m.readings.length > 0) c.stored += 1;
      c.valuesStored += values.inserted;
      c.valuesDuplicate += values.duplicates;
      c.valuesReplaced += values.replaced;
      c.lastCommitAt = at;
    }
  }

  /**
   * Records rejections (ingest/rejection-log.ts): a message without a valid value counts as
   * rejected by its first reason; values are counted by reason.
   */
  rejected(
    messages: readonly {
      readings: readonly unknown[];
      rejections: readonly Pick<Rejection, 'code' | 'values'>[];
    }[],
  ): void {
    for (const c of [this.totals, this.pending]) {
      for (const m of messages) {
        if (m.readings.length === 0 && m.rejections[0]) add(c.messagesRejected, m.rejections[0].code, 1);
        for (const r of m.rejections) add(c.valuesRejected, r.code, r.values);
      }
    }
  }

  /** Writes the pending deltas; on failure they are kept for the next flush. */
  async flush(db: Db, now = Date.now(), queueDepth?: number): Promise<void> {
    const p = this.pending;
    // Gauges, set rather than added: the queue as it is now, the worst lag since the last flush.
    // The depth is written when it changed, so an idle worker does not write every few seconds.
    const depthChanged = queueDepth !== undefined && queueDepth !== this.writtenQueueDepth;
    const gauges: CounterDelta[] = [
      ...(depthChanged ? [{ name: METRICS.queueDepth, value: queueDepth }] : []),
      ...(this.maxLagMs !== null ? [{ name: METRICS.lag, value: this.maxLagMs / 1000 }] : []),
    ];
    if (this.maxLagMs !== null) this.lastLagSeconds = this.maxLagMs / 1000;
    this.maxLagMs = null;
    const deltas: CounterDelta[] = [
      { name: METRICS.received, value: p.received },
      { name: METRICS.stored, value: p.stored },
      { name: METRICS.valuesStored, value: p.valuesStored },
      { name: METRICS.valuesDuplicate, value: p.valuesDuplicate },
      { name: METRICS.valuesReplaced, value: p.valuesReplaced },
      { name: METRICS.rateLimited, value: p.rateLimited },
      ...labelled(METRICS.messagesRejected, p.messagesRejected),
      ...labelled(METRICS.valuesRejected, p.valuesRejected),
    ].filter((d) => d.value !== 0);
    if (deltas.length === 0 && p.lastCommitAt === null && gauges.length === 0) return;
    this.pending = empty();
    try {
      await db.transaction().execute(async (trx) => {
        await bumpCounters(trx, deltas, { now });
        await bumpCounters(trx, gauges, { mode: 'set', now });
        if (p.lastCommitAt !== null) {
          await bumpCounters(trx, [{ name: METRICS.lastCommit, value: p.lastCommitAt / 1000 }], {
            mode: 'set',
            now,
          });
        }
      });
      if (depthChanged) this.writtenQueueDepth = queueDepth;
    } catch (e) {
      this.merge(p);
      throw e;
    }
  }

  private merge(p: IngestCounts): void {
    const q = this.pending;
    q.received += p.received;
    q.stored += p.stored;
    q.valuesStored += p.valuesStored;
    q.valuesDuplicate += p.valuesDuplicate;
    q.valuesReplaced += p.valuesReplaced;
    q.rateLimited += p.rateLimited;
    for (const [k, v] of Object.entries(p.messagesRejected)) add(q.messagesRejected, k as RejectionCode, v);
    for (const [k, v] of Object.entries(p.valuesRejected)) add(q.valuesRejected, k as RejectionCode, v);
    q.lastCommitAt = Math.max(q.lastCommitAt ?? 0, p.lastCommitAt ?? 0) || null;
  }
}

function add(map: Partial<Record<RejectionCode, number>>, code: RejectionCode, n: number): void {
  map[code] = (map[code] ?? 0) + n;
}

function labelled(name: string, map: Partial<Record<RejectionCode, number>>): CounterDelta[] {
  return Object.entries(map).map(([reason, value]) => ({ name, labels: `reason="${reason}"`, value }));
}
