// The airrohr push through a real server to a real Mosquitto, with an mqtt.js subscriber standing
// in for the ingest worker. The kit never retries (airrohr-firmware.ino, sendData): the push is
// decoded at once (422 when nothing is storable) and an accepted push survives a broker outage.
import mqtt from 'mqtt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createMqttPublisher, type MqttPublisher } from '../../api/mqtt-publisher.js';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { startMosquitto, type Mosquitto } from '../../testing/mosquitto.js';
import { ADMIN_TOKEN, citizen, json, NOW } from './fixtures.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { airrohrBody, airrohrHeaders } from '../ingest/firmware-requests.js';

const BODY = JSON.stringify({
  esp8266id: '1234567',
  software_version: 'NRZ-2024-135',
  sensordatavalues: [
    { value_type: 'SDS_P1', value: '15.3' },
    { value_type: 'SDS_P2', value: '8.1' },
    { value_type: 'BME280_temperature', value: '-2.4' },
  ],
});

let broker: Mosquitto;
let publisher: MqttPublisher;
let subscriber: mqtt.MqttClient;
let handle: TempDb;
let server: ApiServer;
let base = '';
const tokens: Record<string, string> = {};
const received: { topic: string; payload: Buffer }[] = [];
/** The app's clock: each test starts a minute later, with every device's rate limit refilled. */
let clock = NOW;

const push = (id: string, init: { body?: string; headers?: Record<string, string>; token?: string } = {}) =>
  fetch(`${base}/api/v1/push/airrohr`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${id}:${init.token ?? tokens[id]}`).toString('base64')}`,
      'Content-Type': 'application/json',
      'X-Sensor': 'esp8266-1234567',
      ...init.headers,
    },
    body: init.body ?? BODY,
  });

