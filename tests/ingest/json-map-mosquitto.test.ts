// Tasmota and ESPHome devices on the generated Mosquitto, end to end (issue 15): registered with a
// mapping through the admin API, publishing what their firmware publishes on the topics their
// MQTT settings give (docs/ingest.md, "JSON mapping"), stored by a real ingest worker and shown
// in the device's status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import type { ApiApp } from '../../api/app-deps.js';
import { IngestWorker } from '../../ingest/worker.js';
import { ADMIN_TOKEN } from '../api/fixtures.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import {
  esphomeState,
  esphomeStateTopic,
  tasmotaSensorPayload,
  tasmotaStatePayload,
  tasmotaTopic,
} from './firmware-requests.js';
import {
  connectAs,
  startGeneratedMosquitto,
  storedValues,
  waitFor,
  workerLogin,
  type GeneratedMosquitto,
} from './ingest-helpers.js';

describe('json-map devices on Mosquitto', () => {
  let db: TempDb;
  let broker: GeneratedMosquitto;
  let worker: IngestWorker;
  let app: ApiApp;
  const tokens: Record<string, string> = {};
  const basic = (id: string) => `Basic ${Buffer.from(`${id}:${tokens[id]}`).toString('base64')}`;

  async function register(body: object): Promise<{ id: string; token: string; topic: string }> {
    const res = await app.request('/api/v1/devices', {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const created = (await res.json()) as { id: string; token: string; topic: string };
    tokens[created.id] = created.token;
    return created;
  }

  beforeAll(async () => {
    db = await tempDb();
    app = createApp({
      db: db.db,
      adminToken: ADMIN_TOKEN,
      publicUrl: 'http://localhost',
      mqttUrl: 'mqtt://localhost',
    });
    await register({
      id: 'tasmota-college',
      name: 'Tasmota du collège',
      lat: 43.3,
      lon: 5.4,
      format: 'json-map',
      map: [
        { path: 'SDS0X1.PM2.5', phenomenon: 'pm25' },
        { path: 'SDS0X1.PM10', phenomenon: 'pm10' },
        { path: 'BME280.Temperature', phenomenon: 'temperature', unit: '°C' },
        { path: 'BME280.Pressure', phenomenon: 'pressure', unit: 'hPa' },
      ],
    });
    await register({
      id: 'esphome-balcon',
      name: 'ESPHome du balcon',
      lat: 43.29,
      lon: 5.38,
      format: 'json-map',
      map: [
        { path: 'sensor/pm_2_5/state', phenomenon: 'pm25' },
        { path: 'sensor/humidity/state', phenomenon: 'humidity' },
      ],
    });
    // Mosquitto's password file and ACL are written from the database, devices included.
    broker = await startGeneratedMosquitto(db.db);
    worker = new IngestWorker({ db: db.db, mqttUrl: broker.url, ...workerLogin('souffle-ingest') });
    await worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await broker?.cleanup();
    await db?.cleanup();
  });

  it('stores what a Tasmota publishes on tele/SENSOR and lists the rest as ignored', async () => {
    const id = 'tasmota-college';
    // Tasmota: MqttClient <id>, MqttUser <id>, MqttPassword <token>, Topic <id>,
    // FullTopic souffle/v1/%topic%/json/%prefix%/, SetOption104 1 (no retain flag: Souffle's
    // Mosquitto disconnects a client that sets it); it sends its LWT, STATE and SENSOR.
    const tasmota = await connectAs(broker.url, { clientId: id, username: id, password: tokens[id] });
    const time = '2026-12-01T11:00:00';
    await tasmota.publishAsync(tasmotaTopic(id, 'tele', 'LWT'), 'Online', { qos: 1 });
    await tasmota.publishAsync(tasmotaTopic(id, 'tele', 'STATE'), tasmotaStatePayload(time), { qos: 1 });
    const sensor = tasmotaSensorPayload(
      time,
      { pm25: 4.2, pm10: 7.9 },
      { temperature: 12.3, humidity: 45.6, dewPoint: 0.9, pressure: 1013.2 },
    );
    await tasmota.publishAsync(tasmotaTopic(id, 'tele', 'SENSOR'), sensor, { qos: 1 });
    await tasmota.endAsync();

    const rows = await waitFor(async () => {
      const r = await storedValues(db.db, id);
      return r.length === 4 ? r : undefined;
    });
    expect(Object.fromEntries(rows.map((r) => [`${r.phenomenon}@${r.sensor}`, r.value]))).toEqual({
      'pm25@SDS0X1': 4.2,
      'pm10@SDS0X1': 7.9,
      'temperature@BME280': 12.3,
      'pressure@BME280': 1013.2,
    });
    const status = await waitFor(async () => {
      const s = (await (
        await app.request(`/api/v1/devices/${id}/status`, { headers: { Authorization: basic(id) } })
      ).json()) as { ignored: string[]; errors: unknown[]; map: unknown[] };
      return s.ignored.length === 4 ? s : undefined;
    });
    expect(status.ignored).toEqual(['BME280.DewPoint', 'BME280.Humidity', 'tele/LWT', 'tele/STATE']);
    expect(status.errors).toEqual([]);
    expect(status.map).toContainEqual({ path: 'SDS0X1.PM2.5', phenomenon: 'pm25', unit: 'µg/m³' });
  });

  it('stores the state topics an ESPHome node publishes and explains a "nan"', async () => {
    const id = 'esphome-balcon';
    const prefix = `souffle/v1/${id}/json`;
    // ESPHome: mqtt: broker, username <id>, password <token>, topic_prefix souffle/v1/<id>/json,
    // discovery false, birth and will messages with retain false; its default client id is
    // "<name>-<mac>", which starts with the device id when the node is named after it.
    const node = await connectAs(broker.url, {
      clientId: `${id}-a4cf12d0e1f2`,
      username: id,
      password: tokens[id],
    });
    await node.publishAsync(`${prefix}/status`, 'online', { qos: 1 });
    await node.publishAsync(esphomeStateTopic(prefix, 'pm_2_5'), esphomeState(8.04, 1), { qos: 1 });
    await node.publishAsync(esphomeStateTopic(prefix, 'humidity'), esphomeState(NaN, 1), { qos: 1 });
    await node.publishAsync(esphomeStateTopic(prefix, 'wifi_signal'), esphomeState(-61, 0), { qos: 1 });
    await node.endAsync();

    const rows = await waitFor(async () => {
      const r = await storedValues(db.db, id);
      return r.length === 1 ? r : undefined;
    });
    expect(rows.map((r) => [r.phenomenon, r.sensor, r.value])).toEqual([['pm25', 'json', 8]]);
    const status = await waitFor(async () => {
      const s = (await (
        await app.request(`/api/v1/devices/${id}/status`, { headers: { Authorization: basic(id) } })
      ).json()) as { ignored: string[]; errors: { reason: string }[] };
      return s.ignored.length === 2 && s.errors.length === 1 ? s : undefined;
    });
    expect(status.ignored).toEqual(['sensor/wifi_signal/state', 'status']);
    expect(status.errors[0]!.reason).toContain('sensor/humidity/state: payload "nan" is not a number');
  });
});
