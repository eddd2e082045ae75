// GET /api/v1/communes/{insee}/index: the official ATMO index of a commune as AtmoSud published it
// (pulled by the ingest worker into commune_indices). Official, unlike citizen-derived indices.
import { createRoute, z } from '@hono/zod-openapi';
import { CommuneIndexSchema } from '../../data/api-schemas.js';
import type { CommuneIndexResponse } from '../../data/api-types.js';
import { ATMO_LEVELS, UNAVAILABLE } from '../../data/indices.js';
import type { CommuneIndex } from '../../data/schema.js';
import { notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { cachedJson } from '../http-cache.js';
import { errorResponse } from '../schemas/error-response.js';
import { dateParam } from '../schemas/params.js';
import { iso } from '../iso.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/communes/{insee}/index',
  tags: ['indices'],
  summary: 'Official ATMO index of a commune (AtmoSud)',
  description:
    "The ATMO index AtmoSud published for the commune and day (local day, Europe/Paris). Without `date`: today's, or the newest before today if today's is not published yet.",
  request: {
    params: z.object({
      insee: z
        .string()
        .regex(/^(?:\d{5}|2[AB]\d{3})$/, 'expected an INSEE commune code (5 characters, e.g. 13055)')
        .openapi({
          param: { name: 'insee', in: 'path' },
          example: '13055',
          description: 'INSEE code of the commune.',
        }),
    }),
    query: z.strictObject({ date: dateParam('Day of the index (YYYY-MM-DD).') }),
  },
  responses: {
    200: {
      content: { 'application/json': { schema: CommuneIndexSchema } },
      description: 'The official index.',
    },
    400: errorResponse('A parameter is invalid.'),
    404: errorResponse('No index for this commune (and day).'),
  },
});

const parisDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

function communeIndexResponse(row: CommuneIndex): CommuneIndexResponse {
  const level = ATMO_LEVELS.find((l) => l.code === row.code_qual);
  const incident = row.code_qual === 7 || row.code_qual === 8;
  const label = level?.label ?? (incident ? { fr: 'Événement', en: 'Incident' } : UNAVAILABLE.label);
  return {
    insee: row.insee,
    date: row.date,
    zone: row.lib_zone,
    level: row.code_qual,
    label: { fr: row.lib_qual ?? label.fr, en: label.en },
    colour: row.coul_qual ?? level?.colour ?? UNAVAILABLE.colour,
    pollutants: {
      no2: row.code_no2,
      so2: row.code_so2,
      o3: row.code_o3,
      pm10: row.code_pm10,
      pm25: row.code_pm25,
    },
    official: true,
    indicative: false,
    source: row.source,
    pulledAt: iso(row.pulled_at),
    attribution: 'AtmoSud',
    licence: 'ODbL-1.0',
  };
}

export function registerCommuneRoute(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const { insee } = c.req.valid('param');
    const { date } = c.req.valid('query');
    let q = deps.db.selectFrom('commune_indices').selectAll().where('insee', '=', insee);
    q = date
      ? q.where('date', '=', date)
      : q.where('date', '<=', parisDay.format(deps.now())).orderBy('date', 'desc').limit(1);
    const row = await q.executeTakeFirst();
    if (!row) throw notFound(`no ATMO index for commune ${insee}${date ? ` on ${date}` : ''}`);
    return cachedJson(c, CommuneIndexSchema, communeIndexResponse(row), { maxAgeSeconds: 300 });
  });
}
