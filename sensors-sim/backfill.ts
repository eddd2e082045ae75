// Backfill: the fleet's recent history, published fast with timestamps so that the dashboard has
// days of data at once. AirGradient and airrohr firmware send no timestamp, so every device's
// history goes through its own native topic (`souffle/v1/<id>/readings`, which the broker lets a
// device write), with the sensor names its live format's decoder uses: history and live data land
// in the same series. Batches of readings per message (an hour at 60 s by default), QoS 1 with a
// window per device, and optionally paced by the ingest worker's progress read from /metrics, so
// that the broker's queue for the worker (1000 messages by default in Mosquitto) never overflows.
import { nativeTopic } from '../data/topics.js';
import type { FaultCounts, FaultInjector } from './faults.js';
import type { SimDevice } from './fleet.js';
import { DeviceAuthError, MqttPublisher } from './mqtt-publisher.js';
import { every, InFlight, Pacer } from './pacer.js';
import type { DeviceCredentials } from './platform-api.js';
import { spiked } from './compose.js';
import { historyReadings, sample, type Sample } from './sample.js';
import { slotAtOrAfter, slotTime, type Intervals } from './schedule.js';
import { encodeNative, NATIVE_QOS, type NativeReading } from './wire/native.js';

export type BackfillProgress = {
  readings: number;
  totalReadings: number;
  messages: number;
  acknowledged: number;
  failed: number;
  elapsedMs: number;
  readingsPerSecond: number;
  messagesPerSecond: number;
  /** Messages published but not yet taken by the ingest worker, when /metrics tells. */
  behind: number | null;
};

export type BackfillResult = BackfillProgress & {
  from: string;
  to: string;
  faults: FaultCounts | null;
  aborted: boolean;
};

export type BackfillOptions = {
  fleet: readonly SimDevice[];
  credentials: ReadonlyMap<string, DeviceCredentials>;
  mqttUrl: string;
  seed: number;
  /** History covers [from, to), epoch ms. */
  from: number;
  to: number;
  intervals: Intervals;
  /** Readings per message (per device). */
  batch: number;
  /** Unacknowledged messages per device. */
  window: number;
  /** Messages per second at most; 0 for no limit. */
  rate: number;
  /** Only stuck, spikes and offline shape history; the others are live faults. */
  faults?: FaultInjector;
  /** The ingest worker's received-message counter (from /metrics), to pace on its progress. */
  ingestReceived?: () => Promise<number | undefined>;
  /** Messages allowed between publishing and the worker taking them. */
  maxBehind: number;
  renew?: (device: SimDevice) => Promise<DeviceCredentials>;
  onProgress?: (p: BackfillProgress) => void;
  progressEveryMs: number;
  signal?: AbortSignal;
};

export const DEFAULT_BACKFILL = {
  // Six hours a message: the default 7-day backfill is 28 messages per device, well inside the
  // embedded broker's per-device burst (SOUFFLE_MQTT_BURST, 120), so nothing is rate-limited.
  batch: 360,
  window: 64,
  rate: 0,
  maxBehind: 500,
  progressEveryMs: 1000,
} as const;

/** Payloads stay well under the platform's 64 KiB limit: split a batch that would not. */
const MAX_PAYLOAD = 60_000;

function encodeSplit(readings: NativeReading[]): string[] {
  const text = encodeNative(readings);
  if (text.length <= MAX_PAYLOAD || readings.length < 2) return [text];
  const half = Math.ceil(readings.length / 2);
  return [...encodeSplit(readings.slice(0, half)), ...encodeSplit(readings.slice(half))];
}

