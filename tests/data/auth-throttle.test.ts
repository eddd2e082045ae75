// How the failed-login throttle keys addresses (docs/security.md, "Failed logins"): the HTTP and
// MQTT tests (tests/api/failed-logins.test.ts, tests/ingest/failed-logins.test.ts) reach it over
// IPv4 loopback only.
import { describe, expect, it } from 'vitest';
import { createAuthThrottle, throttleKey } from '../../data/auth-throttle.js';

describe('the failed-login throttle', () => {
  it('counts IPv4 addresses one by one, IPv4-mapped ones as IPv4, and IPv6 ones by their /64', () => {
    expect(throttleKey('203.0.113.7')).toBe('203.0.113.7');
    expect(throttleKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(throttleKey('2001:db8:0:12:aaaa::1')).toBe('2001:db8:0:12::/64');
    expect(throttleKey('2001:0db8:0000:0012:ffff:1:2:3')).toBe('2001:db8:0:12::/64');
    expect(throttleKey('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(throttleKey('::1')).toBe('0:0:0:0::/64');
    expect(throttleKey(undefined)).toBe('unknown');
  });

  it('throttles a whole IPv6 /64 together, and no other prefix', () => {
    const throttle = createAuthThrottle({ limit: 2, windowMs: 60_000, now: () => 0 });
    expect(throttle.attempt('2001:db8:0:12::1').ok).toBe(true);
    expect(throttle.attempt('2001:db8:0:12::2').ok).toBe(true);
    expect(throttle.attempt('2001:db8:0:12:ffff::3')).toEqual({ ok: false, retryAfterSeconds: 60 });
    expect(throttle.attempt('2001:db8:0:13::1').ok).toBe(true);
  });
});
