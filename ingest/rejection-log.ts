// The one place where the ingest worker records a rejection (a message or value it will not
// store: unknown device or topic, malformed payload, a value out of range, a message it could not
// store): counted in the metrics for the operator, and appended to the device's bounded error log
// (data/store/ingest-errors.ts) so that the citizen can see why their data is missing.
import type { Db } from '../data/db.js';
import { recordIngestErrors, type NewIngestError } from '../data/store/ingest-errors.js';
import type { DecodedMessage } from './decode-message.js';
import type { IngestMetrics } from './ingest-metrics.js';
import type { Logger } from './logger.js';
import { untilAvailable } from './transient-error.js';

/**
 * Unknown devices are attacker-controlled: their rejections are written to the log (under device
 * null, next to AtmoSud's) at most once per topic per this interval, so a flood cannot bury it;
 * every one is still counted in the metrics.
 */
const UNKNOWN_DEVICE_LOG_INTERVAL_MS = 10 * 60_000;

export type RejectionLogOptions = {
  db: Db;
  metrics: IngestMetrics;
  log: Logger;
  /** True once the worker is stopping: an unavailable database is then not waited for. */
  stopping: () => boolean;
};

export class RejectionLog {
  private readonly unknownLogged = new Map<string, number>();

  constructor(private readonly options: RejectionLogOptions) {}

  /**
   * Records the rejections of `messages` (those without any are skipped). False if the worker
   * stopped while the database was unavailable: the batch then stays unacknowledged, and nothing
   * of it is counted until it is delivered again.
   */
  async record(messages: readonly DecodedMessage[]): Promise<boolean> {
    const rejected = messages.filter((m) => m.rejections.length > 0);
    if (rejected.length === 0) return true;
    const { db, metrics, log } = this.options;
    const errors: NewIngestError[] = [];
    for (const m of rejected) {
      if (!this.shouldLog(m)) continue;
      for (const r of m.rejections) {
        errors.push({
          deviceId: m.device?.id ?? null,
          source: m.format,
          time: m.message.receivedAt,
          topic: m.message.topic,
          reason: r.reason,
          payload: m.message.payload,
        });
      }
    }
    if (errors.length > 0) {
      const append = () => db.transaction().execute((trx) => recordIngestErrors(trx, errors));
      try {
        if (!(await untilAvailable(append, this.options))) return false;
      } catch (e) {
        // The log is for citizens and must not stall the stream: counted, and the operator told.
        log.error(`rejections not written to the error log: ${(e as Error).message}`);
      }
    }
    metrics.rejected(rejected);
    return true;
  }

  private shouldLog(m: DecodedMessage): boolean {
    if (m.device) return true;
    const last = this.unknownLogged.get(m.message.topic);
    if (last !== undefined && m.message.receivedAt - last < UNKNOWN_DEVICE_LOG_INTERVAL_MS) return false;
    if (this.unknownLogged.size >= 10_000) this.unknownLogged.clear();
    this.unknownLogged.set(m.message.topic, m.message.receivedAt);
    return true;
  }
}
