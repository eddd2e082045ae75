// Publishes the stations opted in to Home Assistant (stations.ha_discovery, issue 16) to the broker
// Home Assistant listens to (SOUFFLE_HA_MQTT_URL; docs/citizens.md, "Home Assistant"). That broker
// must keep retained messages, which Souffle's own brokers refuse: discovery rests on them.
// - Every syncMs, and at start: the retained discovery configs of each opted-in station
//   (data/home-assistant.ts) and its latest values as retained states; for a station opted out
//   (ha_discovery = 2), empty retained configs and states, which remove its entities, then 0.
// - After each committed batch of the worker (IngestWorkerOptions.onCommitted): the new values of
//   opted-in stations as states, so Home Assistant follows within seconds. Reference stations
//   (written by the AtmoSud puller, not the worker) follow at each sync.
// Availability: one topic for this Souffle, "online" while connected and "offline" as its Last
// Will, so Home Assistant greys the entities out when Souffle is away.
import mqtt, { type MqttClient } from 'mqtt';
import type { Db } from '../data/db.js';
import type { DecodedMessage } from './decode-message.js';
import {
  HA_AVAILABILITY_TOPIC,
  haDiscoveryConfigs,
  haEntities,
  haRemovalConfigs,
  haStateTopic,
} from '../data/home-assistant.js';
import type { Logger } from './logger.js';

export type HomeAssistantOptions = {
  db: Db;
  url: string;
  username?: string;
  password?: string;
  /** The dashboard's base URL: each device links to its station there. */
  publicUrl: string;
  syncMs?: number;
  logger?: Logger;
};

const HA_DEFAULTS = { syncMs: 60_000 } as const;

export class HomeAssistantPublisher {
  private client: MqttClient | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Opted-in station ids as of the last sync: whose stored values are published at once. */
  private enabled = new Set<string>();
  private syncing: Promise<void> | undefined;
  private readonly options: HomeAssistantOptions & { syncMs: number };

  constructor(options: HomeAssistantOptions) {
    this.options = { ...HA_DEFAULTS, ...options };
  }

  async start(): Promise<void> {
    const { url, username, password } = this.options;
    this.client = mqtt.connect(url, {
      username,
      password,
      clean: true,
      reconnectPeriod: 5000,
      will: { topic: HA_AVAILABILITY_TOPIC, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.client.on('connect', () => {
      void this.publish(HA_AVAILABILITY_TOPIC, 'online');
      void this.sync();
    });
    this.client.on('error', (e) => this.options.logger?.warn(`home assistant broker: ${e.message}`));
    this.timer = setInterval(() => void this.sync(), this.options.syncMs);
    this.timer.unref?.();
  }

  /** One pass over the opted-in and opted-out stations (one at a time; a call during one waits for it). */
  sync(): Promise<void> {
    this.syncing ??= this.syncOnce()
      .catch((e: Error) => this.options.logger?.warn(`home assistant sync: ${e.message}`))
      .finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  /** After a commit: the stored values of opted-in stations, newest per phenomenon. */
  onStored(batch: readonly DecodedMessage[]): void {
    const newest = new Map<string, { value: number; time: number }>();
    for (const m of batch) {
      const station = m.device?.station_id;
      if (!station || !this.enabled.has(station)) continue;
      for (const r of m.readings) {
        const key = haStateTopic(station, r.phenomenon);
        const seen = newest.get(key);
        if (!seen || r.time >= seen.time) newest.set(key, { value: r.value, time: r.time });
      }
    }
    for (const [topic, { value }] of newest) void this.publish(topic, String(value));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.syncing;
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.publishAsync(HA_AVAILABILITY_TOPIC, 'offline', { qos: 1, retain: true }).catch(() => {});
      await client.endAsync();
    }
  }

  private async syncOnce(): Promise<void> {
    if (!this.client?.connected) return;
    const { db, publicUrl } = this.options;
    const stations = await db
      .selectFrom('stations')
      .select(['id', 'name', 'source', 'ha_discovery'])
      .where('ha_discovery', '<>', 0)
      .execute();
    const enabled = new Set<string>();
    for (const s of stations) {
      const series = await db
        .selectFrom('series')
        .select(['id', 'phenomenon'])
        .where('station_id', '=', s.id)
        .execute();
      const station = {
        id: s.id,
        name: s.name,
        source: s.source,
        phenomena: [...new Set(series.map((x) => x.phenomenon))],
      };
      const entities = haEntities(station);
      if (Number(s.ha_discovery) === 2) {
        // Opted out: configs and states cleared, then the station is off for good.
        for (const m of haRemovalConfigs(station, entities)) await this.publish(m.topic, '');
        for (const e of entities) await this.publish(haStateTopic(s.id, e), '');
        await db
          .updateTable('stations')
          .set({ ha_discovery: 0 })
          .where('id', '=', s.id)
          .where('ha_discovery', '=', 2)
          .execute();
        continue;
      }
      enabled.add(s.id);
      for (const m of haDiscoveryConfigs(station, publicUrl)) await this.publish(m.topic, m.payload);
      for (const e of entities) {
        const latest = await db
          .selectFrom('readings')
          .select(['value', 'time'])
          .where(
            'series_id',
            'in',
            series.filter((x) => x.phenomenon === e).map((x) => x.id),
          )
          .orderBy('time', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (latest) await this.publish(haStateTopic(s.id, e), String(latest.value));
      }
    }
    this.enabled = enabled;
  }

  /** Retained, QoS 1: Home Assistant reads configs and states when it (re)connects. */
  private async publish(topic: string, payload: string): Promise<void> {
    const client = this.client;
    if (!client?.connected) return;
    await client.publishAsync(topic, payload, { qos: 1, retain: true }).catch((e: Error) => {
      this.options.logger?.warn(`home assistant publish to ${topic}: ${e.message}`);
    });
  }
}
