// The Things Network v3 uplink webhook end to end: TTN's uplink JSON (the shape its webhook
// sends: end_device_ids, received_at, uplink_message.decoded_payload) through the API's outbox,
// the embedded broker and the worker, into the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiApp } from '../../api/app-deps.js';
import { createDevice } from '../../data/store/devices.js';
import { startPushPipeline, type PushPipeline } from '../helpers/push-pipeline.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { storedValues, waitFor } from '../ingest/ingest-helpers.js';

const SECRET = 'ttn-webhook-secret-0123456789';

/** An uplink as TTN's webhook posts it (fields Souffle does not read abridged). */
const uplink = (
  deviceId: string,
  receivedAt: string,
  decoded?: Record<string, unknown>,
  app = 'ecoles-lora',
) => ({
  end_device_ids: {
    device_id: deviceId,
    application_ids: { application_id: app },
    dev_eui: '70B3D57ED0051234',
  },
  correlation_ids: ['as:up:01HX'],
  received_at: receivedAt,
  uplink_message: {
    f_port: 1,
    frm_payload: 'AQIDBA==',
    ...(decoded ? { decoded_payload: decoded } : {}),
    rx_metadata: [{ gateway_ids: { gateway_id: 'gw-lycee' }, rssi: -97, snr: 7.5 }],
  },
});

describe('TTN uplink webhook', () => {
  let db: TempDb;
  let pipeline: PushPipeline;
  let app: ApiApp;
  const minutesAgo = (m: number) =>
    new Date(Math.floor(Date.now() / 60_000) * 60_000 - m * 60_000).toISOString();
  const post = (body: unknown, secret = SECRET) =>
    app.request('/api/v1/ttn/uplink', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Souffle-TTN-Secret': secret },
      body: JSON.stringify(body),
    });
  const message = async (res: Response) =>
    ((await res.json()) as { error: { message: string } }).error.message;

  beforeAll(async () => {
    db = await tempDb();
    await createDevice(db.db, { id: 'lycee-lora', name: 'Lycée', lat: 43.3, lon: 5.4 });
    await createDevice(db.db, { id: 'kit', name: 'kit', lat: 43.3, lon: 5.4, format: 'airrohr' });
    pipeline = await startPushPipeline(db.db, 'souffle-api-ttn', { ttnSecrets: { 'ecoles-lora': SECRET } });
    app = pipeline.app;
  });

  afterAll(async () => {
    await pipeline?.close();
    await db?.cleanup();
  });

  it("stores the decoded payload's phenomena at received_at and names the other fields", async () => {
    const t = minutesAgo(5);
    const res = await post(uplink('lycee-lora', t, { pm25: 8.2, pm10: 13, temperature: 9.5, battery: 3.6 }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, values: 3, rejected: [], ignored: ['battery'] });
    const rows = await waitFor(async () => {
      const r = await storedValues(db.db, 'lycee-lora');
      return r.length === 3 ? r : null;
    });
    expect(rows.every((r) => r.time === Date.parse(t))).toBe(true);
    expect(Object.fromEntries(rows.map((r) => [r.phenomenon, r.value]))).toEqual({
      pm25: 8.2,
      pm10: 13,
      temperature: 9.5,
    });
  });

  it('refuses a wrong secret or an unknown application', async () => {
    expect(
      (await post(uplink('lycee-lora', minutesAgo(4), { pm25: 1 }), 'wrong-secret-0123456789')).status,
    ).toBe(401);
    const other = await post(uplink('lycee-lora', minutesAgo(4), { pm25: 1 }, 'autre-app'));
    expect(other.status).toBe(401);
    expect(await message(other)).toBe('unknown TTN application "autre-app" or wrong X-Souffle-TTN-Secret');
  });

  it('explains an uplink without decoded payload, with nothing storable, or from an unknown device', async () => {
    const raw = await post(uplink('lycee-lora', minutesAgo(3)));
    expect(raw.status).toBe(422);
    expect(await message(raw)).toBe(
      'the uplink has no decoded_payload: set a payload formatter for the device or application in the TTN console',
    );
    const nothing = await post(uplink('lycee-lora', minutesAgo(3), { pm2_5: 4 }));
    expect(nothing.status).toBe(422);
    expect(await message(nothing)).toBe(
      'nothing in this uplink can be stored: reading has no values; fields that are not phenomenon codes: pm2_5',
    );
    expect((await post(uplink('inconnu', minutesAgo(3), { pm25: 1 }))).status).toBe(404);
    expect((await post(uplink('kit', minutesAgo(3), { pm25: 1 }))).status).toBe(403);
    expect((await post({ hello: 'world' })).status).toBe(400);
  });
});
