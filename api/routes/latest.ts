// GET /api/v1/stations/{id}/latest: the newest value of each series, and the current indices
// (ATMO of today, EAQI of the latest hour, US AQI NowCast), marked indicative for citizen stations.
import { createRoute } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { LatestValue } from '../../data/api-types.js';
import { flagNames } from '../../data/flags.js';
import { executeCompiled } from '../../data/store/compiled.js';
import type { Database } from '../../data/schema.js';
import { notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { cached } from '../http-cache.js';
import { stationPath } from '../schemas/params.js';
import { errorResponse, LatestSchema } from '../schemas/responses.js';
import { currentIndices } from '../station-indices.js';
import { findStation, iso, toSummary } from '../station-summaries.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/stations/{id}/latest',
  tags: ['stations'],
  summary: 'Latest values and current indices',
  description:
    'The newest reading of each series of the station, with the ATMO index of today (UTC day, from hourly means), the EAQI of the latest hourly means (at most 2 hours old) and the US AQI from the PM NowCast of the last 12 hours. Indices from citizen sensors are indicative, never official.',
  middleware: [cached(30)] as const,
  request: { params: stationPath },
  responses: {
    200: { content: { 'application/json': { schema: LatestSchema } }, description: 'Latest values.' },
    404: errorResponse('No station has this id.'),
  },
});

type SeriesLatest = {
  phenomenon: string;
  sensor: string;
  unit: string;
  time: number | null;
  value: number | null;
  flags: number | null;
  validation: string | null;
};

/** Every series of the station with its newest reading (null for a series without one yet). */
async function seriesWithLatest(db: Kysely<Database>, stationId: string): Promise<SeriesLatest[]> {
  return executeCompiled<SeriesLatest>(
    db,
    'api:series-with-latest',
    () =>
      db
        .selectFrom('series as s')
        .leftJoin('readings as r', (join) =>
          join.onRef('r.series_id', '=', 's.id').on('r.time', '=', (eb) =>
            eb
              .selectFrom('readings as m')
              .select((m) => m.fn.max('m.time').as('t'))
              .whereRef('m.series_id', '=', 's.id'),
          ),
        )
        .select(['s.phenomenon', 's.sensor', 's.unit', 'r.time', 'r.value', 'r.flags', 'r.validation'])
        .where('s.station_id', '=', '')
        .orderBy('s.phenomenon')
        .orderBy('s.sensor'),
    [stationId],
  );
}

export function registerLatestRoute(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const station = await findStation(deps.db, id);
    if (!station) throw notFound(`no station "${id}"`);
    const now = deps.now();
    const series = await seriesWithLatest(deps.db, id);
    const values: LatestValue[] = [];
    let lastSeen: number | null = null;
    for (const s of series) {
      if (s.time === null || s.value === null) continue;
      if (lastSeen === null || s.time > lastSeen) lastSeen = s.time;
      values.push({
        phenomenon: s.phenomenon,
        sensor: s.sensor,
        unit: s.unit,
        value: s.value,
        t: s.time,
        time: iso(s.time),
        flags: flagNames(s.flags ?? 0),
        validation: s.validation,
      });
    }
    const phenomena = [...new Set(series.map((s) => s.phenomenon))];
    const summary = toSummary(station, phenomena, lastSeen, now);
    const indices = await currentIndices(deps.db, id, now);
    return c.json({ station: summary, values, indices, indicative: summary.indicative }, 200);
  });
}
