// Issue 15 end to end: an airrohr kit's push, built as its firmware builds it, through the API's
// outbox, the embedded broker and the ingest worker into the store, read back through the API:
// what is not stored is named in the device's status; a mobile kit's GPS fixes form its track,
// shown on the privacy grid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiApp } from '../../api/app-deps.js';
import { publicLocation } from '../../data/location-privacy.js';
import { createDevice } from '../../data/store/devices.js';
import { startPushPipeline, type PushPipeline } from '../helpers/push-pipeline.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { airrohrBody, airrohrHeaders } from '../ingest/firmware-requests.js';
import { storedValues, waitFor } from '../ingest/ingest-helpers.js';

const FIX = { lat: 43.296482, lon: 5.36978 };

describe('airrohr kits end to end', () => {
  let db: TempDb;
  let pipeline: PushPipeline;
  let app: ApiApp;
  const tokens: Record<string, string> = {};
  const kit = { chipId: '7654321', mac: 'a4cf12000001', softwareVersion: 'NRZ-2024-135' };

  const push = (id: string, values: [string, number | string][]) =>
    app.request('/api/v1/push/airrohr', {
      method: 'POST',
      headers: airrohrHeaders({ ...kit, user: id, password: tokens[id]! }),
      body: airrohrBody(kit, values),
    });
  const status = async (id: string) =>
    (
      await app.request(`/api/v1/devices/${id}/status`, {
        headers: { Authorization: `Bearer ${tokens[id]}` },
      })
    ).json() as Promise<{
      ignored: string[];
      mobile: boolean;
    }>;

  beforeAll(async () => {
    db = await tempDb();
    for (const [id, mobile] of [
      ['velo', true],
      ['balcon', false],
    ] as const) {
      const created = await createDevice(db.db, {
        id,
        name: id,
        lat: 43.3,
        lon: 5.4,
        format: 'airrohr',
        mobile,
      });
      tokens[id] = created.token;
    }
    pipeline = await startPushPipeline(db.db, 'souffle-api-e2e');
    app = pipeline.app;
  });

  afterAll(async () => {
    await pipeline?.close();
    await db?.cleanup();
  });

  it("keeps a mobile kit's GPS fixes as its track, on the privacy grid", async () => {
    const res = await push('velo', [
      ['SDS_P1', 14],
      ['SDS_P2', 9],
      ['GPS_lat', FIX.lat.toFixed(6)],
      ['GPS_lon', FIX.lon.toFixed(6)],
      ['GPS_height', 41.3],
    ]);
    expect(res.status).toBe(200);
    await waitFor(async () => (await storedValues(db.db, 'velo')).length === 2);
    const track = await waitFor(async () => {
      const body = (await (await app.request('/api/v1/stations/velo/track')).json()) as {
        exact: boolean;
        points: { lat: number; lon: number }[];
      };
      return body.points.length === 1 ? body : null;
    });
    expect(track.exact).toBe(false);
    expect(track.points[0]).toMatchObject(publicLocation(FIX));
    expect(track.points[0]!.lat).not.toBe(FIX.lat);
    expect(await status('velo')).toMatchObject({ mobile: true, ignored: [] });
  });

  it("names in a fixed kit's status what it sends and Souffle does not store, GPS included", async () => {
    expect(
      (
        await push('balcon', [
          ['SPS30_P2', 6],
          ['SPS30_P4', 7],
          ['SPS30_N05', 30],
          ['GPS_lat', FIX.lat.toFixed(6)],
          ['GPS_lon', FIX.lon.toFixed(6)],
        ])
      ).status,
    ).toBe(200);
    await waitFor(async () => (await storedValues(db.db, 'balcon')).length === 1);
    const seen = await waitFor(async () => {
      const s = await status('balcon');
      return s.ignored.length > 0 ? s : null;
    });
    expect(seen).toMatchObject({ mobile: false, ignored: ['GPS_lat', 'GPS_lon', 'SPS30_N05', 'SPS30_P4'] });
    const track = (await (await app.request('/api/v1/stations/balcon/track')).json()) as {
      points: unknown[];
    };
    expect(track.points).toEqual([]);
  });
});
