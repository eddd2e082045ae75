// Spikes: openSenseMap's outlier rule (a value farther than k·MAD from the rolling median of its
// series, k = 3, MAD unscaled), on PM only, upward only, with a floor under the MAD. The window is
// the last `spikeWindow` values of the series, kept in a ring by the worker: nothing is re-read.
// Why upward only and why a floor: docs/methods.md, "Quality control", measured on the co-location
// month of tests/fixtures/colocation/.
import { getPhenomenon } from '../../data/phenomena.js';
import type { QualityOptions } from './quality-options.js';

/** Fewer values than this before the current one: too few to judge it. */
export const SPIKE_MIN_VALUES = 5;
/** A gap longer than this empties the window: the air before an outage is not the air after. */
export const SPIKE_GAP_MS = 3_600_000;

export function isSpikeChecked(phenomenon: string): boolean {
  // Mass concentrations of optical counters, whose artefacts (an insect, a droplet, a puff of
  // smoke at the inlet) are single high readings.
  return getPhenomenon(phenomenon)?.opticalPm === true;
}

export class SpikeWindow {
  private readonly values: Float64Array;
  private readonly scratch: Float64Array;
  private size = 0;
  private next = 0;
  private last = -Infinity;

  constructor(length: number) {
    this.values = new Float64Array(length);
    this.scratch = new Float64Array(length);
  }

  /** Whether `value` is a spike against the window, then adds it to the window. */
  check(time: number, value: number, options: QualityOptions): boolean {
    if (time - this.last > SPIKE_GAP_MS) {
      this.size = 0;
      this.next = 0;
    }
    this.last = time;
    let spike = false;
    if (this.size >= SPIKE_MIN_VALUES) {
      const median = this.median();
      const mad = this.mad(median);
      const floor = Math.max(options.spikeFloor, options.spikeRelativeFloor * median);
      spike = value - median > options.spikeK * Math.max(mad, floor);
    }
    // A spike enters the window too: the median shrugs it off, and a lasting change of level
    // becomes the new normal after half a window instead of being flagged for ever.
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.values.length;
    if (this.size < this.values.length) this.size += 1;
    return spike;
  }

  private median(): number {
    const s = this.scratch.subarray(0, this.size);
    s.set(this.values.subarray(0, this.size));
    return middle(s.sort());
  }

  private mad(median: number): number {
    const s = this.scratch.subarray(0, this.size);
    for (let i = 0; i < this.size; i++) s[i] = Math.abs(this.values[i]! - median);
    return middle(s.sort());
  }
}

function middle(sorted: Float64Array): number {
  const n = sorted.length;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}
