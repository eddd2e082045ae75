// The HTTP ingest paths (airrohr push, openSenseMap post) through a Mosquitto configured as
// `souffle mosquitto-config` writes it: its ACL must let the API's service user forward both, or
// Mosquitto would acknowledge and drop them without a word.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import type { ApiApp } from '../../api/app-deps.js';
import { createMqttPublisher, type MqttPublisher } from '../../api/mqtt-publisher.js';
import { createDevice } from '../../data/store/devices.js';
import { IngestWorker } from '../../ingest/worker.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { airrohrBody, airrohrHeaders } from '../ingest/firmware-requests.js';
import {
  SERVICE,
  startGeneratedMosquitto,
  storedValues,
  waitFor,
  workerLogin,
  type GeneratedMosquitto,
} from '../ingest/ingest-helpers.js';
import { ADMIN_TOKEN } from './fixtures.js';

describe('HTTP ingest through the generated Mosquitto', () => {
  let db: TempDb;
  let broker: GeneratedMosquitto;
  let worker: IngestWorker;
  let publisher: MqttPublisher;
  let app: ApiApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    db = await tempDb();
    tokens.kit = (
      await createDevice(db.db, { id: 'kit', name: 'kit', lat: 43.3, lon: 5.4, format: 'airrohr' })
    ).token;
    tokens.box = (await createDevice(db.db, { id: 'box', name: 'box', lat: 43.3, lon: 5.4 })).token;
    broker = await startGeneratedMosquitto(db.db);
    worker = new IngestWorker({ db: db.db, mqttUrl: broker.url, ...workerLogin('souffle-ingest') });
    await worker.start();
    // The API's service user: its client id is its user name on the generated Mosquitto.
    publisher = createMqttPublisher({ url: broker.url, ...SERVICE, clientId: SERVICE.username });
    await waitFor(async () => publisher.connected());
    app = createApp({
      db: db.db,
      adminToken: ADMIN_TOKEN,
      publicUrl: 'http://localhost',
      mqttUrl: broker.url,
      publish: publisher.publish,
      brokerConnected: publisher.connected,
    });
  });

  afterAll(async () => {
    await publisher?.close();
    await worker?.stop();
    await broker?.cleanup();
    await db?.cleanup();
  });

  it('stores an airrohr push and an openSenseMap post forwarded by the API', async () => {
    const kit = {
      chipId: '1',
      mac: 'a4cf12000002',
      softwareVersion: 'NRZ-2024-135',
      user: 'kit',
      password: tokens.kit!,
    };
    const push = await app.request('/api/v1/push/airrohr', {
      method: 'POST',
      headers: airrohrHeaders(kit),
      body: airrohrBody(kit, [['SDS_P2', 6.5]]),
    });
    expect(push.status).toBe(200);
    const post = await app.request('/opensensemap/boxes/box/data', {
      method: 'POST',
      headers: { Authorization: tokens.box!, 'Content-Type': 'text/csv' },
      body: 'pm10,11\n',
    });
    expect(post.status).toBe(201);
    await waitFor(async () => (await storedValues(db.db, 'kit')).length === 1);
    await waitFor(async () => (await storedValues(db.db, 'box')).length === 1);
    expect(await db.db.selectFrom('push_outbox').selectAll().execute()).toEqual([]);
  });
});
