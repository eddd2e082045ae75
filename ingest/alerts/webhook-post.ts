// POSTs one signed notice to a webhook: checked against the SSRF policy after resolving its name
// and connected to the address checked (data/alerts/webhook-guard.ts), with a timeout, no
// redirects followed, and only the status read. Any 2xx is a delivery; anything else throws,
// and the sender tries again later (ingest/alerts/alert-sender.ts).
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkWebhookUrl, type WebhookPolicy } from '../../data/alerts/webhook-guard.js';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from '../../data/alerts/webhook-signature.js';

export type WebhookPost = {
  url: string;
  body: string;
  secret: string;
  deliveryId: number;
  event: string;
  policy: WebhookPolicy;
  timeoutMs: number;
  now: number;
};

export async function postWebhook(p: WebhookPost): Promise<number> {
  const target = await checkWebhookUrl(p.url, p.policy);
  const timestamp = Math.floor(p.now / 1000);
  const body = Buffer.from(p.body);
  // Connect to the address that was checked, whatever the name resolves to now.
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all)
      callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const req = client.request(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        timeout: p.timeoutMs,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': String(body.length),
          'User-Agent': 'Souffle-Alerts/1',
          'X-Souffle-Event': p.event,
          'X-Souffle-Delivery': String(p.deliveryId),
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(p.secret, timestamp, p.body),
        },
      },
      (res) => {
        res.resume(); // the body is not read, only drained
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(status);
        else reject(new Error(`the webhook answered HTTP ${status}`));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`the webhook did not answer within ${p.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
