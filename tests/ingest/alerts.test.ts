// Alerts end to end (issue 16, "Done when"): a real SMTP server, a real HTTP receiver, the
// embedded broker with its ingest worker, the API and the alert service on one SQLite file. A
// sensor that goes silent gives one mail and one webhook, its return one end notice each, never a
// duplicate across checks or a restart; the webhook's signature verifies with node:crypto; an
// unconfirmed address gets the confirmation only; the unsubscribe link works; and a PM2.5 rule
// fed by real MQTT readings starts once and ends once, on the webhook and the MQTT topic.
import { createHmac, timingSafeEqual } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import type { ApiApp } from '../../api/app-deps.js';
import { createMqttPublisher, type MqttPublisher } from '../../api/mqtt-publisher.js';
import { silentLogger } from '../../data/logger.js';
import { createDevice } from '../../data/store/devices.js';
import { nativeTopic } from '../../data/topics.js';
import { AlertService, type AlertServiceOptions } from '../../ingest/alerts/alert-service.js';
import { startIngest, type IngestServices } from '../../ingest/ingest-services.js';
import { ADMIN_TOKEN } from '../api/fixtures.js';
import {
  startHookReceiver,
  startSmtpReceiver,
  type HookReceiver,
  type ReceivedHook,
  type SmtpReceiver,
} from '../helpers/alert-receivers.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { connectAs, publishAs, SERVICE, waitFor } from './ingest-helpers.js';

const PUBLIC_URL = 'http://souffle.test';
const OWNER = 'owner@example.org';
const basic = (id: string, token: string) => `Basic ${Buffer.from(`${id}:${token}`).toString('base64')}`;

let db: TempDb;
let smtp: SmtpReceiver;
let receiver: HookReceiver;
let ingest: IngestServices;
let publisher: MqttPublisher;
let watcher: MqttClient;
let app: ApiApp;
let service: AlertService;
let serviceOptions: AlertServiceOptions;
let brokerUrl: string;
const topics: Array<{ topic: string; body: string }> = [];
const tokens: Record<string, string> = {};

beforeAll(async () => {
  db = await tempDb();
  smtp = await startSmtpReceiver();
  // The first POST fails: the notice must be tried again, and the attempts recorded.
  receiver = await startHookReceiver({ failFirst: 1 });
  ingest = await startIngest({
    db: db.db,
    logger: silentLogger,
    broker: { host: '127.0.0.1', port: 0, serviceCredentials: () => SERVICE },
    clientId: 'souffle-ingest',
    workers: 1,
    children: { workerArgs: () => [], env: {} },
    onStored: (stations) => service?.notify(stations),
  });
  brokerUrl = `mqtt://127.0.0.1:${ingest.broker!.port}`;
  publisher = createMqttPublisher({ url: brokerUrl, ...SERVICE, clientId: 'alerts-test' });
  watcher = await connectAs(brokerUrl, { ...SERVICE, clientId: 'alerts-watcher' });
  await watcher.subscribeAsync('souffle/v1/alerts/#', { qos: 1 });
  watcher.on('message', (topic, payload) => topics.push({ topic, body: payload.toString() }));
  await waitFor(() => publisher.connected());
  for (const id of ['balcon', 'ecole']) {
    tokens[id] = (await createDevice(db.db, { id, name: id, lat: 43.3, lon: 5.4 })).token;
  }
  app = createApp({
    db: db.db,
    adminToken: ADMIN_TOKEN,
    publicUrl: PUBLIC_URL,
    mqttUrl: brokerUrl,
    webDir: '/nonexistent-souffle-web',
    // The receiver listens on loopback: allowed here by name, as an operator would.
    alerts: { emailEnabled: true, webhookPolicy: { allowCidrs: ['127.0.0.1/32'] } },
  });
  serviceOptions = {
    db: db.db,
    logger: silentLogger,
    publicUrl: PUBLIC_URL,
    timeZone: 'Europe/Paris',
    checkIntervalMs: 150,
    sendIntervalMs: 100,
    afterCommitDelayMs: 20,
    backoffMs: 100,
    maxAttempts: 4,
    meanWindowMs: 1500,
    mail: {
      transport: nodemailer.createTransport({
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        ignoreTLS: true,
      }),
      from: 'Souffle <alertes@souffle.test>',
    },
    webhookPolicy: { allowCidrs: ['127.0.0.1/32'] },
    publish: publisher.publish,
  };
  service = new AlertService(serviceOptions);
  service.start();
});

