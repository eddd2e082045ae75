// The ingest worker: subscribes (QoS 1, fixed client id, persistent session) to the devices'
// topics and takes what arrives in batches: decodes each message once, commits the batch's
// readings, records its rejections, and acknowledges its messages only then (docs/ingest.md,
// Delivery). A crash before the commit makes the broker redeliver; the (series, time) key makes
// the duplicate harmless. A class because it has a lifecycle: start, run, stop.
//
// With the embedded broker the worker is not an MQTT client: the broker, in the same process,
// hands each device's message over (`handOff`) and sends the device its PUBACK once the promise
// resolves, i.e. after the commit, as Mosquitto gets its PUBACK from the worker (docs/ingest.md,
// Delivery).
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { INGEST_FILTERS, sharedFilter } from '../data/topics.js';
import { ackAfterCommit, type Ack } from './ack-after-commit.js';
import { BatchWriter } from './batch-writer.js';
import { decodeMessage, rejected, type DecodedMessage } from './decode-message.js';
import type { RawMessage } from '../data/decoders/types.js';
import { DeviceCache } from './device-cache.js';
import { IngestMetrics } from './ingest-metrics.js';
import type { Logger } from './logger.js';
import { QualityChecker } from './quality/quality-checker.js';
import { RejectionLog } from './rejection-log.js';
import { untilAvailable } from './transient-error.js';
import { defaults, type IngestWorkerOptions, type IngestWorkerStatus } from './worker-options.js';

export type { IngestWorkerOptions, IngestWorkerStatus };

/** Messages queued beyond which mqtt.js is not handed the next one (backpressure). */
const HIGH_WATER = 2000;

/**
 * A message waiting for its batch's commit. Without `message`, a retained message the worker
 * ignores, acknowledged in its turn. `release` tells a hand-off that the worker stopped first.
 */
type Pending = { message?: RawMessage; ack: Ack; release?: (e: Error) => void };

/** Topics whose ignored retained message was logged (bounded: one warning per topic, not per restart). */
const RETAINED_LOGGED_MAX = 1000;

export class IngestWorker {
  private readonly options: Required<
    Omit<
      IngestWorkerOptions,
      | 'username'
      | 'password'
      | 'shareGroup'
      | 'mqttUrl'
      | 'clientId'
      | 'quality'
      | 'onStored'
      | 'onCommitted'
      | 'timeZone'
    >
  > &
    IngestWorkerOptions;
  private readonly log: Logger;
  private readonly metrics = new IngestMetrics();
  private readonly devices: DeviceCache;
  private readonly writer: BatchWriter;
  private readonly rejections: RejectionLog;
  /** Stuck and spike detection, per series in arrival order: one instance per worker. */
  private readonly quality: QualityChecker;
  /** How an unavailable database is waited for (ingest/transient-error.ts). */
  private readonly retry: { log: Logger; stopping: () => boolean };
  private readonly lastStamp = new Map<string, number>();
  private client: MqttClient | null = null;
  private queue: Pending[] = [];
  private draining: Promise<void> | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private connected = false;
  private subscribed = false;
  private sessionPresent = false;
  private lastMessageAt = 0;
  private running = false;
  private stopping = false;
  private resume: () => void = () => {};
  private readonly retainedLogged = new Set<string>();

  constructor(options: IngestWorkerOptions) {
    this.options = { ...defaults, ...options };
    this.log = this.options.logger;
    this.devices = new DeviceCache(options.db);
    this.retry = { log: this.log, stopping: () => this.stopping };
    const common = { ...this.retry, db: options.db, metrics: this.metrics };
    this.writer = new BatchWriter({ ...common, devices: this.devices, timeZone: options.timeZone });
    this.rejections = new RejectionLog(common);
    this.quality = new QualityChecker(options.quality);
  }

  /** Counters since start and the connection state (read-only snapshot). */
  get status(): IngestWorkerStatus {
    const t = this.metrics.totals;
    return {
      ...t,
      messagesRejected: { ...t.messagesRejected },
      valuesRejected: { ...t.valuesRejected },
      connected: this.connected,
      running: this.running,
      subscribed: this.subscribed,
      transactions: this.writer.transactions,
      sessionPresent: this.sessionPresent,
      idle: this.queue.length === 0 && this.draining === null,
      lastMessageAt: this.lastMessageAt,
      queueDepth: this.queue.length,
      lagSeconds: this.metrics.lastLagSeconds,
    };
  }

