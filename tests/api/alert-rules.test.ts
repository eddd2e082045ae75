// The alert endpoints refuse what they must: bad fields with a reason that names them, webhook
// URLs that reach loopback, private or link-local addresses (at creation, and at send time after
// DNS resolution), e-mail when the server has no SMTP, another owner's rules, and floods of
// subscriptions; the admin sees every rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWebhookUrl, WebhookRefused } from '../../data/alerts/webhook-guard.js';
import { postWebhook } from '../../ingest/alerts/webhook-post.js';
import { startHookReceiver, type HookReceiver } from '../helpers/alert-receivers.js';
import { ADMIN_TOKEN, citizen, fixture, json, NOW, type Fixture } from './fixtures.js';

let f: Fixture;
let noMail: Fixture;
let receiver: HookReceiver;
const tokens: Record<string, string> = {};
const basic = (id: string, token: string) => `Basic ${Buffer.from(`${id}:${token}`).toString('base64')}`;
type Problem = { error: { code: string; message: string } };

beforeAll(async () => {
  f = await fixture({ alerts: { emailEnabled: true } });
  noMail = await fixture();
  receiver = await startHookReceiver();
  for (const id of ['mine', 'theirs']) tokens[id] = (await citizen(f.db, { id, lat: 43.3, lon: 5.4 })).token;
  await f.db
    .insertInto('commune_indices')
    .values({
      insee: '13055',
      date: '2026-03-10',
      lib_zone: 'Marseille',
      code_qual: 3,
      lib_qual: 'Dégradé',
      coul_qual: null,
      code_no2: null,
      code_so2: null,
      code_o3: null,
      code_pm10: null,
      code_pm25: null,
      source: 'AtmoSud',
      pulled_at: NOW,
    })
    .execute();
});
afterAll(async () => {
  await receiver.close();
  await f.cleanup();
  await noMail.cleanup();
});

