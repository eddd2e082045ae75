// The address a request came from, for the per-address limits (failed logins, enrolment codes,
// large reads, the read rate limit). Behind a reverse proxy every connection comes from the proxy,
// so one client's flood would throttle everyone: with SOUFFLE_TRUSTED_PROXIES set, a request whose
// peer is one of those proxies is counted under the address the proxy appended to
// X-Forwarded-For. The header is never read from any other peer, since anyone can send one.
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { Context, MiddlewareHandler } from 'hono';

export type TrustedProxies = { has: (address: string) => boolean };

/**
 * The set of peers whose X-Forwarded-For is believed, from addresses and CIDR ranges ("10.0.0.0/8")
 * that cli/config.ts has checked (SOUFFLE_TRUSTED_PROXIES).
 */
export function trustedProxySet(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  const family = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    if (bits === undefined) list.addAddress(address, family(address));
    else list.addSubnet(address, Number(bits), family(address));
  }
  return { has: (address) => list.check(address, family(address)) };
}

/** "::ffff:10.0.0.1" (an IPv4 peer on a dual-stack socket) → "10.0.0.1"; other addresses as they are. */
function plain(address: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return v4?.[1] ?? address;
}

/**
 * The client behind `peer`: walking X-Forwarded-For from the right (each proxy appends the address
 * it was connected from), the first address that is not a trusted proxy. An entry that is not an
 * address stops the walk at the last trusted hop, because whatever is left of it came from the client.
 */
export function forwardedClient(
  peer: string,
  forwardedFor: string | undefined,
  trusted: TrustedProxies,
): string {
  let client = plain(peer);
  if (!forwardedFor || !trusted.has(client)) return client;
  const hops = forwardedFor.split(',').map((h) => plain(h.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? '';
    if (isIP(hop) === 0) break;
    client = hop;
    if (!trusted.has(hop)) break;
  }
  return client;
}

const resolved = new WeakMap<Request, string>();

/** Resolves each request's client address once, before any route or limit reads it. */
export function clientAddressMiddleware(trusted: TrustedProxies | undefined): MiddlewareHandler {
  return async (c, next) => {
    const peer = socketAddress(c);
    if (peer !== undefined) {
      resolved.set(
        c.req.raw,
        trusted ? forwardedClient(peer, c.req.header('x-forwarded-for'), trusted) : plain(peer),
      );
    }
    await next();
  };
}

/** The socket's peer as @hono/node-server hands it over; undefined without a socket (`app.request()`). */
function socketAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

/**
 * The request's client address (see above), or undefined for a request not served by a socket
 * (`app.request()` in tests), which the limits then count under one shared key.
 */
export function clientAddress(c: Context): string | undefined {
  return resolved.get(c.req.raw) ?? socketAddress(c);
}