afterAll(async () => {
  await service?.stop();
  await watcher?.endAsync();
  await publisher?.close();
  await ingest?.stop();
  await receiver?.close();
  await smtp?.close();
  await db?.cleanup();
});

/** Resolves once the service has completed `n` more checks. */
async function checks(n: number): Promise<void> {
  const target = service.checksDone + n;
  await waitFor(() => service.checksDone >= target, { what: `${n} more alert checks` });
}

const createRule = async (id: string, body: unknown) => {
  const res = await app.request(`/api/v1/my/${id}/alerts`, {
    method: 'POST',
    headers: { Authorization: basic(id, tokens[id]!), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; webhookSecret: string | null; unsubscribeUrl: string };
};

const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));
const kindOf = (decoded: string) =>
  decoded.includes('/api/v1/alerts/confirm?token=')
    ? 'confirm'
    : decoded.includes('Episode over:')
      ? 'end'
      : 'start';
const delivered = (rule: string) =>
  receiver.hooks.filter(
    (h) => h.status === 204 && (JSON.parse(h.body) as { rule: { id: string } }).rule.id === rule,
  );
const events = (hooks: ReceivedHook[]) => hooks.map((h) => (JSON.parse(h.body) as { event: string }).event);
const linkIn = (decoded: string, what: 'confirm' | 'unsubscribe') => {
  const m = new RegExp(`${PUBLIC_URL}(/api/v1/alerts/${what}\\?token=[A-Za-z0-9_-]+)`).exec(decoded);
  expect(m, `a ${what} link in the mail`).not.toBeNull();
  return m![1]!;
};

