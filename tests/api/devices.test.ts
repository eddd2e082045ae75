import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAGS } from '../../data/flags.js';
import type { DeviceStatusResponse } from '../../data/api-types.js';
import { deviceConnection, type DeviceConnection } from '../../data/device-connection.js';
import { NAME_MESSAGE, SERIAL_MESSAGE } from '../../data/device-registration.js';
import { getDevice } from '../../data/store/devices.js';
import { recordIngestErrors } from '../../data/store/ingest-errors.js';
import { ADMIN_TOKEN, fixture, hourly, HOUR, json, NOW, readings, TODAY, type Fixture } from './fixtures.js';

let f: Fixture;
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
const basic = (id: string, token: string) => `Basic ${Buffer.from(`${id}:${token}`).toString('base64')}`;

const create = (body: unknown, headers: Record<string, string> = admin) =>
  f.app.request('/api/v1/devices', { method: 'POST', headers, body: JSON.stringify(body) });

beforeAll(async () => {
  f = await fixture();
});
afterAll(() => f.cleanup());

describe('admin: POST /api/v1/devices', () => {
  it('registers a device and answers what `souffle device add --json` prints', async () => {
    const res = await create({ name: 'École Saint-Charles', lat: 43.3046, lon: 5.3806, format: 'airrohr' });
    expect(res.status).toBe(201);
    const body = await json<DeviceConnection>(res);
    const device = (await getDevice(f.db, 'ecole-saint-charles'))!;
    expect(body).toEqual(
      deviceConnection(device, body.token, {
        mqttUrl: 'mqtt://souffle.example.org:1883',
        publicUrl: 'https://souffle.example.org',
      }),
    );
    expect(body.airrohr).toMatchObject({
      server: 'souffle.example.org',
      path: '/api/v1/push/airrohr',
      port: 443,
      https: true,
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 409 when the id is taken', async () => {
    await create({ name: 'Taken', id: 'taken', lat: 43, lon: 5 });
    const res = await create({ name: 'Again', id: 'taken', lat: 43, lon: 5 });
    expect(res.status).toBe(409);
    expect(await json(res)).toEqual({
      error: { code: 'conflict', message: 'a station or device with id "taken" already exists' },
    });
  });

  it.each([
    [{ name: 'X', lat: 91, lon: 5 }, 'body field "lat" 91: Too big'],
    [{ name: 'X', lat: 43 }, '"lon" is required'],
    [{ name: '', lat: 43, lon: 5 }, '"name"'],
    [{ name: 'X', lat: 43, lon: 5, id: 'Bad Id' }, '"id"'],
    [{ name: 'X', lat: 43, lon: 5, format: 'lora' }, '"format"'],
    [{ name: 'X', lat: 43, lon: 5, owner: 'me' }, '"owner"'],
    [{ name: '!!!', lat: 43, lon: 5 }, 'device id'],
  ])('rejects %j with 400 naming the field', async (body, expected) => {
    const res = await create(body);
    expect(res.status).toBe(400);
    expect((await json<{ error: { message: string } }>(res)).error.message).toContain(expected);
  });

  // The CLI refuses the same, with the same reason (tests/cli/device.test.ts): one schema,
  // data/device-registration.ts (docs/security.md, Registration).
  it.each([
    // Wildcards and levels in an AirGradient serial would become wildcard ACL lines on Mosquitto.
    [{ serial: '+', format: 'airgradient' }, `body field "serial" "+": ${SERIAL_MESSAGE}`],
    [{ serial: '#', format: 'airgradient' }, `body field "serial" "#": ${SERIAL_MESSAGE}`],
    [{ serial: 'a/b', format: 'airgradient' }, `body field "serial" "a/b": ${SERIAL_MESSAGE}`],
    [{ serial: 'ecda3b1eaaaf' }, 'body field "serial" "ecda3b1eaaaf": applies to format airgradient only'],
    [{ format: 'airgradient' }, 'body field "serial" is required'],
    // The broker's service account.
    [{ id: 'souffle' }, `body field "id" "souffle": "souffle" is reserved for the broker's service account`],
    [
      { name: 'Souffle', id: undefined },
      'body field "name" "Souffle": becomes the id "souffle", reserved for the broker\'s service account: give another id',
    ],
    // Markup and control characters in a name.
    [
      { name: '<img src=x onerror=alert(1)>' },
      `body field "name" "<img src=x onerror=alert(1)>": ${NAME_MESSAGE}`,
    ],
    [{ name: 'Balcon\nChave' }, `body field "name" "Balcon\\nChave": ${NAME_MESSAGE}`],
  ])('refuses %j with 400 naming the field, as the CLI does', async (fields, expected) => {
    const res = await create({ name: 'Station', lat: 43, lon: 5, id: 'station-x', ...fields });
    expect(res.status).toBe(400);
    expect((await json<{ error: { message: string } }>(res)).error.message).toBe(expected);
  });

  it('refuses the configured service user name as an id', async () => {
    const other = await fixture({ serviceUsername: 'broker-service' });
    try {
      const res = await other.app.request('/api/v1/devices', {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ name: 'Broker service', lat: 43, lon: 5 }),
      });
      expect(res.status).toBe(400);
      expect((await json<{ error: { message: string } }>(res)).error.message).toContain(
        'becomes the id "broker-service", reserved',
      );
    } finally {
      await other.cleanup();
    }
  });

  it('rejects malformed JSON and oversized bodies', async () => {
    const bad = await f.app.request('/api/v1/devices', { method: 'POST', headers: admin, body: '{"name": ' });
    expect(bad.status).toBe(400);
    expect((await json<{ error: { code: string } }>(bad)).error.code).toBe('invalid_json');
    const big = await create({ name: 'x'.repeat(20_000), lat: 43, lon: 5 });
    expect(big.status).toBe(413);
    const untyped = await create({ name: 'X', lat: 43, lon: 5 }, { Authorization: admin.Authorization });
    expect(untyped.status).toBe(415);
    expect((await json<{ error: { message: string } }>(untyped)).error.message).toContain(
      'Content-Type: application/json',
    );
  });

  it('needs the admin token: 401 without it or with a wrong one', async () => {
    const none = await create({ name: 'X', lat: 43, lon: 5 }, { 'Content-Type': 'application/json' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await create({ name: 'X', lat: 43, lon: 5 }, { ...admin, Authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect((await f.app.request('/api/v1/devices')).status).toBe(401);
  });

  it('sends no CORS headers, even to a cross-origin preflight', async () => {
    const res = await f.app.request('/api/v1/devices', {
      headers: { ...admin, Origin: 'https://evil.example' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await f.app.request('/api/v1/devices', {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('admin: list, rotate, remove', () => {
  it('lists devices with their exact location (admins only)', async () => {
    await create({
      name: 'Listed',
      id: 'listed',
      lat: 43.123456,
      lon: 5.654321,
      serial: 'EC:DA:3B:1E:AA:B2',
      format: 'airgradient',
    });
    const body = await json<{ devices: { id: string; lat: number; serial: string | null }[]; count: number }>(
      await f.app.request('/api/v1/devices', { headers: admin }),
    );
    expect(body.devices.find((d) => d.id === 'listed')).toMatchObject({
      lat: 43.123456,
      serial: 'ecda3b1eaab2',
    });
    expect(body.count).toBe(body.devices.length);
  });

  it('rotates a token: the old one stops working at once', async () => {
    const old = await json<DeviceConnection>(await create({ name: 'Rotor', lat: 43, lon: 5 }));
    const res = await f.app.request('/api/v1/devices/rotor/token', { method: 'POST', headers: admin });
    expect(res.status).toBe(200);
    const fresh = await json<DeviceConnection>(res);
    expect(fresh.token).not.toBe(old.token);
    const status = (token: string) =>
      f.app.request('/api/v1/devices/rotor/status', { headers: { Authorization: basic('rotor', token) } });
    expect((await status(old.token)).status).toBe(401);
    expect((await status(fresh.token)).status).toBe(200);
    expect(
      (await f.app.request('/api/v1/devices/nope/token', { method: 'POST', headers: admin })).status,
    ).toBe(404);
  });

  it('removes a device (its data stays) or purges it with its station', async () => {
    await create({ name: 'Keep', lat: 43, lon: 5 });
    await readings(f.db, 'keep', 'pm25', hourly(TODAY, 2, 5));
    expect((await f.app.request('/api/v1/devices/keep', { method: 'DELETE', headers: admin })).status).toBe(
      204,
    );
    expect((await f.app.request('/api/v1/stations/keep')).status).toBe(200);
    await create({ name: 'Gone', lat: 43, lon: 5 });
    expect(
      (await f.app.request('/api/v1/devices/gone?purge=true', { method: 'DELETE', headers: admin })).status,
    ).toBe(204);
    expect((await f.app.request('/api/v1/stations/gone')).status).toBe(404);
    expect((await f.app.request('/api/v1/devices/gone', { method: 'DELETE', headers: admin })).status).toBe(
      404,
    );
    expect(
      (await f.app.request('/api/v1/devices/keep?purge=yes', { method: 'DELETE', headers: admin })).status,
    ).toBe(400);
  });
});

describe('GET /api/v1/devices/{id}/status', () => {
  let token = '';
  beforeAll(async () => {
    token = (await json<DeviceConnection>(await create({ name: 'Mine', lat: 43.2, lon: 5.3 }))).token;
    await readings(f.db, 'mine', 'pm25', [...hourly(TODAY - 2 * HOUR, 2, 7), ...hourly(TODAY, 3, 9)]);
    // Flagged readings of yesterday evening (within 24 h) and of the day before (not counted).
    const stuck = (t: number) => ({ t, value: 99.9, flags: FLAGS.stuck });
    await readings(
      f.db,
      'mine',
      'humidity',
      [stuck(NOW - 25 * HOUR), stuck(TODAY - 3 * HOUR), stuck(TODAY - 3 * HOUR + 60_000)],
      {
        sensor: 'SHT4x',
        unit: '%',
      },
    );
    await readings(f.db, 'mine', 'pm25', [{ t: TODAY - HOUR, value: 80, flags: FLAGS.spike | FLAGS.humid }], {
      sensor: 'PMS5003',
    });
    await f.db
      .updateTable('devices')
      .set({ last_seen: NOW - 60_000 })
      .where('id', '=', 'mine')
      .execute();
    await recordIngestErrors(f.db, [
      {
        deviceId: 'mine',
        source: 'mqtt',
        time: NOW - 120_000,
        topic: 'souffle/v1/mine/readings',
        reason: 'pm25: 5000 µg/m³ is outside the physical range 0–2000 µg/m³',
        payload: '{"pm25":5000}',
      },
    ]);
  });

  it('tells the owner when the device was seen, how many values arrived today, which were flagged and why some were rejected', async () => {
    const res = await f.app.request('/api/v1/devices/mine/status', {
      headers: { Authorization: basic('mine', token) },
    });
    expect(res.status).toBe(200);
    expect(await json<DeviceStatusResponse>(res)).toEqual({
      device: 'mine',
      station: 'mine',
      format: 'native',
      status: 'online',
      lastSeen: new Date(NOW - 60_000).toISOString(),
      lastReading: '2026-03-10T02:10:00.000Z',
      // since local midnight (Paris, 23:00 UTC the day before): three today, the value at 23:10
      // UTC and the flagged one at 23:00 UTC (left out of means, still a value that arrived)
      valuesToday: 5,
      flagged24h: { humid: 1, channel_disagreement: 0, stuck: 2, spike: 1 },
      ignored: [],
      mobile: false,
      homeAssistant: false,
      errors: [
        {
          time: new Date(NOW - 120_000).toISOString(),
          reason: 'pm25: 5000 µg/m³ is outside the physical range 0–2000 µg/m³',
          topic: 'souffle/v1/mine/readings',
          payload: '{"pm25":5000}',
        },
      ],
    });
  });

  it('accepts the token as a Bearer token too', async () => {
    const res = await f.app.request('/api/v1/devices/mine/status', {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
  });

  it("refuses a wrong token, another device's credentials, or none", async () => {
    const other = (await json<DeviceConnection>(await create({ name: 'Other', lat: 43, lon: 5 }))).token;
    for (const auth of [basic('mine', 'wrong'), basic('other', other), 'Bearer wrong', undefined]) {
      const res = await f.app.request('/api/v1/devices/mine/status', {
        headers: auth ? { Authorization: auth } : {},
      });
      expect(res.status).toBe(401);
    }
    expect(
      (await f.app.request('/api/v1/devices/nope/status', { headers: { Authorization: basic('nope', 'x') } }))
        .status,
    ).toBe(401);
  });
});
