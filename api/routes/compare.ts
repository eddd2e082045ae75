// GET /api/v1/stations/{id}/compare: a station's hourly means beside those of the nearest AtmoSud
// station measuring the same phenomenon, so a citizen sees their sensor next to the reference.
import { createRoute, z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { CompareSchema } from '../../data/api-schemas.js';
import type { CompareResponse } from '../../data/api-types.js';
import { distanceMetres } from '../../data/location-privacy.js';
import { getPhenomenon } from '../../data/phenomena.js';
import { DAY_MS } from '../../data/store/rollups.js';
import { isValidHour } from '../../data/hourly-validity.js';
import { findStation, listStations } from '../../data/store/stations.js';
import type { Database, Station } from '../../data/schema.js';
import { badRequest, notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { cachedJson } from '../http-cache.js';
import { errorResponse } from '../schemas/error-response.js';
import { phenomenonParam, stationPath, timeParam } from '../schemas/params.js';
import { summaryOf } from '../station-summaries.js';
import { iso } from '../iso.js';
import { decimalsOf, roundValuesInPlace } from '../../data/rounding.js';

const COMPARE_DEFAULT_DAYS = 7;
const COMPARE_MAX_DAYS = 366;

const route = createRoute({
  method: 'get',
  path: '/api/v1/stations/{id}/compare',
  tags: ['stations'],
  summary: 'Compare with the nearest AtmoSud station',
  description: `Hourly means of the station and of the nearest AtmoSud station (other than itself) with a series of the phenomenon, with the distance between their public locations. Default range: the ${COMPARE_DEFAULT_DAYS} days before \`to\` (default now); at most ${COMPARE_MAX_DAYS} days.`,
  request: {
    params: stationPath,
    query: z.strictObject({
      phenomenon: phenomenonParam,
      from: timeParam('Start (inclusive)'),
      to: timeParam('End (exclusive)'),
    }),
  },
  responses: {
    200: { content: { 'application/json': { schema: CompareSchema } }, description: 'Both hourly series.' },
    400: errorResponse('A parameter is invalid.'),
    404: errorResponse('No station has this id.'),
  },
});

/** Hourly means of one phenomenon at one station, pooling its sensors: bucket → mean. */
async function pooledHourly(
  db: Kysely<Database>,
  stationId: string,
  phenomenon: string,
  from: number,
  to: number,
  now: number,
) {
  const rows = await db
    .selectFrom('rollups_hourly as r')
    .innerJoin('series as s', 's.id', 'r.series_id')
    .select(['r.bucket', 'r.sum', 'r.n', 'r.slots'])
    .where('s.station_id', '=', stationId)
    .where('s.phenomenon', '=', phenomenon)
    .where('r.bucket', '>=', from)
    .where('r.bucket', '<', to)
    .execute();
  // Only valid hourly means of completed hours are compared; a station's sensors pool afterwards.
  const pooled = new Map<number, { sum: number; n: number }>();
  for (const r of rows) {
    if (!isValidHour(r, now)) continue;
    const hour = pooled.get(r.bucket);
    if (hour) {
      hour.sum += r.sum;
      hour.n += r.n;
    } else pooled.set(r.bucket, { sum: r.sum, n: r.n });
  }
  return new Map([...pooled].map(([bucket, h]) => [bucket, h.sum / h.n]));
}

export function registerCompareRoute(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const to = q.to ?? deps.now();
    const from = q.from ?? to - COMPARE_DEFAULT_DAYS * DAY_MS;
    if (from >= to)
      throw badRequest(
        'invalid_query',
        `query parameter "from" must be before "to" (${iso(from)} ≥ ${iso(to)})`,
      );
    if (to - from > COMPARE_MAX_DAYS * DAY_MS) {
      throw badRequest(
        'invalid_query',
        `query parameters "from" and "to" span more than ${COMPARE_MAX_DAYS} days`,
      );
    }
    const station = await findStation(deps.db, id);
    if (!station) throw notFound(`no station "${id}"`);
    const here = { lat: station.public_lat, lon: station.public_lon };
    const candidates = await listStations(deps.db, { source: 'atmosud', phenomenon: q.phenomenon });
    let nearest: { station: Station; distance: number } | undefined;
    for (const candidate of candidates) {
      if (candidate.id === id) continue;
      const distance = distanceMetres(here, { lat: candidate.public_lat, lon: candidate.public_lon });
      if (!nearest || distance < nearest.distance) nearest = { station: candidate, distance };
    }
    const own = await pooledHourly(deps.db, id, q.phenomenon, from, to, deps.now());
    const ref = nearest
      ? await pooledHourly(deps.db, nearest.station.id, q.phenomenon, from, to, deps.now())
      : new Map<number, number>();
    const hours = [...new Set([...own.keys(), ...ref.keys()])].sort((a, b) => a - b);
    const reference: CompareResponse['reference'] = nearest
      ? {
          station: await summaryOf(deps.db, nearest.station, deps.now()),
          distanceMetres: Math.round(nearest.distance),
        }
      : null;
    return cachedJson(
      c,
      CompareSchema,
      {
        station: id,
        phenomenon: q.phenomenon,
        unit: getPhenomenon(q.phenomenon)?.unit ?? '',
        reference,
        // Rounded to the phenomenon's decimals, as every output (data/rounding.ts).
        points: roundValuesInPlace(
          hours.map((t) => ({ t, value: own.get(t) ?? null, reference: ref.get(t) ?? null })),
          decimalsOf(q.phenomenon),
        ),
      },
      { maxAgeSeconds: 60 },
    );
  });
}
