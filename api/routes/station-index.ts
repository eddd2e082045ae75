// GET /api/v1/stations/{id}/index: one scheme's index with every pollutant's sub-index, the
// concentration it classed, the dominant pollutant, the hours it used, and "unavailable" with the
// reason when data are short.
import { createRoute, z } from '@hono/zod-openapi';
import { IndexSchema } from '../../data/api-schemas.js';
import { INDEX_SCHEMES } from '../../data/indices.js';
import { badRequest, notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { cachedJson } from '../http-cache.js';
import { errorResponse } from '../schemas/error-response.js';
import { dateParam, stationPath } from '../schemas/params.js';
import { stationIndex } from '../station-indices.js';
import { phenomenaByStation } from '../station-summaries.js';
import { findStation } from '../../data/store/stations.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/stations/{id}/index',
  tags: ['indices'],
  summary: 'Air-quality index of a station',
  description:
    'ATMO (French daily index, per local day; without `date`: today when today has enough completed hours, else yesterday, with `date` saying which day and `day` whether it is today or yesterday; with `date`: exactly that day), EAQI (hourly: the latest completed hourly means; the EEA defines no daily EAQI, so `date` is refused with 400) or US AQI (without `date`: NowCast of the last 12 completed hours; with `date`: the local day\'s PM means). A daily value needs 75 % of the local day\'s hours (18 of 24, 18 of 23, 19 of 25); the hour in progress is never used. Every index computed at a station is indicative (the official ATMO index is the commune index) and says which pollutants and hours it used; level 0 "Indisponible" comes with a `reason`.',
  request: {
    params: stationPath,
    query: z.strictObject({
      scheme: z.enum(INDEX_SCHEMES).optional().openapi({ description: 'Index scheme (default atmo).' }),
      date: dateParam('Local day to compute the index for (ATMO or US AQI); omit for the current index.'),
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
    if (scheme === 'eaqi' && date !== undefined) {
      throw badRequest(
        'invalid_query',
        'the European Air Quality Index is an hourly index: the EEA defines no daily EAQI, so "date" cannot be given with scheme=eaqi (omit "date" for the EAQI of now, or ask scheme=atmo or usaqi for a day)',
      );
    }
    const measured = (await phenomenaByStation(deps.db, [id])).get(id) ?? [];
    const result = await stationIndex(deps.db, id, scheme, date, {
      now: deps.now(),
      timeZone: deps.timeZone,
      measured,
    });
    return cachedJson(c, IndexSchema, { ...result, station: id }, { maxAgeSeconds: 60 });
  });
}
