// Home Assistant MQTT discovery (issue 16), on a real Mosquitto standing for the broker Home
// Assistant listens to: a reference station opted in by the administrator and a citizen sensor
// opted in by its owner are announced with retained configs that follow Home Assistant's
// documented discovery schema, their states follow the stored readings, and opting out removes
// the entities (an empty retained config).
//
// The schema checked, from Home Assistant's documentation: MQTT discovery
// (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery): topic
// `<discovery_prefix>/<component>/[<node_id>/]<object_id>/config`, ids of [a-zA-Z0-9_-], a
// retained JSON config, an empty retained payload deletes; the MQTT sensor
// (https://www.home-assistant.io/integrations/sensor.mqtt/): `state_topic` required,
// `unique_id`, `availability_topic`, `device` with `identifiers` or `connections`, `state_class`
// one of measurement, total, total_increasing; sensor device classes and their units
// (https://www.home-assistant.io/integrations/sensor/#device-class).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import type { ApiApp } from '../../api/app-deps.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../ingest/embedded-broker.js';
import { HomeAssistantPublisher } from '../../ingest/home-assistant-publisher.js';
import { IngestWorker } from '../../ingest/worker.js';
import { startMosquitto, type Mosquitto } from '../../testing/mosquitto.js';
import { ADMIN_TOKEN, citizen, readings, reference } from '../api/fixtures.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { connectAs, SERVICE, waitFor } from './ingest-helpers.js';

/** Sensor device classes with the units Home Assistant accepts for them (the subset Souffle uses). */
const HA_UNITS: Record<string, readonly string[]> = {
  pm1: ['µg/m³'],
  pm25: ['µg/m³'],
  pm10: ['µg/m³'],
  nitrogen_dioxide: ['µg/m³'],
  ozone: ['µg/m³'],
  sulphur_dioxide: ['µg/m³'],
  carbon_dioxide: ['ppm'],
  temperature: ['°C', '°F', 'K'],
  humidity: ['%'],
  atmospheric_pressure: ['cbar', 'bar', 'hPa', 'mmHg', 'inHg', 'kPa', 'mbar', 'Pa', 'psi'],
  aqi: [],
};
const ID = /^[a-zA-Z0-9_-]+$/;

function schemaProblems(topic: string, payload: string): string[] {
  const problems: string[] = [];
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== 'homeassistant' || parts[1] !== 'sensor' || parts[3] !== 'config')
    problems.push(`topic ${topic} is not homeassistant/sensor/<object_id>/config`);
  if (!ID.test(parts[2] ?? '')) problems.push(`object id ${parts[2]} has characters outside [a-zA-Z0-9_-]`);
  const c = JSON.parse(payload) as Record<string, unknown>;
  if (typeof c.state_topic !== 'string' || c.state_topic.includes('#') || c.state_topic.includes('+'))
    problems.push('state_topic must be a topic');
  if (typeof c.unique_id !== 'string' || !c.unique_id) problems.push('unique_id must be a string');
  if (typeof c.availability_topic !== 'string') problems.push('availability_topic must be a topic');
  if (!['measurement', 'total', 'total_increasing'].includes(String(c.state_class)))
    problems.push(`state_class ${String(c.state_class)}`);
  const units = HA_UNITS[String(c.device_class)];
  if (!units) problems.push(`device_class ${String(c.device_class)} is not a sensor device class`);
  else if (units.length > 0 && !units.includes(String(c.unit_of_measurement)))
    problems.push(`unit ${String(c.unit_of_measurement)} is not one of ${c.device_class}'s`);
  const device = c.device as { identifiers?: unknown; name?: unknown } | undefined;
  if (!device || !Array.isArray(device.identifiers) || device.identifiers.length === 0)
    problems.push('device.identifiers must be a non-empty list');
  return problems;
}

/** The retained messages under `filters` now: what Home Assistant receives when it connects. */
async function retained(url: string, filters: string[]): Promise<Map<string, string>> {
  const client = await connectAs(url, { clientId: `ha-${Math.random().toString(16).slice(2, 8)}` });
  const seen = new Map<string, string>();
  client.on('message', (topic, payload, packet) => {
    if (packet.retain) seen.set(topic, payload.toString());
  });
  await client.subscribeAsync(filters, { qos: 1 });
  await new Promise((r) => setTimeout(r, 300));
  await client.endAsync();
  return seen;
}