/** The receiver's check, as docs/api.md gives it: HMAC-SHA256 of "<timestamp>.<raw body>". */
function signatureVerifies(hook: ReceivedHook, secret: string): boolean {
  const ts = String(hook.headers['x-souffle-timestamp']);
  const given = Buffer.from(String(hook.headers['x-souffle-signature']));
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(`${ts}.${hook.body}`).digest('hex')}`,
  );
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('a sensor that goes offline', () => {
  it('gives one start and one end notice by mail and webhook, signed, with no duplicates', async () => {
    const hook = await createRule('balcon', { kind: 'offline', afterSeconds: 1, webhookUrl: receiver.url });
    const mail = await createRule('balcon', { kind: 'offline', afterSeconds: 1, email: OWNER, locale: 'en' });
    expect(hook.webhookSecret).toMatch(/^whsec_/);
    expect(mail.webhookSecret).toBeNull();

    // Silent for more than a second: the webhook gets the start (after one failed attempt)...
    await waitFor(() => delivered(hook.id).length === 1, { what: 'the start webhook' });
    // ...and the unconfirmed address nothing but its confirmation, check after check.
    await checks(3);
    expect(mailsTo(OWNER).map((m) => kindOf(m.decoded))).toEqual(['confirm']);
    const confirm = linkIn(mailsTo(OWNER)[0]!.decoded, 'confirm');
    const page = await app.request(confirm);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    expect((await app.request(confirm, { method: 'POST' })).status).toBe(200);
    await waitFor(() => mailsTo(OWNER).length === 2, { what: 'the start mail' });

    // A restart of the alert service sends nothing again: the episode's state is stored.
    await checks(2);
    await service.stop();
    service = new AlertService(serviceOptions);
    service.start();
    await checks(3);
    expect(delivered(hook.id)).toHaveLength(1);
    expect(mailsTo(OWNER)).toHaveLength(2);

    // It comes back: one end notice on each channel, and then nothing while it keeps sending.
    let seq = 0;
    const send = () =>
      publishAs(
        brokerUrl,
        { username: 'balcon', password: tokens.balcon! },
        nativeTopic('balcon'),
        JSON.stringify({ ts: new Date().toISOString(), seq: ++seq, values: { pm25: 8 } }),
      );
    await send();
    await waitFor(() => delivered(hook.id).length === 2 && mailsTo(OWNER).length === 3, {
      what: 'the end notices',
    });
    for (let i = 0; i < 3; i++) {
      await send();
      await checks(1);
    }
    expect(events(delivered(hook.id))).toEqual(['start', 'end']);
    expect(mailsTo(OWNER).map((m) => kindOf(m.decoded))).toEqual(['confirm', 'start', 'end']);

    // Signed: the receiver verifies each body with the key it was given, and a changed body fails.
    for (const h of delivered(hook.id)) expect(signatureVerifies(h, hook.webhookSecret!)).toBe(true);
    const forged = {
      ...delivered(hook.id)[0]!,
      body: delivered(hook.id)[0]!.body.replace('"start"', '"end"'),
    };
    expect(signatureVerifies(forged, hook.webhookSecret!)).toBe(false);
    const notice = JSON.parse(delivered(hook.id)[0]!.body) as Record<string, unknown>;
    expect(notice).toMatchObject({
      type: 'souffle.alert',
      event: 'start',
      rule: { kind: 'offline', device: 'balcon' },
    });

    // Every mail has a plain-text part, List-Unsubscribe, and the link in its text.
    for (const m of mailsTo(OWNER)) {
      expect(m.headers).toMatch(
        /^List-Unsubscribe: <http:\/\/souffle\.test\/api\/v1\/alerts\/unsubscribe\?token=/m,
      );
      expect(m.headers).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(m.raw).toContain('Content-Type: text/plain');
    }

    // The history records each notice, the failed first attempt included.
    const listed = await app.request('/api/v1/my/balcon/alerts', {
      headers: { Authorization: basic('balcon', tokens.balcon!) },
    });
    const { rules } = (await listed.json()) as {
      rules: Array<{
        id: string;
        history: Array<{ event: string; channel: string; status: string; attempts: number }>;
      }>;
    };
    const hookHistory = rules.find((r) => r.id === hook.id)!.history.filter((d) => d.channel === 'webhook');
    expect(hookHistory.map((d) => [d.event, d.status])).toEqual([
      ['end', 'sent'],
      ['start', 'sent'],
    ]);
    expect(hookHistory[1]!.attempts).toBe(2);

    // The unsubscribe link: a page with a button, then the rule is gone.
    const unsubscribe = linkIn(mailsTo(OWNER)[2]!.decoded, 'unsubscribe');
    expect((await app.request(unsubscribe)).status).toBe(200);
    expect((await app.request(unsubscribe, { method: 'POST' })).status).toBe(200);
    const after = await app.request('/api/v1/my/balcon/alerts', {
      headers: { Authorization: basic('balcon', tokens.balcon!) },
    });
    expect(((await after.json()) as { rules: Array<{ id: string }> }).rules.map((r) => r.id)).toEqual([
      hook.id,
    ]);
    expect((await app.request(unsubscribe, { method: 'POST' })).status).toBe(404);
  });
});

describe('a PM2.5 threshold on a station, fed by MQTT readings', () => {
  it('starts once and ends once, on the webhook and on the MQTT topic', async () => {
    const res = await app.request('/api/v1/alerts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'pm25', station: 'ecole', threshold: 50, webhookUrl: receiver.url }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const rule = (await res.json()) as { id: string; clearBelow: number };
    expect(rule.clearBelow).toBe(40);
    const as = { username: 'ecole', password: tokens.ecole! };
    const reading = (value: number, ageMs: number, seq: number) =>
      publishAs(
        brokerUrl,
        as,
        nativeTopic('ecole'),
        JSON.stringify({ ts: new Date(Date.now() - ageMs).toISOString(), seq, values: { pm25: value } }),
      );

    // Over the threshold: one start.
    await reading(80, 10_000, 1);
    await reading(90, 9_000, 2);
    await waitFor(() => delivered(rule.id).length === 1, { what: 'the PM2.5 start' });
    // Still high, then just under the threshold but above the clear level: no notice (hysteresis).
    await reading(85, 8_000, 3);
    await reading(45, 0, 4);
    await checks(3);
    expect(events(delivered(rule.id))).toEqual(['start']);
    // Clean air: one end, then nothing more.
    await reading(6, 0, 5);
    await waitFor(() => delivered(rule.id).length === 2, { what: 'the PM2.5 end' });
    await reading(5, 0, 6);
    await checks(3);
    expect(events(delivered(rule.id))).toEqual(['start', 'end']);

    const station = `souffle/v1/alerts/pm25/ecole`;
    await waitFor(() => topics.filter((t) => t.topic === station).length === 2, { what: 'the MQTT notices' });
    expect(
      topics.filter((t) => t.topic === station).map((t) => (JSON.parse(t.body) as { event: string }).event),
    ).toEqual(['start', 'end']);
  });
});
