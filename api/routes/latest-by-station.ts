// GET /api/v1/latest?phenomenon=pm25&bbox=…: every station's newest value of one phenomenon in one
// request (OpenAQ's most used endpoint), each with its licence and attribution, so a map or a
// script needs one request instead of one per station.
import { createRoute, z } from '@hono/zod-openapi';
import { BulkLatestSchema } from '../../data/analyst-api-schemas.js';
import { dataLicenceOf } from '../../data/data-licence.js';
import { flagNames } from '../../data/flags.js';
import { PHENOMENA, type PhenomenonCode } from '../../data/phenomena.js';
import { isReferenceSource } from '../../data/schema.js';
import { latestByStation } from '../../data/store/latest-by-station.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { cachedJson } from '../http-cache.js';
import { iso } from '../iso.js';
import { errorResponse } from '../schemas/error-response.js';
import { bboxParam, phenomenonParam, sourceParam, timeParam } from '../schemas/params.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/latest',
  tags: ['stations'],
  summary: "Every station's latest value of a phenomenon",
  description:
    "For each station with a series of the phenomenon (within `bbox`, of `source`), its newest reading over all its sensors, with the sensor, flags, validation, public location, licence and attribution. `since` leaves out stations whose newest value is older. Raw readings: an AtmoSud value is an hourly mean stored at the hour's start.",
  request: {
    query: z.strictObject({
      phenomenon: phenomenonParam,
      bbox: bboxParam,
      source: sourceParam,
      since: timeParam('Only values at or after'),
    }),
  },
  responses: {
    200: { content: { 'application/json': { schema: BulkLatestSchema } }, description: 'By station id.' },
    400: errorResponse('A parameter is invalid.'),
  },
});

export function registerLatestByStationRoute(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const q = c.req.valid('query');
    const rows = await latestByStation(deps.db, {
      phenomenon: q.phenomenon,
      bbox: q.bbox,
      source: q.source,
      since: q.since,
    });
    const results = rows.map((r) => ({
      station: r.station,
      source: r.source,
      name: r.name,
      lat: r.lat,
      lon: r.lon,
      sensor: r.sensor,
      unit: r.unit,
      value: r.value,
      t: r.time,
      time: iso(r.time),
      flags: flagNames(r.flags),
      validation: r.validation,
      indicative: !isReferenceSource(r.source),
      ...dataLicenceOf(r),
    }));
    return cachedJson(
      c,
      BulkLatestSchema,
      {
        phenomenon: q.phenomenon,
        unit: PHENOMENA[q.phenomenon as PhenomenonCode].unit,
        count: results.length,
        results,
      },
      { maxAgeSeconds: 30 },
    );
  });
}
