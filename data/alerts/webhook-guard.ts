// Where a webhook may point (docs/security.md, "Webhooks"): not at the server's own loopback, nor
// at link-local (cloud metadata at 169.254.169.254), private, shared (CGNAT), unique-local,
// multicast or reserved addresses, unless the operator allows it (SOUFFLE_ALERT_ALLOW_PRIVATE_WEBHOOKS:
// "1" for any, or a list of CIDR blocks). Checked when a rule is made and again at each send,
// after DNS resolution, and the send then connects to the very address checked: a name that
// resolved to a public address at creation cannot be pointed at 127.0.0.1 later (DNS rebinding).
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export type WebhookPolicy = {
  /** Any address allowed (tests, a closed network). */
  allowPrivate?: boolean;
  /** CIDR blocks allowed despite being private, e.g. ["10.1.0.0/16"]. */
  allowCidrs?: readonly string[];
};

export class WebhookRefused extends Error {
  override name = 'WebhookRefused';
}

const BLOCKED_V4: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const BLOCKED_V6: Array<[string, number]> = [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
];

const blocked = new BlockList();
for (const [a, p] of BLOCKED_V4) blocked.addSubnet(a, p, 'ipv4');
for (const [a, p] of BLOCKED_V6) blocked.addSubnet(a, p, 'ipv6');

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1) as the IPv4 address it is. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (m) return { address: m[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** Parses the allow list; throws a RangeError naming a bad block. */
export function allowList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/');
    const family = isIP(address ?? '');
    const prefix = Number(bits);
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
      throw new RangeError(`"${cidr}" is not a CIDR block (examples: 10.1.0.0/16, fd00::/8)`);
    }
    list.addSubnet(address!, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

/** Whether `address` may be the target of a webhook under `policy`. */
export function addressAllowed(address: string, policy: WebhookPolicy): boolean {
  if (policy.allowPrivate) return true;
  const a = unmapped(address);
  if (!blocked.check(a.address, a.family)) return true;
  return policy.allowCidrs ? allowList(policy.allowCidrs).check(a.address, a.family) : false;
}

export type CheckedTarget = { url: URL; address: string; family: 4 | 6 };

/**
 * The URL and the address to connect to; throws WebhookRefused with the reason for a URL that is
 * not http(s), whose name does not resolve, or that resolves to any address not allowed.
 */
export async function checkWebhookUrl(text: string, policy: WebhookPolicy): Promise<CheckedTarget> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookRefused(`"${text.slice(0, 100)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebhookRefused(`a webhook must be an http:// or https:// URL, not ${url.protocol}`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch (e) {
      throw new WebhookRefused(
        `the webhook's host "${host}" does not resolve (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  const refused = addresses.find((a) => !addressAllowed(a.address, policy));
  if (refused || addresses.length === 0) {
    throw new WebhookRefused(
      `the webhook's host "${host}" is ${refused ? `${refused.address}, ` : ''}a loopback, private, link-local or reserved address: webhooks must reach a public address (the operator can allow others with SOUFFLE_ALERT_ALLOW_PRIVATE_WEBHOOKS)`,
    );
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