const mine = (body: unknown, app = f.app, id = 'mine') =>
  app.request(`/api/v1/my/${id}/alerts`, {
    method: 'POST',
    headers: { Authorization: basic(id, tokens[id] ?? 'x'), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
const subscribe = (body: unknown, app = f.app) =>
  app.request('/api/v1/alerts', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('webhook addresses (SSRF)', () => {
  it.each([
    'http://127.0.0.1:8080/hook',
    'http://10.1.2.3/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]:8080/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://192.168.1.10/',
    'http://[fd00::1]/',
    'http://localhost:8080/',
  ])('refuses %s unless the operator allows it', async (url) => {
    const res = await mine({ kind: 'offline', webhookUrl: url });
    expect(res.status).toBe(400);
    const problem = await json<Problem>(res);
    expect(problem.error.code).toBe('webhook_refused');
    expect(problem.error.message).toContain('body field "webhookUrl"');
  });

  it('refuses at send time too, after resolving the name, and sends nothing', async () => {
    const url = receiver.url.replace('127.0.0.1', 'localhost');
    await expect(
      postWebhook({
        url,
        body: '{}',
        secret: 's',
        deliveryId: 1,
        event: 'start',
        policy: {},
        timeoutMs: 2000,
        now: Date.now(),
      }),
    ).rejects.toBeInstanceOf(WebhookRefused);
    expect(receiver.hooks).toHaveLength(0);
    // Allowed by a CIDR block, the same POST arrives.
    const allowed = { allowCidrs: ['127.0.0.0/8', '::1/128'] };
    await postWebhook({
      url,
      body: '{}',
      secret: 's',
      deliveryId: 1,
      event: 'start',
      policy: allowed,
      timeoutMs: 2000,
      now: Date.now(),
    });
    expect(receiver.hooks).toHaveLength(1);
    await expect(checkWebhookUrl('ftp://example.org/', {})).rejects.toThrow('http:// or https://');
  });
});

describe('POST /api/v1/my/{id}/alerts', () => {
  it('says what is wrong with a rule', async () => {
    const cases: Array<[unknown, string]> = [
      [{ kind: 'offline' }, 'exactly one of "email" or "webhookUrl"'],
      [{ kind: 'offline', email: 'a@example.org', webhookUrl: 'https://example.org/h' }, 'exactly one'],
      [{ kind: 'rejections', email: 'a@example.org' }, 'body field "threshold" is required'],
      [{ kind: 'stuck', afterSeconds: 60, email: 'a@example.org' }, 'only an "offline" rule'],
      [{ kind: 'offline', email: 'a@example.org\r\nBcc: victim@example.org' }, 'body field "email"'],
      [{ kind: 'offline', email: 'not an address' }, 'body field "email"'],
      [{ kind: 'pm25', email: 'a@example.org' }, 'body field "kind"'],
      [{ kind: 'offline', afterSeconds: 0, email: 'a@example.org' }, 'body field "afterSeconds"'],
      [{ kind: 'offline', email: 'a@example.org', extra: 1 }, 'unknown body field "extra"'],
    ];
    for (const [body, message] of cases) {
      const res = await mine(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await json<Problem>(res)).error.message).toContain(message);
    }
  });

  it('creates, lists and deletes my rules, and never another device’s', async () => {
    const res = await mine({ kind: 'offline', afterSeconds: 7200, email: 'moi@example.org' });
    expect(res.status).toBe(201);
    const rule = await json<{ id: string; confirmed: boolean; windowSeconds: number }>(res);
    expect(rule).toMatchObject({ confirmed: false, windowSeconds: 7200 });
    // The confirmation waits in the outbox: the only notice an unconfirmed address gets.
    const queued = await f.db
      .selectFrom('alert_deliveries')
      .select(['event', 'channel'])
      .where('rule_id', '=', rule.id)
      .execute();
    expect(queued).toEqual([{ event: 'confirm', channel: 'email' }]);

    const theirs = await f.app.request(`/api/v1/my/theirs/alerts/${rule.id}`, {
      method: 'DELETE',
      headers: { Authorization: basic('theirs', tokens.theirs!) },
    });
    expect(theirs.status).toBe(404);
    const spoofed = await f.app.request('/api/v1/my/theirs/alerts', {
      headers: { Authorization: basic('mine', tokens.mine!) },
    });
    expect(spoofed.status).toBe(401);
    const list = await f.app.request('/api/v1/my/mine/alerts', {
      headers: { Authorization: basic('mine', tokens.mine!) },
    });
    expect((await json<{ rules: Array<{ id: string }> }>(list)).rules.map((r) => r.id)).toEqual([rule.id]);
    const gone = await f.app.request(`/api/v1/my/mine/alerts/${rule.id}`, {
      method: 'DELETE',
      headers: { Authorization: basic('mine', tokens.mine!) },
    });
    expect(gone.status).toBe(204);
    expect(
      await f.db.selectFrom('alert_deliveries').selectAll().where('rule_id', '=', rule.id).execute(),
    ).toEqual([]);
  });

  it('refuses e-mail on a server without SMTP', async () => {
    tokens.quiet = (await citizen(noMail.db, { id: 'quiet', lat: 43.3, lon: 5.4 })).token;
    const res = await mine({ kind: 'offline', email: 'a@example.org' }, noMail.app, 'quiet');
    expect(res.status).toBe(503);
    expect((await json<Problem>(res)).error.message).toContain('SOUFFLE_SMTP_URL');
  });
});

describe('POST /api/v1/alerts', () => {
  it('subscribes to a commune index and a station, and says what is missing', async () => {
    const commune = await subscribe({
      kind: 'commune_forecast',
      commune: '13055',
      level: 4,
      email: 'ecole@example.org',
    });
    expect(commune.status).toBe(201);
    expect(await json(commune)).toMatchObject({
      kind: 'commune_forecast',
      threshold: 4,
      clearBelow: 3,
      confirmed: false,
    });
    expect(
      (await subscribe({ kind: 'commune_index', commune: '06088', level: 4, email: 'a@example.org' })).status,
    ).toBe(404);
    expect(
      (await subscribe({ kind: 'pm25', station: 'nowhere', threshold: 25, email: 'a@example.org' })).status,
    ).toBe(404);
    const bad = await subscribe({
      kind: 'pm25',
      station: 'mine',
      threshold: 25,
      clearBelow: 30,
      email: 'a@example.org',
    });
    expect(bad.status).toBe(400);
    expect((await json<Problem>(bad)).error.message).toContain('body field "clearBelow"');
  });

  it('limits subscriptions per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push(
        (await subscribe({ kind: 'pm25', station: 'mine', threshold: 25, email: `p${i}@example.org` }))
          .status,
      );
    }
    expect(statuses).toContain(429);
  });

  it('answers unknown confirmation and unsubscribe tokens with 404 pages', async () => {
    for (const what of ['confirm', 'unsubscribe']) {
      const res = await f.app.request(`/api/v1/alerts/${what}?token=${'x'.repeat(32)}`, { method: 'POST' });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('text/html');
    }
  });
});

describe('GET /api/v1/alerts (admin)', () => {
  it('lists every rule for the admin only', async () => {
    expect((await f.app.request('/api/v1/alerts')).status).toBe(401);
    const res = await f.app.request('/api/v1/alerts', {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const { rules } = await json<{ rules: Array<{ kind: string; target: string }> }>(res);
    expect(rules.map((r) => r.kind)).toContain('commune_forecast');
  });
});