const waitFor = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('POST /api/v1/push/airrohr', () => {
  beforeAll(async () => {
    broker = await startMosquitto();
    handle = await tempDb();
    tokens['kit'] = (await citizen(handle.db, { id: 'kit', lat: 43.3, lon: 5.4, format: 'airrohr' })).token;
    tokens['busy'] = (await citizen(handle.db, { id: 'busy', lat: 43.3, lon: 5.4, format: 'airrohr' })).token;
    tokens['native'] = (await citizen(handle.db, { id: 'native', lat: 43.3, lon: 5.4 })).token;
    publisher = createMqttPublisher({
      url: broker.url,
      clientId: 'souffle-api-test',
      reconnectPeriodMs: 200,
    });
    subscriber = await mqtt.connectAsync(broker.url, { clientId: 'ingest-standin', clean: false });
    subscriber.on('message', (topic, payload) => received.push({ topic, payload }));
    await subscriber.subscribeAsync('souffle/v1/+/airrohr', { qos: 1 });
    await waitFor(publisher.connected, 'the publisher to connect');
    const app = createApp({
      db: handle.db,
      adminToken: ADMIN_TOKEN,
      publicUrl: 'http://localhost',
      mqttUrl: broker.url,
      publish: publisher.publish,
      brokerConnected: publisher.connected,
      rateLimit: { pushPerMinute: 3 },
      publishTimeoutMs: 2000,
      now: () => clock,
    });
    server = await startApiServer({ app, port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
  });

  beforeEach(() => {
    clock += 60_000;
  });

  afterAll(async () => {
    await server?.close();
    await subscriber?.endAsync();
    await publisher?.close();
    await broker?.cleanup();
    await handle?.cleanup();
  });

  it('answers 200 with what will be stored, and forwards the body with its acceptance time', async () => {
    const res = await push('kit');
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      ok: true,
      topic: 'souffle/v1/kit/airrohr',
      values: 3,
      rejected: [],
      ignored: [],
    });
    await waitFor(() => received.length > 0, 'the forwarded message');
    expect(received[0]!.topic).toBe('souffle/v1/kit/airrohr');
    expect(JSON.parse(received[0]!.payload.toString('utf8'))).toEqual({
      ...JSON.parse(BODY),
      souffle_received_at: clock,
    });
  });

  it('takes a request exactly as the firmware sends it (headers, body, Basic auth)', async () => {
    const kit = { chipId: '1234567', mac: 'a4cf12d3e4f5', softwareVersion: 'NRZ-2024-135', user: 'kit' };
    const body = airrohrBody(kit, [
      ['IPS_P0', 2.5],
      ['IPS_P1', 8.25],
      ['IPS_P2', 5],
      ['samples', '612345'],
      ['signal', '-61'],
    ]);
    const res = await fetch(`${base}/api/v1/push/airrohr`, {
      method: 'POST',
      headers: airrohrHeaders({ ...kit, password: tokens['kit']! }),
      body,
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ values: 3, rejected: [], ignored: [] });
  });

  it('answers 422 with the reasons when nothing in the body can be stored, and forwards nothing', async () => {
    const before = received.length;
    const unknown = await push('kit', {
      body: JSON.stringify({ sensordatavalues: [{ value_type: 'XYZ_P1', value: '3' }] }),
    });
    expect(unknown.status).toBe(422);
    expect((await json<{ error: { code: string; message: string } }>(unknown)).error).toEqual({
      code: 'nothing_storable',
      message:
        'nothing in this push can be stored: payload has no measurement this platform stores (PM, temperature, humidity, …) (it sent XYZ_P1); not stored: XYZ_P1',
    });
    const bad = await push('kit', {
      body: JSON.stringify({ sensordatavalues: [{ value_type: 'SDS_P1', value: 'nan' }] }),
    });
    expect(bad.status).toBe(422);
    expect((await json<{ error: { message: string } }>(bad)).error.message).toBe(
      'nothing in this push can be stored: SDS_P1: value "nan" is not a finite number',
    );
    // A partly good body is accepted, naming what is rejected.
    const partly = await push('kit', {
      body: JSON.stringify({
        sensordatavalues: [
          { value_type: 'SDS_P1', value: 'nan' },
          { value_type: 'SDS_P2', value: '4.1' },
        ],
      }),
    });
    expect(partly.status).toBe(200);
    expect(await json(partly)).toMatchObject({
      values: 1,
      rejected: ['SDS_P1: value "nan" is not a finite number'],
    });
    await waitFor(() => received.length === before + 1, 'the partly good push');
  });

  it('answers 401 for a wrong token or no credentials', async () => {
    expect((await push('kit', { token: 'wrong' })).status).toBe(401);
    const none = await fetch(`${base}/api/v1/push/airrohr`, {
      method: 'POST',
      headers: { 'X-Sensor': 'esp8266-1' },
      body: BODY,
    });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Basic');
  });

  it('answers 403 for a device registered with another format', async () => {
    const res = await push('native');
    expect(res.status).toBe(403);
    expect((await json<{ error: { message: string } }>(res)).error.message).toContain('native format');
  });

  it('answers 400 without X-Sensor or with a body that is not a JSON object', async () => {
    const noSensor = await push('kit', { headers: { 'X-Sensor': '' } });
    expect(noSensor.status).toBe(400);
    expect((await json<{ error: { message: string } }>(noSensor)).error.message).toContain('"X-Sensor"');
    expect((await push('kit', { body: '{"sensordatavalues": [' })).status).toBe(400);
    expect((await push('kit', { body: '[1, 2]' })).status).toBe(400);
  });

  it('answers 413 for a body over 64 KiB', async () => {
    const res = await push('kit', { body: JSON.stringify({ pad: 'x'.repeat(70_000) }) });
    expect(res.status).toBe(413);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe('payload_too_large');
  });

  it('answers 429 with Retry-After when one device pushes too often', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await push('busy')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const res = await push('busy');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await push('kit')).status).not.toBe(429); // the limit is per device
  });

  it('answers 200 while the broker is down, keeps the push in the outbox, and forwards it once back', async () => {
    // Earlier pushes forwarded, so that what waits below is this test's.
    for (let i = 0; i < 200; i++) {
      if ((await handle.db.selectFrom('push_outbox').select('id').execute()).length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const before = received.length;
    await broker.stop();
    await waitFor(() => !publisher.connected(), 'the publisher to notice');
    const accepted = clock;
    const down = await push('kit');
    expect(down.status).toBe(200);
    const waiting = await handle.db.selectFrom('push_outbox').select(['device_id', 'received_at']).execute();
    expect(waiting).toEqual([{ device_id: 'kit', received_at: accepted }]);
    await broker.restart();
    await waitFor(publisher.connected, 'the publisher to reconnect');
    // The outbox retries on its own (every 5 s); a new push also drains it, oldest first.
    clock += 60_000;
    expect((await push('kit')).status).toBe(200);
    await waitFor(() => received.length >= before + 2, 'the kept push and the new one');
    const times = received
      .slice(before)
      .map((m) => JSON.parse(m.payload.toString('utf8')).souffle_received_at);
    expect(times).toEqual([accepted, clock]);
    expect(await handle.db.selectFrom('push_outbox').selectAll().execute()).toEqual([]);
  });
});

describe('POST /api/v1/push/airrohr without a broker', () => {
  it('answers 503 rather than accepting what it cannot forward', async () => {
    const db = await tempDb();
    try {
      const { token } = await citizen(db.db, { id: 'kit', lat: 43.3, lon: 5.4, format: 'airrohr' });
      const app = createApp({
        db: db.db,
        adminToken: ADMIN_TOKEN,
        publicUrl: 'http://localhost',
        mqttUrl: 'mqtt://localhost',
      });
      const res = await app.request('/api/v1/push/airrohr', {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`kit:${token}`).toString('base64')}`,
          'X-Sensor': 'esp8266-1',
        },
        body: BODY,
      });
      expect(res.status).toBe(503);
    } finally {
      await db.cleanup();
    }
  });
});
