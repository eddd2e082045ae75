// A token bucket per key (device id): `perMinute` requests a minute on average, bursts up to
// `burst`. In memory, per process: a limit protects the broker and the worker from one runaway
// device, it is not a quota to be shared exactly across API replicas.

export type RateLimitOptions = {
  /** Sustained requests per minute per key. */
  perMinute: number;
  /** Requests allowed at once after a quiet spell (default: perMinute). */
  burst?: number;
  now?: () => number;
};

/**
 * `remaining`: whole requests left in the bucket after this one; `resetSeconds`: until the bucket
 * is full again (what the RateLimit header reports, api/read-rate-limit.ts).
 */
export type RateDecision = { remaining: number; resetSeconds: number } & (
  { ok: true } | { ok: false; retryAfterSeconds: number }
);

export type RateLimiter = { take: (key: string) => RateDecision };

/** Keys kept before full buckets are swept (a full bucket is the same as no bucket). */
const SWEEP_AT = 10_000;

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const capacity = Math.max(1, options.burst ?? options.perMinute);
  const perMs = options.perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  const level = (b: { tokens: number; at: number }, t: number) =>
    Math.min(capacity, b.tokens + Math.max(0, t - b.at) * perMs);

  return {
    take(key) {
      const t = now();
      if (buckets.size >= SWEEP_AT) {
        for (const [k, b] of buckets) if (level(b, t) >= capacity) buckets.delete(k);
      }
      const b = buckets.get(key) ?? { tokens: capacity, at: t };
      const tokens = level(b, t);
      const untilFull = (left: number) => Math.ceil((capacity - left) / perMs / 1000);
      if (tokens < 1) {
        buckets.set(key, { tokens, at: t });
        const retryAfterSeconds = Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
        return { ok: false, retryAfterSeconds, remaining: 0, resetSeconds: untilFull(tokens) };
      }
      buckets.set(key, { tokens: tokens - 1, at: t });
      return { ok: true, remaining: Math.floor(tokens - 1), resetSeconds: untilFull(tokens - 1) };
    },
  };
}
