// GET /api/v1/stations and /api/v1/stations/{id}: stations with their public location, the
// phenomena they measure and their status, and with `index=` each one's current index; JSON or
// GeoJSON.
import { createRoute, z } from '@hono/zod-openapi';
import { StationsGeoJsonSchema, StationsSchema, StationSummarySchema } from '../../data/api-schemas.js';
import type { StationSummary } from '../../data/api-types.js';
import { INDEX_SCHEMES } from '../../data/indices.js';
import { distanceMetres } from '../../data/location-privacy.js';
import { findStation, listStations } from '../../data/store/stations.js';
import { badRequest, notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { cachedJson } from '../http-cache.js';
import { errorResponse } from '../schemas/error-response.js';
import {
  bboxParam,
  intParam,
  nearParam,
  phenomenonParam,
  sourceParam,
  stationPath,
} from '../schemas/params.js';
import { labelDemo } from '../demo-label.js';
import { currentIndexByStation } from '../station-list-indices.js';
import { stationSummaries, summaryOf } from '../station-summaries.js';

const DEFAULT_RADIUS_METRES = 5000;

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/stations',
  tags: ['stations'],
  summary: 'List stations',
  description:
    'Citizen and AtmoSud stations with their public location (a ~200 m cell centre for citizen stations unless the owner opted in), phenomena and status.',
  request: {
    query: z.strictObject({
      source: sourceParam,
      phenomenon: phenomenonParam.optional(),
      bbox: bboxParam,
      near: nearParam,
      radius: intParam(
        1,
        1_000_000,
        `Search radius in metres around \`near\` (default ${DEFAULT_RADIUS_METRES}).`,
      ),
      format: z.enum(['json', 'geojson']).optional().openapi({ description: 'json (default) or geojson.' }),
      index: z.enum(INDEX_SCHEMES).optional().openapi({
        description:
          "Include each station's current index in this scheme (`index`: level, label, colour, value, dominant pollutant, pollutants used, partial, the hours used, the reason when unavailable, and for ATMO the local day: today's, else yesterday's), computed for the whole list at once.",
      }),
    }),
  },
  responses: {
    200: {
      content: {
        'application/json': { schema: StationsSchema },
        'application/geo+json': { schema: StationsGeoJsonSchema },
      },
      description: 'The stations, sorted by id (by distance with `near`).',
    },
    400: errorResponse('A parameter is invalid.'),
  },
});

const oneRoute = createRoute({
  method: 'get',
  path: '/api/v1/stations/{id}',
  tags: ['stations'],
  summary: 'One station',
  request: { params: stationPath },
  responses: {
    200: { content: { 'application/json': { schema: StationSummarySchema } }, description: 'The station.' },
    404: errorResponse('No station has this id.'),
  },
});

function toGeoJson(stations: StationSummary[]) {
  return {
    type: 'FeatureCollection' as const,
    features: stations.map(({ lat, lon, ...properties }) => ({
      type: 'Feature' as const,
      id: properties.id,
      geometry: { type: 'Point' as const, coordinates: [lon, lat] },
      properties,
    })),
  };
}

export function registerStationRoutes(app: ApiApp, deps: AppDeps): void {
  app.openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    if (q.radius !== undefined && !q.near)
      throw badRequest('invalid_query', 'query parameter "radius" needs "near=lat,lon"');
    const now = deps.now();
    const stations = await listStations(deps.db, {
      source: q.source,
      phenomenon: q.phenomenon,
      bbox: q.bbox,
    });
    let summaries = (await stationSummaries(deps.db, stations, now)).map((s) => labelDemo(s, deps.demo));
    if (q.near) {
      const centre = q.near;
      const radius = q.radius ?? DEFAULT_RADIUS_METRES;
      summaries = summaries
        .map((s) => ({ ...s, distanceMetres: Math.round(distanceMetres(centre, s)) }))
        .filter((s) => s.distanceMetres <= radius)
        .sort((a, b) => a.distanceMetres - b.distanceMetres || a.id.localeCompare(b.id));
    }
    if (q.index) {
      const scheme = q.index;
      const indices = await currentIndexByStation(deps.db, summaries, scheme, {
        now,
        timeZone: deps.timeZone,
      });
      summaries = summaries.map((s) => ({ ...s, index: indices.get(s.id) }));
    }
    if (q.format === 'geojson') {
      return cachedJson(c, StationsGeoJsonSchema, toGeoJson(summaries), {
        maxAgeSeconds: 60,
        contentType: 'application/geo+json',
      });
    }
    return cachedJson(
      c,
      StationsSchema,
      { stations: summaries, count: summaries.length },
      { maxAgeSeconds: 60 },
    );
  });

  app.openapi(oneRoute, async (c) => {
    const { id } = c.req.valid('param');
    const station = await findStation(deps.db, id);
    if (!station) throw notFound(`no station "${id}"`);
    const summary = await summaryOf(deps.db, station, deps.now());
    return cachedJson(c, StationSummarySchema, labelDemo(summary, deps.demo), { maxAgeSeconds: 60 });
  });
}
