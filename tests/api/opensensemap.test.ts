// openSenseMap-compatible ingest end to end: a box's posts in each of openSenseMap's formats,
// through the API's outbox, the embedded broker and the worker, into the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiApp } from '../../api/app-deps.js';
import { createDevice } from '../../data/store/devices.js';
import { startPushPipeline, type PushPipeline } from '../helpers/push-pipeline.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { storedValues, waitFor } from '../ingest/ingest-helpers.js';

describe('openSenseMap-compatible ingest', () => {
  let db: TempDb;
  let pipeline: PushPipeline;
  let app: ApiApp;
  const tokens: Record<string, string> = {};
  const minutesAgo = (m: number) =>
    new Date(Math.floor(Date.now() / 60_000) * 60_000 - m * 60_000).toISOString();

  const post = (
    box: string,
    path: string,
    body: string,
    contentType = 'application/json',
    token = tokens[box],
  ) =>
    app.request(`/opensensemap/boxes/${box}/${path}`, {
      method: 'POST',
      // openSenseMap's clients send the box's access token as the whole header.
      headers: { Authorization: token ?? '', 'Content-Type': contentType },
      body,
    });
  const valuesAt = async (box: string, iso: string) =>
    Object.fromEntries(
      (await storedValues(db.db, box))
        .filter((r) => r.time === Date.parse(iso))
        .map((r) => [r.phenomenon, r.value]),
    );

  beforeAll(async () => {
    db = await tempDb();
    for (const [id, format] of [
      ['sensebox', 'native'],
      ['diy', 'native'],
      ['kit', 'airrohr'],
    ] as const) {
      tokens[id] = (await createDevice(db.db, { id, name: id, lat: 43.3, lon: 5.4, format })).token;
    }
    pipeline = await startPushPipeline(db.db, 'souffle-api-osem', {
      rateLimit: { pushPerMinute: 6, pushBurst: 6 },
    });
    app = pipeline.app;
  });

  afterAll(async () => {
    await pipeline?.close();
    await db?.cleanup();
  });

  it('stores a JSON array with createdAt and answers as openSenseMap does', async () => {
    const t = minutesAgo(10);
    const res = await post(
      'sensebox',
      'data',
      JSON.stringify([
        { sensor: 'pm25', value: '7.4', createdAt: t },
        { sensor: 'temperature', value: '11.25', createdAt: t },
      ]),
    );
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('Measurements saved in box');
    expect(
      await waitFor(async () => {
        const v = await valuesAt('sensebox', t);
        return Object.keys(v).length === 2 ? v : null;
      }),
    ).toEqual({ pm25: 7.4, temperature: 11.25 });
  });

  it('stores a JSON object (bare values and [value, createdAt]) and CSV', async () => {
    const t = minutesAgo(20);
    expect(
      (await post('diy', 'data', JSON.stringify({ pm10: ['12', t], humidity: ['60.5', t] }))).status,
    ).toBe(201);
    const u = minutesAgo(30);
    expect((await post('diy', 'data', `pm25,4.5,${u}\nco2,612,${u}\n`, 'text/csv')).status).toBe(201);
    await waitFor(async () => Object.keys(await valuesAt('diy', u)).length === 2);
    expect(await valuesAt('diy', t)).toEqual({ pm10: 12, humidity: 60.5 });
    expect(await valuesAt('diy', u)).toEqual({ pm25: 4.5, co2: 612 });
  });

  it('stores one measurement posted to its sensor', async () => {
    const t = minutesAgo(40);
    const res = await post('diy', 'no2', JSON.stringify({ value: 21.5, createdAt: t }));
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('Measurement saved in sensor');
    await waitFor(async () => (await valuesAt('diy', t)).no2 === 21.5);
  });

  it('answers 422 with the reasons when nothing is storable, 400 for a body of no known format', async () => {
    const unknown = await post(
      'sensebox',
      'data',
      JSON.stringify([{ sensor: '5a8f0e1c2b3d4e5f6a7b8c9d', value: '3' }]),
    );
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toBe(
      'nothing in this post can be stored: unknown phenomenon "5a8f0e1c2b3d4e5f6a7b8c9d" (sensor ids are Souffle phenomenon codes: pm25, pm10, temperature, …)',
    );
    const bad = await post('sensebox', 'data', JSON.stringify([{ value: '3' }]));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe(
      'measurement [0] has no "sensor" string',
    );
  });

  it('refuses a wrong token, a device of another format, and a flood from one box', async () => {
    expect((await post('sensebox', 'data', '{"pm25":"1"}', 'application/json', 'x'.repeat(32))).status).toBe(
      401,
    );
    expect((await post('kit', 'data', '{"pm25":"1"}')).status).toBe(403);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await post('diy', 'pm25', JSON.stringify({ value: i }))).status);
    expect(statuses).toContain(429);
    expect((await post('sensebox', 'pm25', JSON.stringify({ value: 2 }))).status).toBe(201); // per box
  });
});
