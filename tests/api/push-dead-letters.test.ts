// The push outbox never retries forever and never drops silently (issue 15): a push whose device
// is deleted before it is forwarded, and one the broker keeps refusing (here a real embedded
// broker that closes the connection on a packet over its size limit), become dead letters with
// their reason, listed for the administrator, counted in /metrics, and sent back or discarded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import type { ApiApp } from '../../api/app-deps.js';
import { createMqttPublisher, type MqttPublisher } from '../../api/mqtt-publisher.js';
import { createPushOutbox, type PushOutbox } from '../../api/push-outbox.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../ingest/embedded-broker.js';
import { airrohrTopic } from '../../data/topics.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { SERVICE, waitFor } from '../ingest/ingest-helpers.js';
import { ADMIN_TOKEN, citizen } from './fixtures.js';

type Letters = {
  deadLetters: { id: number; device: string; reason: string; attempts: number }[];
  count: number;
};
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe('dead letters of the push outbox', () => {
  let db: TempDb;
  let broker: EmbeddedBroker;
  let publisher: MqttPublisher;
  let outbox: PushOutbox;
  let app: ApiApp;
  const received: string[] = [];
  const letters = async () =>
    (await (await app.request('/api/v1/push-outbox/dead-letters', { headers: admin })).json()) as Letters;
  const metric = async () =>
    /souffle_api_push_outbox_dead_letters (\d+)/.exec(await (await app.request('/metrics')).text())?.[1];

  beforeAll(async () => {
    db = await tempDb();
    await citizen(db.db, { id: 'kit', lat: 43.3, lon: 5.4, format: 'airrohr' });
    await citizen(db.db, { id: 'gone', lat: 43.3, lon: 5.4, format: 'airrohr' });
    broker = await startEmbeddedBroker({
      db: db.db,
      port: 0,
      host: '127.0.0.1',
      serviceCredentials: SERVICE,
      maxPacketSize: 4096,
      ingest: { handOff: async (topic: string) => void received.push(topic), countRateLimited: () => {} },
    });
    publisher = createMqttPublisher({
      url: `mqtt://127.0.0.1:${broker.port}`,
      ...SERVICE,
      clientId: 'souffle-api-dead',
      reconnectPeriodMs: 50,
    });
    await waitFor(() => publisher.connected());
    outbox = createPushOutbox({
      db: db.db,
      publish: publisher.publish,
      connected: publisher.connected,
      publishTimeoutMs: 5000,
      retryMs: 100,
      maxAttempts: 3,
    });
    app = createApp({
      db: db.db,
      adminToken: ADMIN_TOKEN,
      publicUrl: 'http://localhost',
      mqttUrl: 'mqtt://x',
      pushOutbox: outbox,
    });
  });

  afterAll(async () => {
    outbox?.close();
    await publisher?.close();
    await broker?.close();
    await db?.cleanup();
  });

  it('keeps the push of a device deleted before it was forwarded, with why, and cannot retry it', async () => {
    // Not yet forwarded: the row is written as enqueue writes it, the outbox not told.
    await db.db
      .insertInto('push_outbox')
      .values({
        device_id: 'gone',
        topic: airrohrTopic('gone'),
        payload: '{"sensordatavalues":[]}',
        received_at: 1,
      })
      .execute();
    expect((await app.request('/api/v1/devices/gone', { method: 'DELETE', headers: admin })).status).toBe(
      204,
    );
    const { deadLetters } = await letters();
    expect(deadLetters).toMatchObject([{ device: 'gone', attempts: 0 }]);
    expect(deadLetters[0]!.reason).toBe('device "gone" was deleted before this push was forwarded');
    expect(await metric()).toBe('1');
    const id = deadLetters[0]!.id;
    // The same list from the command line.
    const cli = await runCli(['outbox', 'dead-letters', '--json'], db.env);
    expect(JSON.parse(cli.stdout)).toMatchObject({ count: 1, deadLetters: [{ id, device: 'gone' }] });
    expect(
      (await app.request(`/api/v1/push-outbox/dead-letters/${id}/retry`, { method: 'POST', headers: admin }))
        .status,
    ).toBe(409);
    expect(
      (await app.request(`/api/v1/push-outbox/dead-letters/${id}`, { method: 'DELETE', headers: admin }))
        .status,
    ).toBe(204);
    expect(await metric()).toBe('0');
  });

  it('gives up on a push the broker refuses, after the attempts allowed, and forwards the ones behind it', async () => {
    const topic = airrohrTopic('kit');
    const tooLarge = JSON.stringify({
      sensordatavalues: [{ value_type: 'SDS_P1', value: 'x'.repeat(8000) }],
    });
    await outbox.enqueue({ deviceId: 'kit', topic, payload: tooLarge, receivedAt: 1 });
    await outbox.enqueue({ deviceId: 'kit', topic, payload: '{"sensordatavalues":[]}', receivedAt: 2 });
    const { deadLetters } = await waitFor(async () => {
      const l = await letters();
      return l.count === 1 ? l : undefined;
    });
    expect(deadLetters[0]).toMatchObject({ device: 'kit', attempts: 3 });
    expect(deadLetters[0]!.reason).toBe(
      'the broker did not accept it in 3 attempts; last error: the broker closed the connection before acknowledging it',
    );
    await waitFor(async () => (await outbox.pending()) === 0 && received.length === 1);
    expect(await metric()).toBe('1');
    // Sent back, it is tried again from the first attempt (and refused again: still too large).
    const id = deadLetters[0]!.id;
    expect(
      (await app.request(`/api/v1/push-outbox/dead-letters/${id}/retry`, { method: 'POST', headers: admin }))
        .status,
    ).toBe(204);
    const again = await waitFor(async () => {
      const l = await letters();
      return l.count === 1 && l.deadLetters[0]!.id !== id ? l : undefined;
    });
    expect(again.deadLetters[0]!.attempts).toBe(3);
    expect(
      (await app.request('/api/v1/push-outbox/dead-letters/99999', { method: 'DELETE', headers: admin }))
        .status,
    ).toBe(404);
    expect((await app.request('/api/v1/push-outbox/dead-letters')).status).toBe(401);
  });
});
