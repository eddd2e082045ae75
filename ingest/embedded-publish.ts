// What the embedded broker does with an authorised PUBLISH before Aedes acknowledges it. Aedes
// sends the PUBACK as soon as `authorizePublish` calls back (lib/handlers/publish.js: authorise,
// then PUBACK, then route), so this is the only place where an acknowledgement can wait for the
// commit: a reading is handed to the worker of this process and called back once it is stored
// (docs/ingest.md, Delivery). It also applies the per-device limits of docs/ingest.md, Limits:
// the rate limit, and no retained messages.
import type { Db } from '../data/db.js';
import { recordIngestErrors } from '../data/store/ingest-errors.js';
import { routeTopic } from '../data/topics.js';
import type { DeviceRateLimit } from './device-rate-limit.js';
import type { Logger } from './logger.js';

/** The ingest worker as the broker sees it (IngestWorker in this process). */
export type IngestSink = {
  /** Resolves once the message is stored or its rejection recorded; rejects if the worker stopped. */
  handOff(topic: string, payload: Uint8Array): Promise<void>;
  /** Counts a message dropped under its device's rate limit. */
  countRateLimited(): void;
};

/** The part of an Aedes PUBLISH this changes. */
export type PublishPacket = { topic: string; payload: Buffer | string; retain: boolean };

/**
 * A dropped message still goes through Aedes (it is acknowledged, see `accept`), under a topic no
 * subscription can match: `#` and `+` never match a topic starting with `$` (MQTT-4.7.2-1).
 */
const DROPPED_TOPIC = '$souffle/dropped';

export type PublishGateOptions = {
  db: Db;
  logger: Logger;
  /** Undefined: ingest topics are routed to MQTT subscribers, acknowledged on receipt (tests only). */
  ingest: IngestSink | undefined;
  /** Undefined: devices are not limited. */
  rateLimit: DeviceRateLimit | undefined;
};

/**
 * Accepts one authorised PUBLISH (`device` is its device's id, or undefined for the service
 * account); resolves when Aedes may acknowledge it, rejects to close the connection unacknowledged.
 */
export function publishGate({ db, logger, ingest, rateLimit }: PublishGateOptions) {
  return async (packet: PublishPacket, device: string | undefined): Promise<void> => {
    // Retained messages are not kept: a reading is news once, and a retained store is memory any
    // device could fill. The message itself is handled as any other; an empty retained message
    // (MQTT's way of clearing one) has nothing to store.
    const wasRetained = packet.retain;
    packet.retain = false;
    const topic = packet.topic;
    const route = routeTopic(topic);
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    if (!route || (wasRetained && payload.length === 0)) return;
    if (device !== undefined && rateLimit) {
      const decision = rateLimit.take(device);
      if (!decision.ok) {
        // Acknowledged and dropped. Refusing would close the connection (MQTT 3.1.1 has no
        // negative PUBACK); the device would reconnect (a token check costs ~50 ms of CPU) and
        // publish the same messages again: the flood would go on, dearer.
        packet.topic = DROPPED_TOPIC;
        packet.payload = Buffer.alloc(0);
        ingest?.countRateLimited();
        if (decision.log) await logDrops(device, route.format, topic, payload, decision.dropped, rateLimit);
        return;
      }
    }
    if (ingest) await ingest.handOff(topic, payload);
  };

  async function logDrops(
    device: string,
    source: string,
    topic: string,
    payload: Uint8Array,
    dropped: number,
    limit: DeviceRateLimit,
  ): Promise<void> {
    const reason =
      `rate_limited: ${dropped} message(s) dropped, not stored: this device may publish ` +
      `${limit.describe()} (noted here at most once a minute)`;
    logger.warn(`device "${device}" over its rate limit: ${dropped} message(s) dropped`);
    try {
      const entry = { deviceId: device, source, time: Date.now(), topic, reason, payload };
      await db.transaction().execute((trx) => recordIngestErrors(trx, [entry]));
    } catch (e) {
      logger.warn(`rate limit of "${device}" not written to its error log: ${(e as Error).message}`);
    }
  }
}
