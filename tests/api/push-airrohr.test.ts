// The airrohr push through a real server to a real Mosquitto, with an mqtt.js subscriber standing
// in for the ingest worker.
import mqtt from 'mqtt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createMqttPublisher, type MqttPublisher } from '../../api/mqtt-publisher.js';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { startMosquitto, type Mosquitto } from '../../testing/mosquitto.js';
import { ADMIN_TOKEN, citizen, json, NOW } from './fixtures.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';

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
    subscriber = await mqtt.connectAsync(broker.url, { clientId: 'ingest-standin' });
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

  it('forwards the body byte for byte to souffle/v1/<id>/airrohr and answers 200 once acknowledged', async () => {
    const res = await push('kit');
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ok: true, topic: 'souffle/v1/kit/airrohr' });
    await waitFor(() => received.length > 0, 'the forwarded message');
    expect(received[0]!.topic).toBe('souffle/v1/kit/airrohr');
    expect(received[0]!.payload.toString('utf8')).toBe(BODY);
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

  it('answers 503 while the broker is down, and 200 again once it is back', async () => {
    await broker.stop();
    await waitFor(() => !publisher.connected(), 'the publisher to notice');
    const down = await push('kit', { token: tokens['kit'] });
    expect(down.status).toBe(503);
    expect((await json<{ error: { code: string } }>(down)).error.code).toBe('broker_unavailable');
    expect(down.headers.get('retry-after')).toBeTruthy();
    await broker.restart();
    await waitFor(publisher.connected, 'the publisher to reconnect');
    expect((await push('kit')).status).toBe(200);
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
