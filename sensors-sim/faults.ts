// Faults on demand: the things real citizen sensors do that the platform must reject, flag or
// absorb. Deterministic per device and reading number for a seed, like everything else here.
import type { SimFormat } from './sim-format.js';
import type { SimDevice } from './fleet.js';
import { mix, uniform } from './random.js';

export const FAULT_KINDS = ['stuck', 'spikes', 'offline', 'future-clock', 'malformed', 'duplicates'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What each fault is, and what the platform is expected to do with it (printed and documented). */
export const FAULTS: Readonly<
  Record<FaultKind, { does: string; platform: string; formats: readonly SimFormat[] }>
> = {
  stuck: {
    does: 'the sensor repeats its last values unchanged for 60–180 readings (1–3 h at 60 s)',
    platform:
      'kept; flagged `stuck` (data/flags.ts) by the ingest worker’s quality checks, from the first of the run',
    formats: ['native', 'airgradient', 'airrohr'],
  },
  spikes: {
    does: 'one reading with PM 8–25 times too high (an insect, a smoker, a cleaning)',
    platform: 'kept; flagged `spike` (data/flags.ts) by the ingest worker’s quality checks',
    formats: ['native', 'airgradient', 'airrohr'],
  },
  offline: {
    does: 'the device is silent for 5–30 readings, then comes back (after a reboot); native devices resend what they buffered, with timestamps',
    platform: 'absorbed: the station shows offline, then the resent readings fill the gap',
    formats: ['native', 'airgradient', 'airrohr'],
  },
  'future-clock': {
    does: 'a native reading stamped 1–72 hours ahead (a clock not yet set by NTP)',
    platform: 'rejected: "future" (more than 5 min ahead of the receive time)',
    formats: ['native'],
  },
  malformed: {
    does: 'a broken payload: truncated JSON, unknown phenomenon, text for a number, a value out of range, a bad unit or time, firmware error sentinels',
    platform:
      "rejected with a reason naming the value, in the device's error log; good values of the same message kept",
    formats: ['native', 'airgradient', 'airrohr'],
  },
  duplicates: {
    does: 'a native message published 2–3 times (a retry after a lost acknowledgement)',
    platform: 'absorbed: a (series, time) is stored once',
    formats: ['native'],
  },
};

export type FaultOptions = {
  kinds: readonly FaultKind[];
  /** Probability that a reading starts a fault (per device, per reading). */
  rate: number;
  seed: number;
};

export const DEFAULT_FAULT_RATE = 0.02;

/** `all`, or a comma-separated list of fault names. */
export function parseFaults(text: string): FaultKind[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.includes('all')) return [...FAULT_KINDS];
  for (const n of names) {
    if (!(FAULT_KINDS as readonly string[]).includes(n)) {
      throw new RangeError(`unknown fault "${n}" (known: ${FAULT_KINDS.join(', ')}, or all)`);
    }
  }
  return [...new Set(names)] as FaultKind[];
}

export type FaultAction =
  | { kind: 'none' }
  | { kind: 'offline' }
  | { kind: 'stuck'; first: boolean }
  | { kind: 'spikes'; factor: number }
  | { kind: 'future-clock'; aheadMs: number }
  | { kind: 'malformed'; variant: number }
  | { kind: 'duplicates'; copies: number };

export type FaultCounts = Record<FaultKind, { events: number; messages: number }>;

export function emptyFaultCounts(): FaultCounts {
  return Object.fromEntries(FAULT_KINDS.map((k) => [k, { events: 0, messages: 0 }])) as FaultCounts;
}

const HOUR_OF_READINGS = 60;

/** Decides, reading by reading, which fault each device shows, and counts what it injected. */
export class FaultInjector {
  readonly counts = emptyFaultCounts();
  private readonly ongoing = new Map<string, { kind: 'stuck' | 'offline'; remaining: number }>();

  constructor(private readonly options: FaultOptions) {}

  get enabled(): boolean {
    return this.options.kinds.length > 0 && this.options.rate > 0;
  }

  /** The fault of `device`'s reading number `index` (call once per reading, in order). */
  next(device: SimDevice, index: number): FaultAction {
    if (!this.enabled) return { kind: 'none' };
    const current = this.ongoing.get(device.id);
    if (current) {
      current.remaining--;
      if (current.remaining <= 0) this.ongoing.delete(device.id);
      this.counts[current.kind].messages++;
      return current.kind === 'stuck' ? { kind: 'stuck', first: false } : { kind: 'offline' };
    }
    const key = mix(device.key, this.options.seed, 0xfa);
    if (uniform(key, index * 4) >= this.options.rate) return { kind: 'none' };
    const applicable = this.options.kinds.filter((k) => FAULTS[k].formats.includes(device.format));
    if (applicable.length === 0) return { kind: 'none' };
    const kind = applicable[Math.floor(uniform(key, index * 4 + 1) * applicable.length)] as FaultKind;
    const u = uniform(key, index * 4 + 2);
    this.counts[kind].events++;
    this.counts[kind].messages++;
    switch (kind) {
      case 'stuck':
        this.ongoing.set(device.id, { kind, remaining: Math.round(HOUR_OF_READINGS * (1 + 2 * u)) - 1 });
        return { kind: 'stuck', first: true };
      case 'offline':
        this.ongoing.set(device.id, { kind, remaining: Math.round(5 + 25 * u) - 1 });
        return { kind: 'offline' };
      case 'spikes':
        return { kind, factor: 8 + 17 * u };
      case 'future-clock':
        return { kind, aheadMs: Math.round((1 + 71 * u) * 3_600_000) };
      case 'malformed':
        return { kind, variant: Math.floor(u * 1e6) };
      case 'duplicates':
        return { kind, copies: u < 0.7 ? 2 : 3 };
    }
  }
}
