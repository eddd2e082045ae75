// One simulated device's MQTT connection, authenticated as itself (user = device id, password =
// its token), with QoS 1 flow control: at most `window` unacknowledged messages in flight, so that
// a fast backfill or load run waits for the broker instead of piling messages up in memory.
import mqtt, { type MqttClient } from 'mqtt';

export type PublisherOptions = {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** Unacknowledged QoS 1 messages allowed in flight (Mosquitto's max_inflight_messages is 20 by default). */
  window: number;
  connectTimeoutMs: number;
  /** Errors after the first connection (mqtt.js reconnects by itself). */
  onError?: (error: Error) => void;
};

export const DEFAULT_PUBLISHER: Omit<PublisherOptions, 'url' | 'clientId'> = {
  window: 64,
  connectTimeoutMs: 10_000,
};

/** The broker refused the device's credentials: its token is wrong or it is not registered. */
export class DeviceAuthError extends Error {
  override name = 'DeviceAuthError';
}

// CONNACK return codes: MQTT 3.1.1 §3.2.2.3 (4 bad user name or password, 5 not authorised) and
// MQTT 5 §3.2.2.2 (0x86, 0x87).
const AUTH_CODES = new Set([4, 5, 0x86, 0x87]);

export class MqttPublisher {
  private client: MqttClient | undefined;
  private inflight = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly options: PublisherOptions;

  constructor(options: Partial<PublisherOptions> & Pick<PublisherOptions, 'url' | 'clientId'>) {
    this.options = { ...DEFAULT_PUBLISHER, ...options };
  }

  async connect(): Promise<void> {
    const { url, clientId, username, password, connectTimeoutMs } = this.options;
    const client = mqtt.connect(url, {
      clientId,
      username,
      password,
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 2000,
      connectTimeout: connectTimeoutMs,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no answer from the MQTT broker at ${url} within ${connectTimeoutMs} ms`)),
          connectTimeoutMs,
        );
        client.once('connect', () => {
          clearTimeout(timer);
          resolve();
        });
        client.once('error', (e: Error & { code?: number | string }) => {
          clearTimeout(timer);
          if (typeof e.code === 'number' && AUTH_CODES.has(e.code)) {
            reject(new DeviceAuthError(`the broker at ${url} refused "${username}": ${e.message}`));
          } else reject(new Error(`cannot connect "${clientId}" to the MQTT broker at ${url}: ${e.message}`));
        });
      });
    } catch (e) {
      client.end(true);
      throw e;
    }
    client.on('error', (e) => this.options.onError?.(e));
    this.client = client;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Publishes once a flow-control slot is free; resolves when the broker acknowledged (QoS 1) or the bytes left (QoS 0). */
  async publish(topic: string, payload: string | Uint8Array, qos: 0 | 1): Promise<void> {
    const client = this.client;
    if (!client) throw new Error(`publisher "${this.options.clientId}" is not connected`);
    // A freed slot passes straight to the next waiter, so the window is never exceeded.
    if (this.inflight < this.options.window) this.inflight++;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      await client.publishAsync(topic, typeof payload === 'string' ? payload : Buffer.from(payload), { qos });
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.inflight--;
    }
  }

  /** Waits (up to `timeoutMs`) for messages in flight to be acknowledged, then disconnects. */
  async close(timeoutMs = 5000): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    const deadline = Date.now() + timeoutMs;
    while (this.inflight > 0 && Date.now() < deadline && client.connected) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await client.endAsync(this.inflight > 0 || !client.connected);
  }
}
