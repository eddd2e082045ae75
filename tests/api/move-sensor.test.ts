// Moving a sensor from "Mon capteur" (issue 16, item 2): the station is where the owner moved it
// from then on, its past readings keep the place they were taken at (exports carry the place of
// each row's time), and the public still sees only the ~200 m cell unless the owner publishes the
// exact place.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicLocation } from '../../data/location-privacy.js';
import { citizen, fixture, NOW, readings, type Fixture } from './fixtures.js';

const OLD = { lat: 43.3051, lon: 5.3801 };
const NEW = { lat: 43.2612, lon: 5.4073 };
const MIN = 60_000;

describe('moving my sensor', () => {
  let f: Fixture;
  let token = '';
  const owner = () => ({
    Authorization: `Basic ${Buffer.from(`balcon:${token}`).toString('base64')}`,
    'Content-Type': 'application/json',
  });
  const move = (body: object) =>
    f.app.request('/api/v1/my/balcon', { method: 'PATCH', headers: owner(), body: JSON.stringify(body) });

  beforeAll(async () => {
    f = await fixture();
    token = (await citizen(f.db, { id: 'balcon', ...OLD })).token;
    // Readings before the move (the app's clock is NOW, when it moves) and after it.
    await readings(
      f.db,
      'balcon',
      'pm25',
      [
        { t: NOW - 180 * MIN, value: 11 },
        { t: NOW - 120 * MIN, value: 12 },
      ],
      { covers: 0 },
    );
  });
  afterAll(() => f.cleanup());

  it('refuses half a place', async () => {
    const res = await move({ lat: NEW.lat });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('give both to move the sensor');
  });

  it('moves the station and keeps the place of past readings in exports', async () => {
    const res = await move(NEW);
    expect(res.status).toBe(200);
    const station = (await res.json()) as { lat: number; lon: number; publicLat: number; publicLon: number };
    const cellNow = publicLocation(NEW, { exact: false });
    expect(station).toMatchObject({ ...NEW, publicLat: cellNow.lat, publicLon: cellNow.lon });
    await readings(f.db, 'balcon', 'pm25', [{ t: NOW + 10 * MIN, value: 13 }], { covers: 0 });

    const from = new Date(NOW - 240 * MIN).toISOString();
    const to = new Date(NOW + 60 * MIN).toISOString();
    const csv = await (
      await f.app.request(`/api/v1/export?format=csv&station=balcon&from=${from}&to=${to}`)
    ).text();
    const rows = parse(csv, { columns: true }) as { time: string; value: string; lat: string; lon: string }[];
    const cellBefore = publicLocation(OLD, { exact: false });
    expect(rows.map((r) => [r.value, Number(r.lat), Number(r.lon)])).toEqual([
      ['11', cellBefore.lat, cellBefore.lon],
      ['12', cellBefore.lat, cellBefore.lon],
      ['13', cellNow.lat, cellNow.lon],
    ]);
    // The old cell is not the new one: the move is visible, the exact places are not.
    expect(cellBefore).not.toEqual(cellNow);
    expect(csv).not.toContain(String(OLD.lat));
  });

  it('shows past places exactly once the owner publishes the exact place', async () => {
    expect((await move({ exactLocation: true })).status).toBe(200);
    const from = new Date(NOW - 240 * MIN).toISOString();
    const to = new Date(NOW + 60 * MIN).toISOString();
    const lines = (
      await (await f.app.request(`/api/v1/export?format=ndjson&station=balcon&from=${from}&to=${to}`)).text()
    )
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { value: number; lat: number; lon: number });
    expect(lines.map((l) => [l.value, l.lat, l.lon])).toEqual([
      [11, OLD.lat, OLD.lon],
      [12, OLD.lat, OLD.lon],
      [13, NEW.lat, NEW.lon],
    ]);
  });
});
