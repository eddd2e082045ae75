// Stores the readings of one decoded batch, with the retry rules that keep "nothing acknowledged
// is lost" and "a bad message never stops the worker" both true: an unavailable database is
// waited for (the batch stays unacknowledged), a vanished series or device is looked up again,
// and a message that fails for any other reason is isolated and given up at once: such an error
// would fail the same way again, and retrying it would only make every message behind it wait
// (docs/security.md, "Poison messages"). A retry runs the write transaction again on the rows
// already decoded; it never decodes again.
import type { Db } from '../data/db.js';
import type { SeriesCache } from '../data/store/series.js';
import { lookUpDeviceAgain, rejected, type DecodedMessage } from './decode-message.js';
import type { DeviceCache } from './device-cache.js';
import type { IngestMetrics } from './ingest-metrics.js';
import type { Logger } from './logger.js';
import { isForeignKeyError, storeMessages, type IgnoredTypesCache } from './store-messages.js';
import { isTransientDatabaseError, retryDelayMs, untilAvailable } from './transient-error.js';

export type BatchWriterOptions = {
  db: Db;
  metrics: IngestMetrics;
  /** The devices the batch was decoded with: cleared and asked again when one vanished. */
  devices: DeviceCache;
  log: Logger;
  /** True once the worker is stopping: an unavailable database is then not waited for. */
  stopping: () => boolean;
  /** Zone of local days: with it, each batch refreshes outdated current indices (IngestWorkerOptions). */
  timeZone?: string;
};

export class BatchWriter {
  private readonly series: SeriesCache = new Map();
  private readonly ignoredSeen: IgnoredTypesCache = new Map();
  /** Transactions committed (received / transactions is the mean batch size). */
  transactions = 0;
  /** When the database became unavailable, while it is: one warning per outage, not per retry. */
  private unavailableSince: number | undefined;

  constructor(private readonly options: BatchWriterOptions) {}

  /**
   * Resolves once the batch is committed, to the batch as stored: a message given up, or whose
   * device vanished meanwhile, is replaced by its rejection, for the caller to record. Undefined
   * if abandoned on stop while the database was unavailable.
   */
  async write(batch: readonly DecodedMessage[]): Promise<readonly DecodedMessage[] | undefined> {
    return this.attempt(batch, 1, false);
  }

  private async attempt(
    batch: readonly DecodedMessage[],
    attempt: number,
    refreshed: boolean,
  ): Promise<readonly DecodedMessage[] | undefined> {
    const { db, metrics, log, stopping } = this.options;
    try {
      const outcome = await storeMessages(db, batch, this.series, this.ignoredSeen, {
        timeZone: this.options.timeZone,
      });
      metrics.committed(batch, outcome, Date.now());
      this.transactions += 1;
      if (this.unavailableSince !== undefined) {
        const s = ((Date.now() - this.unavailableSince) / 1000).toFixed(1);
        log.info(`database available again after ${s} s; nothing was acknowledged meanwhile`);
        this.unavailableSince = undefined;
      }
      return batch;
    } catch (e) {
      if (isForeignKeyError(e) && !refreshed) {
        // A device was removed with --purge under our caches: forget them and look again.
        log.info('a series or device vanished (removed with --purge?): caches cleared, retrying');
        this.series.clear();
        const again = await this.lookUpDevicesAgain(batch);
        return again && this.attempt(again, attempt, true);
      }
      if (isTransientDatabaseError(e)) {
        // Busy, locked, full, an I/O error, unreachable, or (PostgreSQL) a deadlock with another
        // worker: wait with back-off and retry, holding the batch unacknowledged however long it
        // takes (docs/security.md, Full disk).
        if (stopping()) return undefined;
        if (this.unavailableSince === undefined) {
          this.unavailableSince = Date.now();
          log.warn(
            `database unavailable (${(e as Error).message}); holding the batch unacknowledged and retrying`,
          );
        }
        log.debug(`database still unavailable (attempt ${attempt}: ${(e as Error).message})`);
        // The rolled-back transaction may have created series that the cache now names.
        this.series.clear();
        await sleep(retryDelayMs(attempt));
        return this.attempt(batch, attempt + 1, refreshed);
      }
      if (batch.length > 1) {
        // Find the culprit: store the messages one by one so that the good ones still land.
        const stored: DecodedMessage[] = [];
        for (const m of batch) {
          const one = await this.write([m]);
          if (!one) return undefined;
          stored.push(...one);
        }
        return stored;
      }
      // Only the database being unavailable is worth waiting out; this error is the message's.
      return [this.giveUp(batch[0]!, e as Error)];
    }
  }

  private async lookUpDevicesAgain(batch: readonly DecodedMessage[]) {
    const { devices } = this.options;
    devices.clear();
    try {
      const again = await untilAvailable(async () => {
        const out: DecodedMessage[] = [];
        for (const m of batch) out.push(await lookUpDeviceAgain(m, devices));
        return out;
      }, this.options);
      return again?.value;
    } catch {
      return batch; // the write fails again and the culprit is isolated as for any other error
    }
  }

  /** The message as an `internal` rejection of all its values; the operator gets the stack. */
  private giveUp(m: DecodedMessage, e: Error): DecodedMessage {
    this.options.log.error(
      `could not store the message on ${m.message.topic}, dropped: ${e.stack ?? e.message}`,
    );
    const reason = `the message could not be stored (${e.message}); the operator has the details in the log`;
    return rejected(
      m.message,
      m.format,
      { code: 'internal', reason, values: m.readings.length || 1 },
      m.device,
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
