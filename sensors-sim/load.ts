// Load mode, for benchmarks: N native messages of 6 values each at R messages per second across
// a set of devices, each device its own MQTT client (QoS 1, a window of unacknowledged messages
// per client). Every message has a distinct timestamp (to the millisecond, in the recent past), so
// every message becomes new rows and a count of stored readings checks that nothing was lost.
import { nativeTopic } from '../data/topics.js';
import { buildFleet, type SimDevice } from './fleet.js';
import { MqttPublisher } from './mqtt-publisher.js';
import { every, InFlight, Pacer } from './pacer.js';
import { round } from './random.js';
import { sample } from './sample.js';
import { encodeNative } from './wire/native.js';

export type LoadDevice = { id: string; token?: string };

export type LoadOptions = {
  /** Broker URL, e.g. mqtt://127.0.0.1:1883. */
  url: string;
  /** Who publishes: registered devices (id + token), or any ids on a broker that allows anonymous clients. */
  devices: readonly LoadDevice[];
  /** Messages in all. */
  count: number;
  /** Messages per second across the fleet; 0 for as fast as the broker acknowledges. */
  rate: number;
  qos: 0 | 1;
  /** Unacknowledged messages per device. */
  window: number;
  seed: number;
  /** Appended to each device id to form its MQTT client id (so a load run does not take over a live session). */
  clientIdSuffix: string;
  onProgress?: (p: LoadProgress) => void;
  progressEveryMs: number;
  signal?: AbortSignal;
  /** Time of the last message, epoch ms (message i is stamped end − count + i). */
  end?: number;
};

export type LoadProgress = {
  sent: number;
  acknowledged: number;
  failed: number;
  count: number;
  elapsedMs: number;
  rate: number;
};
export type LoadResult = LoadProgress & { targetRate: number; devices: number; aborted: boolean };

export const DEFAULT_LOAD = {
  rate: 0,
  qos: 1,
  window: 64,
  seed: 1,
  clientIdSuffix: '-load',
  progressEveryMs: 1000,
} as const;

/** The 6 phenomena of a load message. */
export const LOAD_PHENOMENA = ['pm1', 'pm25', 'pm10', 'no2', 'temperature', 'humidity'] as const;

export async function runLoad(
  input: Omit<LoadOptions, keyof typeof DEFAULT_LOAD> & Partial<LoadOptions>,
): Promise<LoadResult> {
  const o: LoadOptions = { ...DEFAULT_LOAD, ...input };
  if (!Number.isInteger(o.count) || o.count < 1)
    throw new RangeError(`--count ${o.count} must be a positive integer`);
  if (!(o.rate >= 0)) throw new RangeError(`--rate ${o.rate} must be a number of messages per second`);
  if (o.devices.length === 0) throw new RangeError('load mode needs at least one device');
  // Places and sensors for the signal: the fleet of the same size and seed.
  const models = buildFleet({ devices: o.devices.length, seed: o.seed, format: 'native' });
  const publishers: MqttPublisher[] = [];
  const started = performance.now();
  const p: LoadProgress = { sent: 0, acknowledged: 0, failed: 0, count: o.count, elapsedMs: 0, rate: 0 };
  const snapshot = () => {
    p.elapsedMs = Math.round(performance.now() - started);
    p.rate = Math.round((p.acknowledged / Math.max(p.elapsedMs, 1)) * 1000 * 10) / 10;
    return { ...p };
  };
  const progress = every(o.progressEveryMs, () => o.onProgress?.(snapshot()));
  try {
    for (const d of o.devices) {
      const publisher = new MqttPublisher({
        url: o.url,
        clientId: `${d.id}${o.clientIdSuffix}`,
        username: d.token ? d.id : undefined,
        password: d.token,
        window: o.window,
      });
      await publisher.connect();
      publishers.push(publisher);
    }
    const end = o.end ?? Date.now();
    const cache = new Map<number, Record<string, number>>();
    const pacer = new Pacer(o.rate);
    const inFlight = new InFlight(o.window * publishers.length);
    for (let i = 0; i < o.count && !o.signal?.aborted; i++) {
      const d = i % publishers.length;
      const ts = end - o.count + i;
      const values = valuesAt(models[d]!, ts, o.seed, cache, d);
      await pacer.wait(i);
      p.sent++;
      await inFlight.add(
        publishers[d]!.publish(
          nativeTopic(o.devices[d]!.id),
          encodeNative({ ts, seq: i, values }),
          o.qos,
        ).then(
          () => void p.acknowledged++,
          () => void p.failed++,
        ),
      );
    }
    await inFlight.drain();
  } finally {
    progress.stop();
    await Promise.all(publishers.map((x) => x.close()));
  }
  return {
    ...snapshot(),
    targetRate: o.rate,
    devices: o.devices.length,
    aborted: o.signal?.aborted ?? false,
  };
}

/** The model's values, evaluated once per device and minute: a load run measures the platform, not the model. */
function valuesAt(
  device: SimDevice,
  ts: number,
  seed: number,
  cache: Map<number, Record<string, number>>,
  index: number,
): Record<string, number> {
  const minute = Math.floor(ts / 60_000);
  const key = index * 1e9 + minute;
  let values = cache.get(key);
  if (!values) {
    if (cache.size > 10_000) cache.clear();
    const m = sample(device, minute * 60_000, seed).ch1;
    values = {
      pm1: round(m.pm1, 1),
      pm25: round(m.pm25, 1),
      pm10: round(m.pm10, 1),
      no2: round(m.no2, 0),
      temperature: round(m.temperature, 1),
      humidity: round(m.humidity, 1),
    };
    cache.set(key, values);
  }
  return values;
}
