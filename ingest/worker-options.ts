// What an ingest worker is given (IngestWorkerOptions, with their defaults) and what it reports
// (IngestWorkerStatus): the worker's contract, apart from its machinery in worker.ts.
import type { Db } from '../data/db.js';
import type { DecodedMessage } from './decode-message.js';
import type { IngestCounts } from './ingest-metrics.js';
import { silentLogger, type Logger } from './logger.js';
import type { QualityOptions } from './quality/quality-options.js';

export type IngestWorkerOptions = {
  db: Db;
  /**
   * mqtt://host:port (credentials in the URL are used unless username/password are given).
   * Undefined: no MQTT connection; the embedded broker of this process calls `handOff`.
   */
  mqttUrl?: string;
  /** Fixed, so that the broker keeps this worker's session and queue while it is away. */
  clientId?: string;
  username?: string;
  password?: string;
  logger?: Logger;
  /** Subscribe through `$share/<group>/…` so that several workers share the load (Mosquitto). */
  shareGroup?: string;
  /** How often counters are written to the database, ms. */
  metricsFlushMs?: number;
  /** Delay between reconnection attempts, ms. */
  reconnectPeriodMs?: number;
  /** Most messages committed in one transaction. */
  maxBatch?: number;
  /**
   * Store what the session holds without taking anything new: on connect, unsubscribe from the
   * ingest topics (plain and shared) instead of subscribing. Retiring a slot's session uses it
   * (ingest/retire-session.ts).
   */
  drain?: boolean;
  /** The quality-control detectors' settings (ingest/quality/; defaults: quality-options.ts). */
  quality?: Partial<QualityOptions>;
  /**
   * Told the stations of each committed batch, after its acknowledgement (the alerts check their
   * rules soon after: ingest/alerts/alert-service.ts). Must return at once; it is not awaited.
   */
  onStored?: (stations: ReadonlySet<string>) => void;
  /** Told each committed batch, after its acknowledgement (Home Assistant states); must not block. */
  onCommitted?: (batch: readonly DecodedMessage[]) => void;
  /**
   * Zone of local days (SOUFFLE_TIMEZONE): each batch also stores the current indices of stations
   * whose stored ones are missing or outdated (data/store/current-indices.ts). Without it, none are
   * stored and the API computes them.
   */
  timeZone?: string;
};

export type IngestWorkerStatus = Readonly<
  IngestCounts & {
    connected: boolean;
    running: boolean;
    subscribed: boolean;
    /** Transactions committed: received / transactions is the mean batch size. */
    transactions: number;
    /** Whether the broker had a session for this client id at the last connection. */
    sessionPresent: boolean;
    /** Nothing received is waiting to be committed and acknowledged. */
    idle: boolean;
    /** When the last message arrived (epoch ms), or 0. */
    lastMessageAt: number;
    /** Messages received and not yet committed, now. */
    queueDepth: number;
    /** Longest receipt-to-commit wait of the batches before the last metrics flush (s), or null. */
    lagSeconds: number | null;
  }
>;

export const defaults = {
  logger: silentLogger,
  metricsFlushMs: 2000,
  reconnectPeriodMs: 1000,
  maxBatch: 1000,
  drain: false,
};
