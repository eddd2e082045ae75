// A token bucket per device for what it publishes on the embedded broker (docs/ingest.md, Limits):
// a device may publish `perMinute` messages a minute on average and `burst` in a row (a device that
// was offline sends its backlog at once). A flood from one device is then dropped at the broker,
// before the worker decodes or stores anything, so other devices' readings keep their pace. Shared
// by every connection of a device (its client ids `<id>`, `<id>-…`), since the limit is the
// device's, not a connection's.

export type RateLimitOptions = {
  /** Messages a minute a device may publish on average (refill rate). */
  perMinute: number;
  /** Messages a device may publish in a row (bucket size). */
  burst: number;
  /** A device's drops are written to its error log at most once per this interval, ms. */
  logIntervalMs?: number;
};

/** What to do with one message: store it, or drop it (and, at most once a minute, say so). */
export type RateDecision =
  | { ok: true }
  | { ok: false; log: false }
  /** Dropped; `dropped` counts this one and those dropped since the device's previous log entry. */
  | { ok: false; log: true; dropped: number };

type Bucket = { tokens: number; at: number; loggedAt: number; droppedSinceLog: number };

/** Buckets kept at most: the registered fleet, with room; full ones are forgotten first. */
const MAX_BUCKETS = 100_000;

export class DeviceRateLimit {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly logIntervalMs: number;

  constructor(readonly options: RateLimitOptions) {
    if (!(options.perMinute > 0) || !(options.burst >= 1)) {
      throw new Error(
        `a rate limit needs a positive rate and a burst of at least 1 (got ${describe(options)})`,
      );
    }
    this.perMs = options.perMinute / 60_000;
    this.logIntervalMs = options.logIntervalMs ?? 60_000;
  }

  /** Takes a token for one message of `deviceId`. */
  take(deviceId: string, now = Date.now()): RateDecision {
    const bucket = this.bucket(deviceId, now);
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    bucket.droppedSinceLog += 1;
    if (now - bucket.loggedAt < this.logIntervalMs) return { ok: false, log: false };
    const dropped = bucket.droppedSinceLog;
    bucket.loggedAt = now;
    bucket.droppedSinceLog = 0;
    return { ok: false, log: true, dropped };
  }

  /** The limit in words, for logs and error-log entries. */
  describe(): string {
    return describe(this.options);
  }

  private bucket(deviceId: string, now: number): Bucket {
    let bucket = this.buckets.get(deviceId);
    if (bucket) return bucket;
    if (this.buckets.size >= MAX_BUCKETS) this.forgetFull(now);
    bucket = { tokens: this.options.burst, at: now, loggedAt: -Infinity, droppedSinceLog: 0 };
    this.buckets.set(deviceId, bucket);
    return bucket;
  }

  /** A bucket that has refilled is the same as a new one: forgetting it changes nothing. */
  private forgetFull(now: number): void {
    for (const [id, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.perMs >= this.options.burst) this.buckets.delete(id);
    }
    if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear(); // a pathological fleet: start afresh
  }
}

function describe({ perMinute, burst }: RateLimitOptions): string {
  return `${perMinute} messages a minute, bursts of ${burst}`;
}