  /** Connects and subscribes; resolves once subscribed, rejects if the broker refuses the login. */
  async start(): Promise<void> {
    if (this.client || this.running) throw new Error('the ingest worker is already started');
    const { mqttUrl, clientId, username, password, reconnectPeriodMs } = this.options;
    if (mqttUrl === undefined) {
      // In-process: nothing to connect to; the embedded broker hands messages over.
      this.running = true;
      this.connected = true;
      this.subscribed = true;
      this.flushTimer = setInterval(() => void this.flushMetrics(), this.options.metricsFlushMs);
      this.flushTimer.unref();
      this.log.info('taking messages from the embedded broker in this process (acknowledged after commit)');
      return;
    }
    if (clientId === undefined) throw new Error('an ingest worker on an MQTT broker needs a client id');
    const client = mqtt.connect(mqttUrl, {
      clientId,
      clean: false,
      protocolVersion: 4,
      keepalive: 30,
      connectTimeout: 10_000,
      reconnectPeriod: reconnectPeriodMs,
      resubscribe: false, // subscribed on every connect below, with the result checked
      manualConnect: true,
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
    });
    this.client = client;
    this.running = true;
    // Each message's PUBACK is sent after the transaction holding it commits (ack-after-commit.ts).
    const acks = ackAfterCommit(
      client,
      (packet, ack) => this.onMessage(packet, ack),
      () => this.queue.length < HIGH_WATER,
    );
    this.resume = acks.resume;
    this.log.debug(`acknowledgements: ${acks.mode}`);

    let outageLogged = false; // one line per outage, not one per reconnection attempt
    const started = new Promise<void>((resolve, reject) => {
      client.on('connect', (connack) => {
        this.connected = true;
        this.sessionPresent = connack.sessionPresent;
        outageLogged = false;
        this.log.info(`connected to ${redact(mqttUrl)} as ${clientId}`);
        (this.options.drain ? this.unsubscribe(client) : this.subscribe(client)).then(
          () => resolve(),
          (e: Error) => {
            this.log.error(e.message);
            reject(e);
          },
        );
      });
      client.on('error', (e: Error & { code?: number }) => {
        // CONNACK 4 and 5: bad credentials or not authorised; retrying will not help.
        if (e.code === 4 || e.code === 5) {
          const who = username ?? (decodeURIComponent(new URL(mqttUrl).username) || 'anonymous');
          const refused = new Error(
            `the broker at ${redact(mqttUrl)} refused the ingest worker (user "${who}"): ${e.message}`,
          );
          this.log.error(refused.message);
          reject(refused);
        } else if (!outageLogged) {
          outageLogged = true;
          this.log.warn(
            `broker at ${redact(mqttUrl)} unavailable (${e.message}); retrying every ${reconnectPeriodMs} ms`,
          );
        }
      });
    });
    client.on('close', () => {
      if (this.connected && !this.stopping)
        this.log.warn(`disconnected from ${redact(mqttUrl)}; reconnecting`);
      this.connected = false;
      this.subscribed = false;
    });
    client.connect();
    this.flushTimer = setInterval(() => void this.flushMetrics(), this.options.metricsFlushMs);
    this.flushTimer.unref();
    try {
      await started;
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /**
   * Finishes the message (batch) in hand, flushes the metrics and disconnects. Messages received
   * but not yet started are not acknowledged: the broker delivers them again to the next worker.
   */
  async stop(): Promise<void> {
    if (!this.running || this.stopping) return;
    this.stopping = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.draining;
    const left = this.queue;
    this.queue = [];
    // Handed-off messages not started: the broker closes their connections unacknowledged, and the
    // devices publish them again.
    for (const p of left) p.release?.(new Error('the ingest worker stopped before storing the message'));
    // A full queue has mqtt.js waiting to hand over its next message (backpressure), and it does
    // not close the connection until it can: let it go on (what arrives now is not acknowledged).
    this.resume();
    await this.flushMetrics();
    await this.client?.endAsync(false);
    this.client = null;
    this.connected = false;
    this.subscribed = false;
    this.running = false;
    this.log.info('ingest worker stopped');
  }

  private async subscribe(client: MqttClient): Promise<void> {
    const group = this.options.shareGroup;
    const topics = INGEST_FILTERS.map((t) => (group ? sharedFilter(group, t) : t));
    try {
      await client.subscribeAsync(topics, { qos: 1 }); // rejects if any SUBACK code is a failure
    } catch (e) {
      throw new Error(
        `the broker refused the subscription to ${topics.join(', ')} (${(e as Error).message}): give the ingest worker's account read access (docs/ingest.md)`,
        { cause: e },
      );
    }
    this.subscribed = true;
    this.log.info(`subscribed to ${topics.join(', ')} (QoS 1)`);
  }

  /** Drain mode: no new message is routed to this session; what it holds still arrives. */
  private async unsubscribe(client: MqttClient): Promise<void> {
    const group = this.options.shareGroup;
    const topics = [...INGEST_FILTERS, ...(group ? INGEST_FILTERS.map((t) => sharedFilter(group, t)) : [])];
    await client.unsubscribeAsync(topics);
    this.log.info(`unsubscribed from ${topics.join(', ')}: taking what the session holds`);
  }

  /**
   * Takes a message from the embedded broker of this process: resolves once it is stored (or its
   * rejection recorded), which is when the broker may acknowledge it to the device; rejects if the
   * worker stops first (the device then publishes it again).
   */
  handOff(topic: string, payload: Uint8Array): Promise<void> {
    if (!this.running || this.stopping) {
      return Promise.reject(new Error('the ingest worker is not running'));
    }
    return new Promise((resolve, reject) => this.enqueue(topic, payload, resolve, reject));
  }

  /** A message the embedded broker dropped under its device's rate limit (counted only). */
  countRateLimited(): void {
    this.metrics.rateLimited();
  }

  private onMessage(packet: IPublishPacket, ack: Ack): void {
    if (this.stopping) return; // not acknowledged: redelivered after restart
    if (packet.retain) {
      // A retained message comes again with every new subscription, i.e. at every start of the
      // worker: stored each time with a new receive time. Readings are never retained; the
      // generated Mosquitto refuses them (retain_available false), this covers older stores.
      this.ignoreRetained(packet.topic);
      this.queue.push({ ack });
      this.startDraining();
      return;
    }
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    this.enqueue(packet.topic, payload, ack);
  }

  private enqueue(topic: string, payload: Uint8Array, ack: Ack, release?: (e: Error) => void): void {
    this.lastMessageAt = Date.now();
    this.metrics.received();
    const message = { topic, payload, receivedAt: this.stamp(topic) };
    this.queue.push({ message, ack, ...(release ? { release } : {}) });
    this.startDraining();
  }

  private ignoreRetained(topic: string): void {
    if (this.retainedLogged.has(topic)) return this.log.debug(`ignored a retained message on ${topic}`);
    if (this.retainedLogged.size >= RETAINED_LOGGED_MAX) this.retainedLogged.clear();
    this.retainedLogged.add(topic);
    this.log.warn(
      `ignored a retained message on ${topic}: readings are never retained (clear it on the broker)`,
    );
  }

  private startDraining(): void {
    // Start on the next turn of the event loop, not now: mqtt.js hands over every message parsed
    // from the socket in the meantime, and they all go into the first transaction.
    this.draining ??= new Promise((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .finally(() => (this.draining = null));
  }

  /**
   * The receive time, strictly increasing per topic: formats without a timestamp (AirGradient,
   * airrohr) are keyed by it, and a queue replayed after an outage arrives within milliseconds.
   */
  private stamp(topic: string): number {
    const now = Date.now();
    const last = this.lastStamp.get(topic) ?? 0;
    const time = now > last ? now : last + 1;
    if (this.lastStamp.size >= 50_000) this.lastStamp.clear();
    this.lastStamp.set(topic, time);
    return time;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.stopping) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      const decoded = await this.decode(batch.flatMap((p) => (p.message ? [p.message] : [])));
      // Once per batch, before the write: a retried write reuses these flags, never re-judges.
      if (decoded) this.quality.check(decoded);
      // Readings first, rejections after: a batch stopped in between is delivered again, its
      // readings are then no-ops and its rejections are written once.
      const stored = decoded && (await this.writer.write(decoded));
      // Undefined: stopping while the database was unavailable; leave the batch unacknowledged.
      if (!stored || !(await this.rejections.record(stored))) {
        for (const p of batch) p.release?.(new Error('the ingest worker stopped before storing the message'));
        return;
      }
      for (const p of batch) p.ack();
      this.resume();
      this.tellStored(stored);
    }
  }

  /** The stations of a committed batch, to `onStored`; what it does is never the worker's failure. */
  private tellStored(stored: readonly DecodedMessage[]): void {
    try {
      this.options.onCommitted?.(stored);
    } catch (e) {
      this.log.error(`after the commit: ${(e as Error).message}`);
    }
    const onStored = this.options.onStored;
    if (!onStored) return;
    const stations = new Set<string>();
    for (const m of stored) if (m.device) stations.add(m.device.station_id);
    try {
      if (stations.size > 0) onStored(stations);
    } catch (e) {
      this.log.error(`after the commit: ${(e as Error).message}`);
    }
  }

  /** Each message decoded once, its device looked up (undefined: stopping while unavailable). */
  private async decode(messages: readonly RawMessage[]): Promise<DecodedMessage[] | undefined> {
    const decoded: DecodedMessage[] = [];
    for (const message of messages) {
      try {
        const one = await untilAvailable(() => decodeMessage(message, this.devices), this.retry);
        if (!one) return undefined;
        decoded.push(one.value);
      } catch (e) {
        // Decoders do not throw (tests/ingest/fuzz.test.ts); a device lookup may, on a broken database.
        this.log.error(`could not decode the message on ${message.topic}: ${(e as Error).stack ?? e}`);
        const reason = `the message could not be decoded (${(e as Error).message}); the operator has the details in the log`;
        decoded.push(rejected(message, 'mqtt', { code: 'internal', reason, values: 1 }));
      }
    }
    return decoded;
  }

  private flushMetrics(): Promise<void> {
    this.flushing = this.flushing.then(() =>
      this.metrics
        .flush(this.options.db, Date.now(), this.queue.length)
        .catch((e: Error) => this.log.warn(`metrics not flushed: ${e.message}`)),
    );
    return this.flushing;
  }
}

/** The broker URL without its password, for logs. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
