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
  /** The window in arrival order (a ring) and the same values kept sorted. */
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private size = 0;
  private next = 0;
  private last = -Infinity;

  constructor(length: number) {
    this.ring = new Float64Array(length);
    this.sorted = new Float64Array(length);
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
      const median = medianOf(this.sorted, 0, this.size);
      const mad = madOf(this.sorted, this.size, median);
      const floor = Math.max(options.spikeFloor, options.spikeRelativeFloor * median);
      spike = value - median > options.spikeK * Math.max(mad, floor);
    }
    // A spike enters the window too: the median shrugs it off, and a lasting change of level
    // becomes the new normal after half a window instead of being flagged for ever.
    this.add(value);
    return spike;
  }

  /** Adds a value, dropping the oldest once full; the sorted copy is kept by shifting (15 values). */
  private add(value: number): void {
    const full = this.size === this.ring.length;
    let n = this.size;
    if (full) {
      const oldest = this.ring[this.next]!;
      let i = 0;
      while (this.sorted[i] !== oldest) i++;
      this.sorted.copyWithin(i, i + 1, n);
      n -= 1;
    }
    let j = n - 1;
    while (j >= 0 && this.sorted[j]! > value) {
      this.sorted[j + 1] = this.sorted[j]!;
      j--;
    }
    this.sorted[j + 1] = value;
    this.ring[this.next] = value;
    this.next = (this.next + 1) % this.ring.length;
    if (!full) this.size += 1;
  }
}

function medianOf(sorted: Float64Array, from: number, n: number): number {
  const h = from + (n >> 1);
  return n % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}

/**
 * The median absolute deviation of `n` sorted values from their median, without sorting again:
 * the deviations grow outward from the median on both sides, so walking two cursors outward
 * visits them in order (an insertion-sorted window and this walk replace two sorts per value).
 */
function madOf(sorted: Float64Array, n: number, median: number): number {
  let lo = (n >> 1) - 1;
  let hi = n >> 1;
  const want = n >> 1; // the deviation of rank n/2 (and the one before it, for an even n)
  let previous = 0;
  let current = 0;
  for (let k = 0; k <= want; k++) {
    const down = lo >= 0 ? median - sorted[lo]! : Infinity;
    const up = hi < n ? sorted[hi]! - median : Infinity;
    previous = current;
    if (down <= up) {
      current = down;
      lo--;
    } else {
      current = up;
      hi++;
    }
  }
  return n % 2 === 1 ? current : (previous + current) / 2;
}
