// Decodes and stores one batch of received messages, with the retry rules that keep "nothing
// acknowledged is lost" and "a bad message never stops the worker" both true: an unavailable
// database is waited for (the batch stays unacknowledged), a vanished series is looked up again,
// and a message that fails for any other reason is isolated and, after a few attempts, dropped
// and counted rather than allowed to block every message behind it.
import type { Db } from '../data/db.js';
import { recordIngestErrors } from '../data/store/ingest-errors.js';
import type { SeriesCache } from '../data/store/series.js';
import { decodeMessage, type DecodedMessage } from './decode-message.js';
import type { RawMessage } from './decoders/types.js';
import { DeviceCache } from './device-cache.js';
import type { IngestMetrics } from './ingest-metrics.js';
import type { Logger } from './logger.js';
import { isForeignKeyError, storeMessages } from './store-messages.js';
import { isTransientDatabaseError } from './transient-error.js';

/** Attempts before a message that fails for another reason is given up (a poison message). */
export const MAX_ATTEMPTS = 3;

export class BatchWriter {
  private readonly devices: DeviceCache;
  private readonly series: SeriesCache = new Map();
  private readonly unknownLogged = new Map<string, number>();
  /** Transactions committed (received / transactions is the mean batch size). */
  transactions = 0;

  constructor(
    private readonly db: Db,
    private readonly metrics: IngestMetrics,
    private readonly log: Logger,
    /** True once the worker is stopping: an unavailable database is then not waited for. */
    private readonly stopping: () => boolean,
  ) {
    this.devices = new DeviceCache(db);
  }

  /** True once the batch is committed (or its poison dropped); false if abandoned on stop. */
  async write(batch: readonly RawMessage[]): Promise<boolean> {
    return this.attempt(batch, 1, false);
  }

  private async attempt(batch: readonly RawMessage[], attempt: number, refreshed: boolean): Promise<boolean> {
    const decoded: DecodedMessage[] = [];
    try {
      for (const message of batch) decoded.push(await decodeMessage(message, this.devices));
      const outcome = await storeMessages(this.db, decoded, {
        series: this.series,
        unknownLogged: this.unknownLogged,
      });
      this.metrics.committed(decoded, outcome, Date.now());
      this.transactions += 1;
      return true;
    } catch (e) {
      if (isForeignKeyError(e) && !refreshed) {
        // A device was removed with --purge under our caches: forget them and look again.
        this.log.info('a series or device vanished (removed with --purge?): caches cleared, retrying');
        this.series.clear();
        this.devices.clear();
        return this.attempt(batch, attempt, true);
      }
      if (isTransientDatabaseError(e)) {
        // Busy, locked, unreachable, or (PostgreSQL) a deadlock with another worker: wait, retry.
        if (this.stopping()) return false;
        this.log.warn(`database unavailable (${(e as Error).message}); retrying`);
        // The rolled-back transaction may have created series that the cache now names.
        this.series.clear();
        await sleep(Math.min(5000, 100 * 2 ** Math.min(attempt, 6)));
        return this.attempt(batch, attempt + 1, refreshed);
      }
      if (batch.length > 1) {
        // Find the culprit: store the messages one by one so that the good ones still land.
        for (const message of batch) if (!(await this.write([message]))) return false;
        return true;
      }
      if (attempt < MAX_ATTEMPTS) {
        await sleep(100 * attempt);
        return this.attempt(batch, attempt + 1, refreshed);
      }
      await this.giveUp(batch[0]!, decoded[0], e as Error);
      return true;
    }
  }

  private async giveUp(message: RawMessage, decoded: DecodedMessage | undefined, e: Error): Promise<void> {
    this.log.error(
      `could not store the message on ${message.topic}, dropped after ${MAX_ATTEMPTS} attempts: ${e.stack ?? e.message}`,
    );
    const rejected = { code: 'internal' as const, values: decoded?.readings.length || 1 };
    this.metrics.committed(
      [{ readings: [], rejections: [rejected] }],
      { inserted: 0, duplicates: 0 },
      Date.now(),
    );
    // Best effort: tell the citizen too (the database may be what failed).
    await recordIngestErrors(this.db, [
      {
        deviceId: decoded?.device?.id ?? null,
        source: decoded?.format ?? 'mqtt',
        time: message.receivedAt,
        topic: message.topic,
        reason: `the message could not be stored (${e.message}); the operator has the details in the log`,
        payload: message.payload,
      },
    ]).catch(() => {});
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
