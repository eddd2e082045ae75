// The signature of a webhook notice (docs/api.md, "Verifying a webhook"): HMAC-SHA256, keyed with
// the rule's secret, of "<timestamp>.<raw body>", sent as X-Souffle-Signature: sha256=<hex> with
// X-Souffle-Timestamp: <unix seconds>. Signing the timestamp lets a receiver refuse a replayed
// request: one whose timestamp is more than a few minutes old, or already seen.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Souffle-Signature';
export const TIMESTAMP_HEADER = 'X-Souffle-Timestamp';

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does, for tests and for docs/api.md's example: true if signed by `secret`. */
export function verifyWebhook(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  now = Date.now(),
  toleranceSeconds = 300,
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(now / 1000 - ts) > toleranceSeconds || !headers.signature)
    return false;
  const expected = Buffer.from(signWebhook(secret, ts, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
