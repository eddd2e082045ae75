// GET /api/v1/sources/atmosud and /healthz's `atmosud`: with AtmoSud unreachable, a reader must learn
// why there are no official stations and since when the official data is as it is (issue 20,
// defect 4). A real puller against the fake AtmoSud on a real port, then against a closed port.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import type { AtmosudStatusResponse } from '../../data/source-api-schemas.js';
import { freePort } from '../../testing/free-port.js';
import { fakeMeasure, fakeStation } from '../helpers/fake-atmosud.js';
import { NOW as DATA_NOW, setup, type Setup } from '../ingest/atmosud/helpers.js';

let s: Setup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const HOUR = 3_600_000;
const appAt = (db: Setup['db'], now: () => number) =>
  createApp({
    db,
    adminToken: 'test-admin-token-0123456789',
    publicUrl: 'https://souffle.example.org',
    mqttUrl: 'mqtt://souffle.example.org:1883',
    now,
    webDir: '/nonexistent-souffle-web',
  });

async function status(app: ReturnType<typeof createApp>): Promise<AtmosudStatusResponse> {
  const res = await app.request('/api/v1/sources/atmosud');
  expect(res.status).toBe(200);
  return (await res.json()) as AtmosudStatusResponse;
}

describe('the state of the AtmoSud data', () => {
  it('never, ok, stale, then offline with the time of the last successful pull', async () => {
    s = await setup({
      stations: [fakeStation('FR03043'), fakeStation('FR00008')],
      measures: [fakeMeasure('FR03043', 'no2', DATA_NOW - HOUR, 30)],
    });
    const app = appAt(s.db, () => Date.now());
    expect(await status(app)).toMatchObject({ state: 'never', lastSuccess: null, stations: 0 });

    expect((await s.puller().pullOnce()).status).toBe('ok');
    const ok = await status(app);
    // The last success is on the puller's data clock; the attempt on the wall clock.
    expect(ok).toMatchObject({ state: 'ok', lastSuccess: new Date(DATA_NOW).toISOString(), stations: 2 });
    expect(Date.now() - Date.parse(ok.lastAttempt!)).toBeLessThan(60_000);

    // Three hours later without a pull: the ingest worker is not running.
    const later = await status(appAt(s.db, () => Date.now() + 3 * HOUR));
    expect(later.state).toBe('stale');
    expect(later.message).toMatch(/is the ingest worker running\?/);

    const closed = await freePort();
    expect((await s.puller({ baseUrl: `http://127.0.0.1:${closed}` }).pullOnce()).status).toBe('offline');
    const offline = await status(app);
    expect(offline).toMatchObject({
      state: 'offline',
      lastSuccess: new Date(DATA_NOW).toISOString(),
      stations: 2,
    });
    expect(offline.message).toBe(
      `AtmoSud could not be reached at ${offline.lastAttempt} (data as of ${new Date(DATA_NOW).toISOString()})`,
    );

    // Health stays ok (reads work), and says it too.
    const health = (await (await app.request('/healthz')).json()) as {
      status: string;
      atmosud: AtmosudStatusResponse;
    };
    expect(health.status).toBe('ok');
    expect(health.atmosud).toEqual(offline);
  });
});
