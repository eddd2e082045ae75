// Deterministic randomness. Every number the simulator draws is a pure function of (key, index):
// the value at time t never depends on what was computed before, so a live run, a backfill and a
// test all see the same city for the same seed, and any instant can be evaluated on its own.

/** FNV-1a 32-bit hash of a string: turns names into keys. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's finaliser: a good avalanche on 32 bits. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines a key with integers (any safe integer, negative or above 2^32) into a new key. */
export function mix(key: number, ...values: number[]): number {
  let h = key >>> 0;
  for (const v of values) {
    const lo = v >>> 0;
    const hi = Math.floor(v / 4294967296) >>> 0;
    h = fmix((h ^ fmix(lo + 0x9e3779b9)) + Math.imul(hi, 0x27d4eb2d));
  }
  return h;
}

/** Uniform in [0, 1) for (key, index). */
export function uniform(key: number, index = 0): number {
  return mix(key, index) / 4294967296;
}

/** Standard normal for (key, index) (Box–Muller on two independent uniforms). */
export function gaussian(key: number, index = 0): number {
  const u = Math.max(uniform(key, index * 2), 1e-12);
  const v = uniform(key, index * 2 + 1);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Smooth noise in [-1, 1] over time: random knots every `period` ms joined by cosine
 * interpolation. Weather systems, pollution episodes and sensor drift are made of it.
 */
export function smoothNoise(key: number, t: number, period: number): number {
  const x = t / period;
  const i = Math.floor(x);
  const f = x - i;
  const a = uniform(key, i) * 2 - 1;
  const b = uniform(key, i + 1) * 2 - 1;
  const w = (1 - Math.cos(Math.PI * f)) / 2;
  return a + (b - a) * w;
}

/** A sequential generator for one-off choices (building the fleet), seeded by a key. */
export function sequence(key: number): { next: () => number; pick: <T>(items: readonly T[]) => T } {
  let i = 0;
  const next = () => uniform(key, i++);
  return {
    next,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
  };
}

/** Clamps `value` into [min, max]. */
export function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

/** Rounds to `decimals` places, as a device's firmware prints it. */
export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
