// GET /api/v1/export: every value matching the filters, streamed as CSV, NDJSON or GeoJSON in
// constant memory (pages read by key range as the client consumes them).
import { createRoute, z } from '@hono/zod-openapi';
import { badRequest } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { clientAddress } from '../client-address.js';
import {
  BASE_COLUMNS,
  createEncoder,
  DAILY_COLUMNS,
  DATA_LICENCE,
  QUANTILE_COLUMNS,
  ROLLUP_COLUMNS,
} from '../export/export-formats.js';
import { ExportQuerySchema, planExport, type ExportPlan } from '../export/export-query.js';
import { createExportStream } from '../export/export-stream.js';
import { acquireLargeRead } from '../large-read-limiter.js';
import { errorResponse } from '../schemas/error-response.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/export',
  tags: ['export'],
  summary: 'Export readings (streamed)',
  description: `One row per value, ordered by station, phenomenon, sensor and time, with the columns ${BASE_COLUMNS.join(', ')} (and ${ROLLUP_COLUMNS.join(', ')} for step=1h|1d, where value is the mean of the hour or local day starting at time, and ${[...DAILY_COLUMNS, ...QUANTILE_COLUMNS].join(', ')} for step=1d|1mo|1y: the local date, month or year, the end of the period, and the exact quantiles (Hyndman–Fan type 7) of its valid hourly means; a day is valid with 75 % of its hours, a month or year with 90 %; invalid means are exported with valid=false). lat/lon are the public location. Any size: the export streams in constant memory. Licence: ${DATA_LICENCE.id} (${DATA_LICENCE.url}); attribution: ${DATA_LICENCE.attribution}. CSV text cells that start with = + - @ TAB or CR are prefixed with an apostrophe so that spreadsheets do not run them.`,
  request: { query: ExportQuerySchema },
  responses: {
    200: {
      content: {
        'text/csv': { schema: z.string() },
        'application/x-ndjson': { schema: z.string() },
        'application/geo+json': { schema: z.string() },
      },
      description: 'The export, streamed.',
      headers: z.object({
        Link: z.string().openapi({ description: 'rel="license": the data licence.' }),
        'X-Data-Licence': z.string(),
        'X-Data-Attribution': z.string(),
      }),
    },
    400: errorResponse('A parameter is invalid.'),
    429: errorResponse(
      'Too many exports or large series being read at once, from this address or in all (`too_many_large_reads`): retry after Retry-After seconds.',
    ),
  },
});

function exportFileName(plan: ExportPlan, extension: string): string {
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return `souffle-${plan.phenomenon ?? 'all'}-${plan.step}-${day(plan.from)}-${day(plan.to)}.${extension}`;
}

function exportHeaders(plan: ExportPlan): Record<string, string> {
  const { contentType, extension } = createEncoder(plan);
  return {
    'Content-Type': contentType,
    'Content-Disposition': `attachment; filename="${exportFileName(plan, extension)}"`,
    'Cache-Control': 'no-store',
    Link: `<${DATA_LICENCE.url}>; rel="license"`,
    'X-Data-Licence': DATA_LICENCE.id,
    'X-Data-Attribution': DATA_LICENCE.attribution,
  };
}

export function registerExportRoute(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const plan = planExport(c.req.valid('query'), { now: deps.now(), timeZone: deps.timeZone });
    if ('error' in plan) throw badRequest('invalid_query', plan.error);
    const release = acquireLargeRead(deps.largeReads, clientAddress(c));
    const stream = createExportStream(deps.db, plan, { onEnd: release });
    return new Response(stream, { status: 200, headers: exportHeaders(plan) });
  });
}
