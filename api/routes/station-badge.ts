// GET /api/v1/stations/{id}/badge.svg: the station's current index as an SVG badge (api/index-badge-svg.ts),
// to show with a plain <img> where scripts are stripped. Public, cached a few minutes.
import { createRoute, z } from '@hono/zod-openapi';
import { INDEX_SCHEMES } from '../../data/indices.js';
import { findStation } from '../../data/store/stations.js';
import { notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { indexBadgeSvg } from '../index-badge-svg.js';
import { errorResponse } from '../schemas/error-response.js';
import { stationPath } from '../schemas/params.js';
import { stationIndex } from '../station-indices.js';
import { phenomenaByStation } from '../station-summaries.js';

export const badgeQuery = z.strictObject({
  scheme: z.enum(INDEX_SCHEMES).optional().openapi({ description: 'Index scheme (default atmo).' }),
  lang: z.enum(['fr', 'en']).optional().openapi({ description: 'Language of the badge (default fr).' }),
});

const route = createRoute({
  method: 'get',
  path: '/api/v1/stations/{id}/badge.svg',
  tags: ['indices'],
  summary: "Badge of a station's current index (SVG)",
  description:
    'The current index (as `/index` without `date`) as a 320×56 SVG with its accessible name (`role="img"`, `<title>`, `<desc>`): for an `<img>` where scripts are not allowed.',
  request: { params: stationPath, query: badgeQuery },
  responses: {
    200: { content: { 'image/svg+xml': { schema: z.string() } }, description: 'The badge.' },
    400: errorResponse('A parameter is invalid.'),
    404: errorResponse('No station has this id.'),
  },
});

/** The badge of a station now, or undefined when there is no such station. */
export async function stationBadge(
  deps: AppDeps,
  id: string,
  options: { scheme?: (typeof INDEX_SCHEMES)[number]; lang?: 'fr' | 'en' },
): Promise<string | undefined> {
  const station = await findStation(deps.db, id);
  if (!station) return undefined;
  const measured = (await phenomenaByStation(deps.db, [id])).get(id) ?? [];
  const index = await stationIndex(deps.db, id, options.scheme ?? 'atmo', undefined, {
    now: deps.now(),
    timeZone: deps.timeZone,
    measured,
  });
  return indexBadgeSvg({ name: station.name, index, lang: options.lang ?? 'fr', demo: deps.demo });
}

export function registerStationBadgeRoute(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const svg = await stationBadge(deps, id, c.req.valid('query'));
    if (svg === undefined) throw notFound(`no station "${id}"`);
    return c.body(svg, 200, {
      'Content-Type': 'image/svg+xml; charset=utf-8',
      'Cache-Control': 'public, max-age=300',
      // An <img> on any site: allowed cross-origin under Cross-Origin-Embedder-Policy.
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
  });
}
