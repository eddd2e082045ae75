// Whatever a client sends, the API answers with a 4xx and a JSON reason, never a 500: random
// parameters, values and bodies against every endpoint (fast-check).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, citizen, fixture, hourly, readings, TODAY, type Fixture } from './fixtures.js';

let f: Fixture;
let token = '';
beforeAll(async () => {
  f = await fixture();
  token = (await citizen(f.db, { id: 'ecole-a', lat: 43.3, lon: 5.4, format: 'airrohr' })).token;
  await readings(f.db, 'ecole-a', 'pm25', hourly(TODAY, 3, 10));
});
afterAll(() => f.cleanup());

const PATHS = [
  '/api/v1/stations',
  '/api/v1/stations/ecole-a',
  '/api/v1/stations/ecole-a/latest',
  '/api/v1/stations/ecole-a/series',
  '/api/v1/stations/ecole-a/index',
  '/api/v1/stations/ecole-a/compare',
  '/api/v1/communes/13055/index',
  '/api/v1/export',
];
const NAMES = [
  'source',
  'phenomenon',
  'bbox',
  'near',
  'radius',
  'format',
  'from',
  'to',
  'step',
  'limit',
  'cursor',
  'sensor',
  'scheme',
  'date',
  'station',
  'purge',
  'x',
];
const value = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '',
    '-1',
    '0',
    '1e309',
    'NaN',
    '2026-02-30',
    '2026-01-01T25:00Z',
    '%',
    '%zz',
    '∞',
    'pm25',
    'raw',
    '1,2,3,4',
    '999999999999999999999',
  ),
  fc.integer().map(String),
  fc.double().map(String),
);
const query = fc.array(fc.tuple(fc.constantFrom(...NAMES), value), { maxLength: 5 });

function status4xx(res: Response, what: string) {
  expect(res.status, what).toBeLessThan(500);
}

/** A well-formed push from a valid device gets 503 here (this app has no broker): not bad input. */
async function noServerError(res: Response, what: string) {
  if (res.status === 503)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('broker_unavailable');
  else status4xx(res, what);
}

describe('bad input never gets a 500', () => {
  it('random query parameters on every public read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), query, async (path, params) => {
        const search = new URLSearchParams(params);
        const res = await f.app.request(`${path}?${search}`);
        status4xx(res, `${path}?${search}`);
        if (res.status >= 400) expect((await res.json()) as object).toHaveProperty('error.message');
        else await res.arrayBuffer();
      }),
      { numRuns: 300 },
    );
  });

  it('random path segments', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }),
        fc.constantFrom('', '/latest', '/series?phenomenon=pm25', '/index', '/compare?phenomenon=pm25'),
        async (id, rest) => {
          const res = await f.app.request(`/api/v1/stations/${encodeURIComponent(id)}${rest}`);
          status4xx(res, id);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random JSON bodies to the admin endpoint', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string()), async (body) => {
        const res = await f.app.request('/api/v1/devices', {
          method: 'POST',
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
          body,
        });
        status4xx(res, body);
      }),
      { numRuns: 150 },
    );
  });

  it('random bodies and headers to the airrohr push', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string()), fc.string(), async (body, auth) => {
        for (const authorization of [auth, `Basic ${Buffer.from(`ecole-a:${token}`).toString('base64')}`]) {
          const res = await f.app.request('/api/v1/push/airrohr', {
            method: 'POST',
            headers: { Authorization: authorization.replace(/[^\t\x20-\x7e]/g, ''), 'X-Sensor': 'esp8266-1' },
            body,
          });
          await noServerError(res, body);
        }
      }),
      { numRuns: 60 },
    );
  });
});
