// When each device reads: on a fixed grid per device (a multiple of its interval plus its own
// phase, in whole seconds like an NTP-synchronised device), so that a backfill and the live run
// that follows it continue the same series without overlap or gap.
import type { SimFormat } from './sim-format.js';
import type { SimDevice } from './fleet.js';

/** The real firmware intervals: 60 s for native and AirGradient, 145 s for airrohr. */
export const REAL_INTERVALS: Readonly<Record<SimFormat, number>> = {
  native: 60_000,
  airgradient: 60_000,
  airrohr: 145_000,
};

export type Intervals = Record<SimFormat, number>;

/** `--interval` overrides every format; otherwise each keeps its firmware's. */
export function intervals(override?: number): Intervals {
  if (override === undefined) return { ...REAL_INTERVALS };
  if (!Number.isFinite(override) || override < 10)
    throw new RangeError(`--interval ${override} ms is too short (at least 10 ms)`);
  return { native: override, airgradient: override, airrohr: override };
}

function offset(device: SimDevice, interval: number): number {
  const ms = device.phase * interval;
  return interval >= 2000 ? Math.floor(ms / 1000) * 1000 : Math.floor(ms);
}

/** Slot k's time for `device` at `interval` ms. */
export function slotTime(device: SimDevice, interval: number, k: number): number {
  return k * interval + offset(device, interval);
}

/** The first slot at or after `t`. */
export function slotAtOrAfter(device: SimDevice, interval: number, t: number): number {
  return Math.ceil((t - offset(device, interval)) / interval);
}