describe('Home Assistant discovery', () => {
  let db: TempDb;
  let ha: Mosquitto;
  let broker: EmbeddedBroker;
  let worker: IngestWorker;
  let publisher: HomeAssistantPublisher;
  let app: ApiApp;
  let token = '';
  const admin = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };

  beforeAll(async () => {
    db = await tempDb();
    ha = await startMosquitto();
    token = (await citizen(db.db, { id: 'balcon', lat: 43.3, lon: 5.4, name: 'Balcon Chave' })).token;
    await reference(db.db, { id: 'atmosud-FR02004', lat: 43.3, lon: 5.39, name: 'Marseille Longchamp' });
    const now = Date.now();
    for (const [phenomenon, value] of [
      ['pm25', 9.5],
      ['no2', 31],
      ['o3', 64],
    ] as const)
      await readings(db.db, 'atmosud-FR02004', phenomenon, [{ t: now - 3_600_000, value }], {
        sensor: 'reference',
      });
    app = createApp({
      db: db.db,
      adminToken: ADMIN_TOKEN,
      publicUrl: 'https://souffle.example.org',
      mqttUrl: 'mqtt://x',
    });
    publisher = new HomeAssistantPublisher({
      db: db.db,
      url: ha.url,
      publicUrl: 'https://souffle.example.org',
      syncMs: 3_600_000,
    });
    worker = new IngestWorker({ db: db.db, onCommitted: (batch) => publisher.onStored(batch) });
    await worker.start();
    broker = await startEmbeddedBroker({
      db: db.db,
      port: 0,
      host: '127.0.0.1',
      serviceCredentials: SERVICE,
      ingest: worker,
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await broker?.close();
    await publisher?.stop();
    await ha?.cleanup();
    await db?.cleanup();
  });

  it('announces opted-in stations with configs that follow the documented schema, and their states', async () => {
    const put = await app.request('/api/v1/stations/atmosud-FR02004/home-assistant', {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ enabled: true }),
    });
    expect(put.status).toBe(200);
    // The owner publishes one reading, then opts in from /my.
    const device = await connectAs(`mqtt://127.0.0.1:${broker.port}`, {
      clientId: 'balcon',
      username: 'balcon',
      password: token,
    });
    await device.publishAsync(
      'souffle/v1/balcon/readings',
      JSON.stringify({ values: { pm25: 12.5, temperature: 21 } }),
      { qos: 1 },
    );
    await device.endAsync();
    const patch = await app.request('/api/v1/my/balcon', {
      method: 'PATCH',
      headers: {
        Authorization: `Basic ${Buffer.from(`balcon:${token}`).toString('base64')}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ homeAssistant: true }),
    });
    expect(patch.status).toBe(200);
    expect(((await patch.json()) as { homeAssistant: boolean }).homeAssistant).toBe(true);

    await publisher.start();
    const seen = await waitFor(async () => {
      const r = await retained(ha.url, ['homeassistant/#', 'souffle/ha/#']);
      return r.size >= 11 ? r : undefined;
    });
    const configs = [...seen].filter(([t]) => t.startsWith('homeassistant/'));
    expect(configs.map(([t]) => t).sort()).toEqual([
      'homeassistant/sensor/atmosud-FR02004_no2/config',
      'homeassistant/sensor/atmosud-FR02004_o3/config',
      'homeassistant/sensor/atmosud-FR02004_pm25/config',
      'homeassistant/sensor/balcon_pm25/config',
      'homeassistant/sensor/balcon_temperature/config',
    ]);
    for (const [topic, payload] of configs) expect(schemaProblems(topic, payload), topic).toEqual([]);
    const no2 = JSON.parse(seen.get('homeassistant/sensor/atmosud-FR02004_no2/config')!) as Record<
      string,
      unknown
    >;
    expect(no2).toMatchObject({
      device_class: 'nitrogen_dioxide',
      unit_of_measurement: 'µg/m³',
      state_class: 'measurement',
      state_topic: 'souffle/ha/atmosud-FR02004/no2',
      availability_topic: 'souffle/ha/availability',
      device: { identifiers: ['souffle_atmosud-FR02004'], name: 'Marseille Longchamp' },
    });
    expect(seen.get('souffle/ha/availability')).toBe('online');
    expect(seen.get('souffle/ha/atmosud-FR02004/no2')).toBe('31');
    expect(seen.get('souffle/ha/balcon/pm25')).toBe('12.5');

    // A reading stored now reaches Home Assistant's state topic after its commit.
    const again = await connectAs(`mqtt://127.0.0.1:${broker.port}`, {
      clientId: 'balcon',
      username: 'balcon',
      password: token,
    });
    await again.publishAsync('souffle/v1/balcon/readings', JSON.stringify({ values: { pm25: 17.25 } }), {
      qos: 1,
    });
    await again.endAsync();
    await waitFor(
      async () =>
        (await retained(ha.url, ['souffle/ha/balcon/pm25'])).get('souffle/ha/balcon/pm25') === '17.25',
    );
  });

  it('removes the entities of a station opted out', async () => {
    const patch = await app.request('/api/v1/my/balcon', {
      method: 'PATCH',
      headers: {
        Authorization: `Basic ${Buffer.from(`balcon:${token}`).toString('base64')}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ homeAssistant: false }),
    });
    expect(((await patch.json()) as { homeAssistant: boolean }).homeAssistant).toBe(false);
    await publisher.sync();
    const seen = await retained(ha.url, ['homeassistant/#']);
    expect([...seen.keys()].sort()).toEqual([
      'homeassistant/sensor/atmosud-FR02004_no2/config',
      'homeassistant/sensor/atmosud-FR02004_o3/config',
      'homeassistant/sensor/atmosud-FR02004_pm25/config',
    ]);
    const row = await db.db
      .selectFrom('stations')
      .select('ha_discovery')
      .where('id', '=', 'balcon')
      .executeTakeFirstOrThrow();
    expect(row.ha_discovery).toBe(0);
  });
});
