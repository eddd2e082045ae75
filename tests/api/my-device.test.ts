// "Mon capteur"'s endpoints: the owner changes, re-keys and deletes their own sensor with its
// credentials, and with nobody else's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceConnection } from '../../data/device-connection.js';
import { findStation } from '../../data/store/stations.js';
import { publicLocation } from '../../data/location-privacy.js';
import { citizen, fixture, hourly, json, NOW, readings, type Fixture } from './fixtures.js';

let f: Fixture;
let changes = 0;
const basic = (id: string, token: string) => `Basic ${Buffer.from(`${id}:${token}`).toString('base64')}`;
type Problem = { error: { code: string; message: string } };

beforeAll(async () => {
  f = await fixture({ onDevicesChanged: () => void changes++ });
});
afterAll(() => f.cleanup());

const patch = (id: string, token: string, body: unknown) =>
  f.app.request(`/api/v1/my/${id}`, {
    method: 'PATCH',
    headers: { Authorization: basic(id, token), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('PATCH /api/v1/my/{id}', () => {
  it('renames the sensor and publishes its exact place only when the owner opts in', async () => {
    const { token } = await citizen(f.db, { id: 'balcon', lat: 43.29712, lon: 5.39234 });
    const hidden = publicLocation({ lat: 43.29712, lon: 5.39234 });
    expect(await findStation(f.db, 'balcon')).toMatchObject({
      public_lat: hidden.lat,
      public_lon: hidden.lon,
    });

    const res = await patch('balcon', token, {
      name: 'Balcon côté mer',
      exactLocation: true,
      exposure: 'indoor',
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      name: 'Balcon côté mer',
      exactLocation: true,
      exposure: 'indoor',
      publicLat: 43.29712,
      publicLon: 5.39234,
    });
    const back = await json<{ publicLat: number }>(await patch('balcon', token, { exactLocation: false }));
    expect(back).toMatchObject({ name: 'Balcon côté mer', publicLat: hidden.lat, publicLon: hidden.lon });
  });

  it("refuses another device's credentials and bad fields", async () => {
    const mine = await citizen(f.db, { id: 'mine', lat: 43.3, lon: 5.4 });
    await citizen(f.db, { id: 'theirs', lat: 43.3, lon: 5.4 });
    const res = await f.app.request('/api/v1/my/theirs', {
      method: 'PATCH',
      headers: { Authorization: basic('mine', mine.token), 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Hijacked' }),
    });
    expect(res.status).toBe(401);
    expect((await findStation(f.db, 'theirs'))!.name).toBe('theirs');
    const bad = await patch('mine', mine.token, { name: '<b>x</b>' });
    expect(bad.status).toBe(400);
    expect((await json<Problem>(bad)).error.message).toContain('body field "name"');
    expect((await patch('mine', mine.token, { lat: 1 })).status).toBe(400);
  });
});

describe('POST /api/v1/my/{id}/token', () => {
  it('gives a new token once; the old one stops working', async () => {
    const { token } = await citizen(f.db, { id: 'rekey', lat: 43.3, lon: 5.4 });
    const before = changes;
    const res = await f.app.request('/api/v1/my/rekey/token', {
      method: 'POST',
      headers: { Authorization: basic('rekey', token) },
    });
    expect(res.status).toBe(200);
    const fresh = await json<DeviceConnection>(res);
    expect(fresh.token).not.toBe(token);
    expect(changes).toBe(before + 1);
    const status = (t: string) =>
      f.app.request('/api/v1/devices/rekey/status', { headers: { Authorization: basic('rekey', t) } });
    expect((await status(token)).status).toBe(401);
    expect((await status(fresh.token)).status).toBe(200);
  });
});

describe('DELETE /api/v1/my/{id}', () => {
  it('deletes the sensor and all its data once the id is confirmed', async () => {
    const { token } = await citizen(f.db, { id: 'bye', lat: 43.3, lon: 5.4 });
    await readings(f.db, 'bye', 'pm25', hourly(NOW - 5 * 3_600_000, 5, 10));
    const del = (query: string) =>
      f.app.request(`/api/v1/my/bye${query}`, {
        method: 'DELETE',
        headers: { Authorization: basic('bye', token) },
      });
    expect((await del('')).status).toBe(400);
    const wrong = await del('?confirm=other');
    expect(wrong.status).toBe(400);
    expect((await json<Problem>(wrong)).error.message).toBe(
      'query parameter "confirm" must repeat the device id "bye"',
    );
    expect((await del('?confirm=bye')).status).toBe(204);
    expect(await findStation(f.db, 'bye')).toBeUndefined();
    const left = await f.db
      .selectFrom('series')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('station_id', '=', 'bye')
      .executeTakeFirst();
    expect(Number(left!.n)).toBe(0);
    expect((await f.app.request('/api/v1/stations/bye')).status).toBe(404);
  });
});
