// Retiring the broker session of a worker that will not run again (fewer workers than before, or
// one worker instead of several). Mosquitto keeps a persistent member of a shared subscription in
// the round robin while it is away and queues its share of every message for it (observed with
// 2.0.11; see eclipse-mosquitto/mosquitto#1747): a slot that never comes back would hold that share
// until persistent_client_expiration, and a single worker's session, subscribed without $share,
// would go on queueing every message. So the session is taken over with the same client id,
// unsubscribed, emptied through the normal ingest path (stored, then acknowledged), and ended.
import mqtt from 'mqtt';
import type { Db } from '../data/db.js';
import { silentLogger, type Logger } from './logger.js';
import { IngestWorker } from './worker.js';

export type RetireSessionOptions = {
  db: Db;
  mqttUrl: string;
  username?: string;
  password?: string;
  clientId: string;
  /** The share group its subscriptions went through (both forms are unsubscribed). */
  shareGroup: string;
  logger?: Logger;
  /**
   * Silence after which the session is taken as empty, ms. Mosquitto sends what it queued right
   * after CONNACK and the next message as soon as one is acknowledged, so once everything received
   * is committed and acknowledged, nothing arriving for this long means nothing is left.
   */
  quietMs?: number;
};

export type RetiredSession = {
  clientId: string;
  /** Whether the broker still had a session for this client id. */
  sessionPresent: boolean;
  /** Messages it held, now handled like any other (stored, or rejected with a reason). */
  received: number;
  /** Values written as new rows, and values already stored (duplicates are no-ops). */
  valuesStored: number;
  valuesDuplicate: number;
};

/** Thrown when the client id is in use: a running worker took its session back. */
export class SessionInUseError extends Error {
  override name = 'SessionInUseError';
}

export async function retireSession(options: RetireSessionOptions): Promise<RetiredSession> {
  const { clientId, mqttUrl, username, password, quietMs = 2000 } = options;
  const log = options.logger ?? silentLogger;
  const worker = new IngestWorker({ ...options, logger: log, drain: true });
  await worker.start();
  const since = Date.now();
  try {
    for (;;) {
      const s = worker.status;
      if (!s.connected) {
        // Another connection with this client id took the session over: a worker still runs on it.
        throw new SessionInUseError(
          `the session "${clientId}" was taken back by another connection: a worker still runs with ` +
            'this client id; stop it first (its subscription is restored when it reconnects)',
        );
      }
      if (s.idle && Date.now() - Math.max(since, s.lastMessageAt) >= quietMs) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (e) {
    await worker.stop();
    throw e;
  }
  const status = worker.status;
  await worker.stop();
  // A clean connection discards the session (MQTT-3.1.2-6); nothing is left in it to lose.
  const ender = await mqtt.connectAsync(mqttUrl, {
    clientId,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
  });
  await ender.endAsync();
  log.info(
    status.sessionPresent
      ? `session ${clientId} retired: ${status.received} queued message(s), ${status.valuesStored} new value(s)`
      : `no session ${clientId} on the broker: nothing to retire`,
  );
  return {
    clientId,
    sessionPresent: status.sessionPresent,
    received: status.received,
    valuesStored: status.valuesStored,
    valuesDuplicate: status.valuesDuplicate,
  };
}
