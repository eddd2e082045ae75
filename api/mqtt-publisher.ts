// The API's MQTT publisher (airrohr push forwarding): one mqtt.js client with its own client id,
// reconnecting on its own. publish() resolves when the broker sent PUBACK (QoS 1); while the
// client is offline it fails at once instead of queueing, so the kit retries rather than waits.
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';

export type MqttPublisherOptions = {
  url: string;
  username?: string;
  password?: string;
  /** Unique per process: two clients with one id disconnect each other (MQTT-3.1.4-2). */
  clientId?: string;
  /** Pause between reconnection attempts (ms). */
  reconnectPeriodMs?: number;
  connectTimeoutMs?: number;
  /** Called on connection changes and errors, for the process log. */
  onEvent?: (event: 'connect' | 'offline' | 'error', detail?: string) => void;
};

export type MqttPublisher = {
  publish: (topic: string, payload: Uint8Array) => Promise<void>;
  connected: () => boolean;
  close: () => Promise<void>;
};

const PUBLISHER_DEFAULTS = { reconnectPeriodMs: 2000, connectTimeoutMs: 10_000 } as const;

/** A client id of at most 23 characters, as MQTT 3.1.1 guarantees brokers accept (MQTT-3.1.3-5). */
export const publisherClientId = (prefix = 'souffle-api') =>
  `${prefix.slice(0, 14)}-${randomBytes(4).toString('hex')}`;

export function createMqttPublisher(options: MqttPublisherOptions): MqttPublisher {
  const opts = { ...PUBLISHER_DEFAULTS, ...options };
  const client = mqtt.connect(opts.url, {
    clientId: opts.clientId ?? publisherClientId(),
    username: opts.username,
    password: opts.password,
    clean: true,
    reconnectPeriod: opts.reconnectPeriodMs,
    connectTimeout: opts.connectTimeoutMs,
    // Offline publishes fail instead of waiting in memory: the HTTP caller answers 503 at once.
    queueQoSZero: false,
  });
  client.on('connect', () => opts.onEvent?.('connect'));
  client.on('offline', () => opts.onEvent?.('offline'));
  // mqtt.js keeps an unacknowledged publish in its outgoing store and sends it again on every
  // reconnection, clean session or not: a packet the broker closes the connection for (larger
  // than its limit) would close every connection after it, and the outbox behind it would never
  // move. With a clean session the broker keeps nothing of ours, and the caller (the outbox,
  // api/push-outbox.ts) retries what was not acknowledged: fail them all at the close.
  client.on('close', () => {
    for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
  });
  client.on('error', (err) => opts.onEvent?.('error', err.message));

  return {
    connected: () => client.connected,
    publish: (topic, payload) =>
      new Promise<void>((resolve, reject) => {
        if (!client.connected) {
          reject(new Error(`not connected to ${opts.url}`));
          return;
        }
        client.publish(
          topic,
          Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
          { qos: 1 },
          (err) => {
            if (!err) return resolve();
            // Failed by the close handler below: say what happened rather than mqtt.js's words.
            const closed = err.message === 'Message removed';
            reject(closed ? new Error('the broker closed the connection before acknowledging it') : err);
          },
        );
      }),
    close: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}
