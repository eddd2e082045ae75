// GET /api/v1/stations/{id}/profile: a station's valid hourly means of a phenomenon grouped by local
// hour of the day, day of the week or month of the year, over a period (openair's timeVariation).
import { createRoute, z } from '@hono/zod-openapi';
import { ProfileSchema } from '../../data/analyst-api-schemas.js';
import { PROFILES, readProfile } from '../../data/store/profiles.js';
import { DAY_MS } from '../../data/store/rollups.js';
import { findStation } from '../../data/store/stations.js';
import { badRequest, notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { cachedJson } from '../http-cache.js';
import { iso } from '../iso.js';
import { errorResponse } from '../schemas/error-response.js';
import { phenomenonParam, stationPath, timeParam } from '../schemas/params.js';

const DEFAULT_WINDOW = 365 * DAY_MS;
/** Five years of hourly means (43 800 numbers) at most: one request stays a bounded read. */
const MAX_WINDOW = 5 * 366 * DAY_MS;

const route = createRoute({
  method: 'get',
  path: '/api/v1/stations/{id}/profile',
  tags: ['stations'],
  summary: 'Diurnal, weekly or yearly profile',
  description:
    'The valid hourly means of [from, to) (default: the year before `to`, at most 5 years) grouped by local hour of the day (0–23), ISO day of the week (1 Monday – 7 Sunday) or month (1–12) in SOUFFLE_TIMEZONE, each group with its number of hours, mean, sd, min, max and quartiles (Hyndman–Fan type 7). Every group is listed, with hours: 0 and nulls when empty.',
  request: {
    params: stationPath,
    query: z.strictObject({
      phenomenon: phenomenonParam,
      profile: z.enum(PROFILES).optional().openapi({ description: 'Grouping (default hour-of-day).' }),
      sensor: z.string().min(1).max(128).optional().openapi({
        description: 'Sensor series when the station has several (default: the first by name).',
      }),
      from: timeParam('Start (inclusive)'),
      to: timeParam('End (exclusive)'),
    }),
  },
  responses: {
    200: { content: { 'application/json': { schema: ProfileSchema } }, description: 'The profile.' },
    400: errorResponse('A parameter is invalid.'),
    404: errorResponse('Unknown station, or no series of this phenomenon (or sensor).'),
  },
});

export function registerProfileRoute(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const now = deps.now();
    const to = q.to ?? now;
    const from = q.from ?? to - DEFAULT_WINDOW;
    if (from >= to)
      throw badRequest(
        'invalid_query',
        `query parameter "from" must be before "to" (${iso(from)} ≥ ${iso(to)})`,
      );
    if (to - from > MAX_WINDOW)
      throw badRequest('invalid_query', 'query parameter "from": a profile covers at most 5 years');
    if (!(await findStation(deps.db, id))) throw notFound(`no station "${id}"`);
    let sq = deps.db
      .selectFrom('series')
      .select(['id', 'sensor', 'unit'])
      .where('station_id', '=', id)
      .where('phenomenon', '=', q.phenomenon)
      .orderBy('sensor');
    if (q.sensor !== undefined) sq = sq.where('sensor', '=', q.sensor);
    const series = await sq.executeTakeFirst();
    if (!series)
      throw notFound(
        `station "${id}" has no ${q.phenomenon} series${q.sensor === undefined ? '' : ` from sensor "${q.sensor}"`}`,
      );
    const profile = q.profile ?? 'hour-of-day';
    const points = await readProfile(deps.db, {
      seriesId: series.id,
      profile,
      from,
      to,
      timeZone: deps.timeZone,
      now,
    });
    return cachedJson(
      c,
      ProfileSchema,
      {
        station: id,
        phenomenon: q.phenomenon,
        sensor: series.sensor,
        unit: series.unit,
        profile,
        timeZone: deps.timeZone,
        from: iso(from),
        to: iso(to),
        points,
      },
      { maxAgeSeconds: 60 },
    );
  });
}
