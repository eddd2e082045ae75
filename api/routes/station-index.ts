// GET /api/v1/stations/{id}/index: one scheme's index with every pollutant's sub-index, the
// concentration it classed, the dominant pollutant, and "unavailable" when data are short.
import { createRoute, z } from '@hono/zod-openapi';
import { IndexSchema } from '../../data/api-schemas.js';
import { INDEX_SCHEMES } from '../../data/indices.js';
import { notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { cachedJson } from '../http-cache.js';
import { errorResponse } from '../schemas/error-response.js';
import { dateParam, stationPath } from '../schemas/params.js';
import { stationIndex } from '../station-indices.js';
import { findStation } from '../../data/store/stations.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/stations/{id}/index',
  tags: ['indices'],
  summary: 'Air-quality index of a station',
  description:
    'ATMO (French daily index; without `date`: today (UTC) when today has enough hours, else yesterday, with `date` saying which day and `day` whether it is today or yesterday; with `date`: exactly that day), EAQI (without `date`: the latest hourly means; with `date`: the daily means) or US AQI (without `date`: NowCast of the last 12 hours; with `date`: 24-hour means). A daily value needs 18 of 24 hours. Indices from citizen sensors are indicative.',
  request: {
    params: stationPath,
    query: z.strictObject({
      scheme: z.enum(INDEX_SCHEMES).optional().openapi({ description: 'Index scheme (default atmo).' }),
      date: dateParam('Day (UTC) to compute the index for; omit for the current index.'),
    }),
  },
  responses: {
    200: { content: { 'application/json': { schema: IndexSchema } }, description: 'The index.' },
    400: errorResponse('A parameter is invalid.'),
    404: errorResponse('No station has this id.'),
  },
});

export function registerStationIndexRoute(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const { scheme = 'atmo', date } = c.req.valid('query');
    const station = await findStation(deps.db, id);
    if (!station) throw notFound(`no station "${id}"`);
    const result = await stationIndex(deps.db, id, scheme, date, deps.now());
    return cachedJson(
      c,
      IndexSchema,
      { ...result, station: id, indicative: station.source === 'citizen' },
      { maxAgeSeconds: 60 },
    );
  });
}