export async function runBackfill(
  input: Omit<BackfillOptions, keyof typeof DEFAULT_BACKFILL> & Partial<BackfillOptions>,
): Promise<BackfillResult> {
  const o: BackfillOptions = { ...DEFAULT_BACKFILL, ...input };
  if (!(o.to > o.from)) throw new RangeError('the backfill period is empty');
  if (!Number.isInteger(o.batch) || o.batch < 1)
    throw new RangeError(`--batch ${o.batch} must be a positive integer`);
  const plans = o.fleet.map((device) => {
    const interval = o.intervals[device.format];
    return {
      device,
      interval,
      first: slotAtOrAfter(device, interval, o.from),
      end: slotAtOrAfter(device, interval, o.to),
      frozen: null as Sample | null,
    };
  });
  const started = performance.now();
  const p: BackfillProgress = {
    readings: 0,
    totalReadings: plans.reduce((n, x) => n + Math.max(0, x.end - x.first), 0),
    messages: 0,
    acknowledged: 0,
    failed: 0,
    elapsedMs: 0,
    readingsPerSecond: 0,
    messagesPerSecond: 0,
    behind: null,
  };
  const snapshot = () => {
    p.elapsedMs = Math.round(performance.now() - started);
    const s = Math.max(p.elapsedMs, 1) / 1000;
    p.readingsPerSecond = Math.round(p.readings / s);
    p.messagesPerSecond = Math.round((p.messages / s) * 10) / 10;
    return { ...p };
  };

  const publishers = new Map<string, MqttPublisher>();
  const progress = every(o.progressEveryMs, () => o.onProgress?.(snapshot()));
  try {
    for (const { device } of plans) publishers.set(device.id, await connect(device, o));
    const received0 = o.ingestReceived ? await o.ingestReceived() : undefined;
    let received = received0;
    let readAt = 0;
    const gate = async () => {
      if (received0 === undefined || !o.ingestReceived) return;
      for (;;) {
        if (performance.now() - readAt > 250) {
          received = (await o.ingestReceived()) ?? received;
          readAt = performance.now();
        }
        p.behind = Math.max(0, p.messages - ((received ?? 0) - received0));
        if (p.behind <= o.maxBehind || o.signal?.aborted) return;
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const pacer = new Pacer(o.rate);
    const inFlight = new InFlight(Math.max(o.window * plans.length, 1));
    const chunkMs = o.batch * Math.min(...plans.map((x) => x.interval));
    for (let start = o.from; start < o.to && !o.signal?.aborted; start += chunkMs) {
      const end = Math.min(start + chunkMs, o.to);
      for (const plan of plans) {
        const { device, interval } = plan;
        const readings: NativeReading[] = [];
        const k0 = Math.max(plan.first, slotAtOrAfter(device, interval, start));
        const k1 = Math.min(plan.end, slotAtOrAfter(device, interval, end));
        for (let k = k0; k < k1; k++) {
          const t = slotTime(device, interval, k);
          const action = o.faults?.next(device, k) ?? { kind: 'none' };
          p.readings++;
          if (action.kind === 'offline') continue;
          let s = sample(device, t, o.seed);
          if (action.kind === 'stuck') {
            if (action.first || !plan.frozen) plan.frozen = s;
            s = { ...plan.frozen, t };
          } else plan.frozen = null;
          if (action.kind === 'spikes') s = spiked(s, action.factor);
          readings.push(...historyReadings(device, s, k));
        }
        if (readings.length === 0) continue;
        const publisher = publishers.get(device.id)!;
        for (const payload of encodeSplit(readings)) {
          await pacer.wait(p.messages);
          await gate();
          p.messages++;
          await inFlight.add(
            publisher.publish(nativeTopic(device.id), payload, NATIVE_QOS).then(
              () => void p.acknowledged++,
              () => void p.failed++,
            ),
          );
        }
      }
    }
    await inFlight.drain();
    await gate();
  } finally {
    progress.stop();
    await Promise.all([...publishers.values()].map((x) => x.close()));
  }
  return {
    ...snapshot(),
    from: new Date(o.from).toISOString(),
    to: new Date(o.to).toISOString(),
    faults: o.faults?.enabled ? o.faults.counts : null,
    aborted: o.signal?.aborted ?? false,
  };
}

async function connect(device: SimDevice, o: BackfillOptions, retry = true): Promise<MqttPublisher> {
  const credentials = o.credentials.get(device.id);
  if (!credentials) throw new Error(`no credentials for "${device.id}": register the fleet first`);
  const publisher = new MqttPublisher({
    url: o.mqttUrl,
    clientId: `${device.id}-backfill`,
    username: device.id,
    password: credentials.token,
    window: o.window,
  });
  try {
    await publisher.connect();
    return publisher;
  } catch (e) {
    if (e instanceof DeviceAuthError && retry && o.renew) {
      const renewed = await o.renew(device);
      return connect(device, { ...o, credentials: new Map([[device.id, renewed]]) }, false);
    }
    throw e;
  }
}
