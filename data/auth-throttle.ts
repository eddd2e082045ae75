// Failed logins per source address, counted before the costly check: each device credential is an
// scrypt hash (data/store/device-token.ts, ~50 ms of CPU), so a stream of wrong tokens from one
// address would otherwise keep the machine busy and delay every real login (docs/security.md,
// "Failed logins"). Shared by the HTTP device endpoints and the embedded MQTT broker. In memory,
// per process: it protects this process's CPU, it is not a ledger.

export type AuthThrottleOptions = {
  /** Failed logins allowed per address within one window; the next is refused unchecked. */
  limit: number;
  /** Length of the window, ms, counted from the address's first failure in it. */
  windowMs: number;
  now?: () => number;
};

export const AUTH_THROTTLE_DEFAULTS = { limit: 10, windowMs: 60_000 } as const;

export type AuthAttempt =
  | {
      ok: true;
      /** The credentials were right: the attempt is not counted against the address. */
      succeeded: () => void;
    }
  | { ok: false; retryAfterSeconds: number };

export type AuthThrottle = {
  /**
   * Asks before checking credentials from `address`. While allowed, the attempt counts as a
   * failure until `succeeded()` is called: so concurrent attempts cannot all slip in before the
   * first of them fails.
   */
  attempt: (address: string | undefined) => AuthAttempt;
};

/** Addresses kept before expired windows are swept, and the most kept at all. */
const SWEEP_AT = 10_000;
const MAX_KEPT = 100_000;

type Window = { start: number; failures: number };

export function createAuthThrottle(options: Partial<AuthThrottleOptions> = {}): AuthThrottle {
  const { limit, windowMs } = { ...AUTH_THROTTLE_DEFAULTS, ...options };
  const now = options.now ?? Date.now;
  const windows = new Map<string, Window>();

  const sweep = (t: number) => {
    for (const [k, w] of windows) if (t - w.start >= windowMs) windows.delete(k);
    // Still full (a flood from many addresses): forget the oldest windows first.
    for (const k of windows.keys()) {
      if (windows.size < MAX_KEPT) break;
      windows.delete(k);
    }
  };

  return {
    attempt(address) {
      const key = throttleKey(address);
      const t = now();
      if (windows.size >= SWEEP_AT) sweep(t);
      let w = windows.get(key);
      if (!w || t - w.start >= windowMs) {
        w = { start: t, failures: 0 };
        windows.set(key, w);
      }
      if (w.failures >= limit) {
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + windowMs - t) / 1000)) };
      }
      const counted = w;
      counted.failures += 1;
      let refunded = false;
      return {
        ok: true,
        succeeded: () => {
          if (refunded) return;
          refunded = true;
          counted.failures = Math.max(0, counted.failures - 1);
        },
      };
    },
  };
}

/**
 * The key an address is counted under: an IPv4 address as it is (also when IPv4-mapped), an IPv6
 * address by its /64 prefix, since one subscriber is usually given a whole /64 to pick from.
 * Without an address (a request not served by a socket) every attempt shares one key.
 */
export function throttleKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
