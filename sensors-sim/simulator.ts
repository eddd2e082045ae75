// The live fleet: each device reads on its own grid (real intervals or --interval), composes what
// its firmware would send, and sends it as itself (MQTT for native and AirGradient, HTTP for
// airrohr). A class because it has a lifecycle: start, run, stop cleanly with a summary.
import type { SimFormat } from './sim-format.js';
import { composeLive, newDeviceState, type DeviceState, type Outgoing } from './compose.js';
import type { FaultCounts, FaultInjector } from './faults.js';
import type { SimDevice } from './fleet.js';
import { DeviceAuthError, MqttPublisher } from './mqtt-publisher.js';
import { pushAirrohr, type DeviceCredentials } from './platform-api.js';
import { slotAtOrAfter, slotTime, type Intervals } from './schedule.js';

export type SimulatorOptions = {
  fleet: readonly SimDevice[];
  credentials: ReadonlyMap<string, DeviceCredentials>;
  mqttUrl: string;
  apiUrl: string;
  seed: number;
  intervals: Intervals;
  faults: FaultInjector;
  /** Called when the platform refuses a device's stored token: returns fresh credentials. */
  renew?: (device: SimDevice) => Promise<DeviceCredentials>;
  log?: (line: string) => void;
  now?: () => number;
};

export type SendStats = {
  messages: number;
  acknowledged: number;
  failed: number;
  readings: number;
  byFormat: Record<SimFormat, { messages: number; acknowledged: number }>;
  /** airrohr pushes by HTTP status (0 = no answer). */
  http: Record<string, number>;
  /** The last few errors, to say why something failed. */
  errors: string[];
};

export function emptySendStats(): SendStats {
  const f = () => ({ messages: 0, acknowledged: 0 });
  return {
    messages: 0,
    acknowledged: 0,
    failed: 0,
    readings: 0,
    byFormat: { native: f(), airgradient: f(), airrohr: f() },
    http: {},
    errors: [],
  };
}

export type LiveSummary = SendStats & { devices: number; elapsedSeconds: number; faults: FaultCounts };

type Runtime = {
  device: SimDevice;
  state: DeviceState;
  credentials: DeviceCredentials;
  publisher?: MqttPublisher;
  timer?: NodeJS.Timeout;
  slot: number;
};

export class FleetSimulator {
  readonly stats = emptySendStats();
  private readonly runtimes: Runtime[] = [];
  private readonly pending = new Set<Promise<void>>();
  private running = false;
  private startedAt = 0;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: SimulatorOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
  }

  /** Connects every MQTT device (as itself), then starts the reading timers. */
  async start(): Promise<void> {
    this.startedAt = this.now();
    const { fleet, credentials } = this.options;
    for (const device of fleet) {
      const c = credentials.get(device.id);
      if (!c) throw new Error(`no credentials for "${device.id}": register the fleet first`);
      this.runtimes.push({ device, state: newDeviceState(device), credentials: c, slot: 0 });
    }
    let next = 0;
    const connectSome = async () => {
      while (next < this.runtimes.length) {
        const rt = this.runtimes[next++]!;
        if (rt.device.format !== 'airrohr') await this.connect(rt);
      }
    };
    try {
      await Promise.all(Array.from({ length: 8 }, connectSome));
    } catch (e) {
      await Promise.all(this.runtimes.map((rt) => rt.publisher?.close(0)));
      throw e;
    }
    this.running = true;
    for (const rt of this.runtimes) {
      const interval = this.options.intervals[rt.device.format];
      rt.slot = slotAtOrAfter(rt.device, interval, this.now());
      this.schedule(rt);
    }
  }

  private async connect(rt: Runtime, retry = true): Promise<void> {
    const { device } = rt;
    const publisher = new MqttPublisher({
      url: this.options.mqttUrl,
      // AirGradient's ESP8266 firmware connects as "airgradient-<serial>" (its examples'
      // mqttHandle); the ESP32 models use ESP-IDF's default id, which the brokers accept too.
      clientId: device.format === 'airgradient' ? `airgradient-${device.serial}` : device.id,
      username: device.id,
      password: rt.credentials.token,
      onError: (e) => this.error(`${device.id}: ${e.message}`),
    });
    try {
      await publisher.connect();
      rt.publisher = publisher;
    } catch (e) {
      if (e instanceof DeviceAuthError && retry && this.options.renew) {
        this.log(`${device.id}: stored token refused by the broker, obtaining a new one`);
        rt.credentials = await this.options.renew(device);
        return this.connect(rt, false);
      }
      throw e;
    }
  }

  private schedule(rt: Runtime): void {
    if (!this.running) return;
    const interval = this.options.intervals[rt.device.format];
    const due = slotTime(rt.device, interval, rt.slot);
    rt.timer = setTimeout(() => this.tick(rt, due, interval), Math.max(0, due - this.now()));
  }

  private tick(rt: Runtime, t: number, interval: number): void {
    const k = rt.slot++;
    this.schedule(rt);
    const action = this.options.faults.next(rt.device, k);
    const out = composeLive({
      device: rt.device,
      t,
      seed: this.options.seed,
      action,
      state: rt.state,
      intervalMs: interval,
      credentials: { username: rt.device.id, password: rt.credentials.token },
    });
    for (const message of out) this.track(this.send(rt, message));
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async send(rt: Runtime, message: Outgoing): Promise<void> {
    const format = rt.device.format;
    this.stats.messages++;
    this.stats.byFormat[format].messages++;
    this.stats.readings += message.readings;
    if (message.via === 'mqtt') {
      try {
        if (!rt.publisher) throw new Error(`${rt.device.id} is not connected`);
        await rt.publisher.publish(message.topic, message.payload, message.qos);
        this.acknowledged(format);
      } catch (e) {
        this.stats.failed++;
        this.error(`${rt.device.id}: ${(e as Error).message}`);
      }
      return;
    }
    const result = await pushAirrohr(this.options.apiUrl, message);
    this.stats.http[result.status] = (this.stats.http[result.status] ?? 0) + 1;
    if (result.status === 200) this.acknowledged(format);
    else {
      this.stats.failed++;
      if (!message.fault)
        this.error(`${rt.device.id}: push answered ${result.status || 'nothing'}: ${result.error ?? ''}`);
      if (result.status === 401 && this.options.renew) {
        rt.credentials = await this.options
          .renew(rt.device)
          .catch((e: Error) => (this.error(e.message), rt.credentials));
      }
    }
  }

  private acknowledged(format: SimFormat): void {
    this.stats.acknowledged++;
    this.stats.byFormat[format].acknowledged++;
  }

  private error(line: string): void {
    this.stats.errors.push(line);
    if (this.stats.errors.length > 10) this.stats.errors.shift();
  }

  summary(): LiveSummary {
    return {
      ...this.stats,
      devices: this.runtimes.length,
      elapsedSeconds: Math.round((this.now() - this.startedAt) / 100) / 10,
      faults: this.options.faults.counts,
    };
  }

  /** Stops the timers, lets messages in flight finish (up to `timeoutMs`), disconnects every device. */
  async stop(timeoutMs = 5000): Promise<LiveSummary> {
    this.running = false;
    for (const rt of this.runtimes) clearTimeout(rt.timer);
    await Promise.race([Promise.allSettled([...this.pending]), new Promise((r) => setTimeout(r, timeoutMs))]);
    await Promise.all(this.runtimes.map((rt) => rt.publisher?.close(timeoutMs)));
    return this.summary();
  }
}
