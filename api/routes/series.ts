// GET /api/v1/stations/{id}/series: one phenomenon of a station over time, raw or as hourly or
// daily means (rollups), as JSON, CSV or Parquet, paged with `limit` and an opaque `cursor`. Raw points are
// read in chunks that let other work run between them, and a read of more than one chunk takes a
// large-read slot (docs/security.md, "Public reads and ingest").
import { createRoute, z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { SeriesSchema } from '../../data/api-schemas.js';
import { readSeries, type Point, type Step } from '../../data/store/read-series.js';
import { DAY_MS } from '../../data/store/rollups.js';
import { findStation } from '../../data/store/stations.js';
import type { Database } from '../../data/schema.js';
import { badRequest, notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { clientAddress } from '../client-address.js';
import { DATA_LICENCE } from '../export/export-formats.js';
import { cachedBody } from '../http-cache.js';
import { acquireLargeRead } from '../large-read-limiter.js';
import { decimalsOf, roundValuesInPlace } from '../../data/rounding.js';
import { RAW_SERIES_CHUNK_POINTS, rawSeriesChunks } from '../raw-series-chunks.js';
import { seriesCsvBody, seriesJsonBody, type SeriesBody } from '../series-body.js';
import { seriesParquetBody } from '../series-parquet.js';
import { errorResponse } from '../schemas/error-response.js';
import { intParam, phenomenonParam, stationPath, stepParam, timeParam } from '../schemas/params.js';
import { iso } from '../iso.js';
import { correctPointsInPlace } from '../../data/calibration/correct-points.js';
import { seriesCorrection } from '../../data/store/series-corrections.js';
import { valuesParam } from '../schemas/values-param.js';

const DEFAULT_WINDOW: Record<Step, number> = {
  raw: DAY_MS,
  '1h': 7 * DAY_MS,
  '1d': 365 * DAY_MS,
  '1mo': 5 * 366 * DAY_MS,
  '1y': 20 * 366 * DAY_MS,
};
const DEFAULT_LIMIT = 10_000;
const MAX_LIMIT = 100_000;

const route = createRoute({
  method: 'get',
  path: '/api/v1/stations/{id}/series',
  tags: ['stations'],
  summary: 'Time series of one phenomenon',
  description: `Points {t, value, min, max, n}: raw readings (n = 1, with quality flags), hourly means with their statistics and validity (sd, coverage, valid, nFlagged, nHumid), or daily, monthly and yearly values of local days, months and years (SOUFFLE_TIMEZONE) computed from the valid hourly means, with the local date, UTC bounds and the exact quantiles q02, q25, median, q75, q98 (Hyndman–Fan type 7) of those hourly means; a day is valid with 75 % of its hours, a month or year with 90 %; for buckets starting in [from, to). Invalid means are returned with valid: false. Default range: the last day (raw), 7 days (1h), 365 days (1d), 5 years (1mo) or 20 years (1y) before \`to\` (default now). At most \`limit\` points; \`next\` is the cursor of the following page. A raw answer of more than ${RAW_SERIES_CHUNK_POINTS} points counts as a large read, like an export: a few at once per client address.`,
  request: {
    params: stationPath,
    query: z.strictObject({
      phenomenon: phenomenonParam,
      sensor: z.string().min(1).max(128).optional().openapi({
        description:
          'Sensor series when the station has several for the phenomenon (default: the most recently active).',
      }),
      from: timeParam('Start (inclusive)'),
      to: timeParam('End (exclusive)'),
      step: stepParam,
      limit: intParam(1, MAX_LIMIT, `Maximum points (default ${DEFAULT_LIMIT}).`),
      cursor: z
        .string()
        .max(64)
        .optional()
        .openapi({ description: 'The `next` value of the previous page.' }),
      format: z.enum(['json', 'csv', 'parquet']).optional().openapi({
        description:
          'json (default), csv, or parquet (the CSV columns typed: time and end as UTC timestamps, numbers as float64, strings dictionary-encoded; station, phenomenon, sensor, unit and licence in the file metadata).',
      }),
      values: valuesParam,
    }),
  },
  responses: {
    200: {
      content: {
        'application/json': { schema: SeriesSchema },
        'text/csv': {
          schema: z.string().openapi({
            example: 'time,value,min,max,n,flags,sd,coverage,valid,n_flagged,n_humid,date,end\r\n',
          }),
        },
        'application/vnd.apache.parquet': { schema: z.string().openapi({ format: 'binary' }) },
      },
      description: 'The points, oldest first.',
    },
    400: errorResponse('A parameter is invalid.'),
    404: errorResponse(
      'Unknown station (code not_found), or the station has no series of this phenomenon or sensor (code no_series).',
    ),
    429: errorResponse(
      `A raw read of more than ${RAW_SERIES_CHUNK_POINTS} points while too many exports or large series are being read at once, from this address or in all (\`too_many_large_reads\`): retry after Retry-After seconds, or ask for fewer points (\`limit\`).`,
    ),
  },
});

const encodeCursor = (t: number) => Buffer.from(`t:${t}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const m = /^t:(-?\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m)
    throw badRequest(
      'invalid_query',
      `query parameter "cursor" ${JSON.stringify(cursor)}: not a cursor this API returned`,
    );
  return Number(m[1]);
}

/** The series to show: the requested sensor's, else the one with the newest reading. */
async function pickSeries(db: Kysely<Database>, stationId: string, phenomenon: string, sensor?: string) {
  let q = db
    .selectFrom('series as s')
    .select([
      's.id',
      's.sensor',
      's.unit',
      (eb) =>
        eb
          .selectFrom('readings as r')
          .select((r) => r.fn.max('r.time').as('t'))
          .whereRef('r.series_id', '=', 's.id')
          .as('last'),
    ])
    .where('s.station_id', '=', stationId)
    .where('s.phenomenon', '=', phenomenon);
  if (sensor !== undefined) q = q.where('s.sensor', '=', sensor);
  const rows = await q.execute();
  rows.sort((a, b) => (b.last ?? -1) - (a.last ?? -1) || a.sensor.localeCompare(b.sensor));
  return rows[0];
}

/** The cursor of the page after a full one. */
function nextCursor(body: SeriesBody, limit: number): string | null {
  const last = body.lastTime();
  return body.count() === limit && last !== undefined ? encodeCursor(last) : null;
}

export function registerSeriesRoute(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const step = q.step ?? '1h';
    const to = q.to ?? deps.now();
    const from = q.from ?? to - DEFAULT_WINDOW[step];
    if (from >= to)
      throw badRequest(
        'invalid_query',
        `query parameter "from" must be before "to" (${iso(from)} ≥ ${iso(to)})`,
      );
    const limit = q.limit ?? DEFAULT_LIMIT;
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (!(await findStation(deps.db, id))) throw notFound(`no station "${id}"`);
    const series = await pickSeries(deps.db, id, q.phenomenon, q.sensor);
    if (!series) {
      throw notFound(
        `station "${id}" has no ${q.phenomenon} series${q.sensor === undefined ? '' : ` from sensor "${q.sensor}"`}`,
        'no_series',
      );
    }
    // Values leave rounded to the phenomenon's decimals (data/rounding.ts), corrected by the
    // series' calibration unless raw values are asked for (docs/methods.md, "Calibration").
    const decimals = decimalsOf(q.phenomenon);
    const correction = await seriesCorrection(deps.db, {
      stationId: id,
      phenomenon: q.phenomenon,
      sensor: series.sensor,
      from,
      to,
    });
    const correct = correction !== null && q.values !== 'raw';
    const prepare = (chunk: Point[]) => {
      if (correct)
        correctPointsInPlace(chunk, correction.corrections, {
          humidityAt: correction.humidityAt,
          aggregated: step !== 'raw' && step !== '1h',
        });
      return roundValuesInPlace(chunk, decimals);
    };
    // Released once the answer is built (or failed): its body is then in memory, sent by the socket.
    let release: (() => void) | undefined;
    try {
      const read = { seriesId: series.id, from, to, limit, after };
      const chunks =
        step === 'raw'
          ? rawSeriesChunks(deps.db, read, {
              onLarge: () => (release = acquireLargeRead(deps.largeReads, clientAddress(c))),
            })
          : [await readSeries(deps.db, { ...read, step, timeZone: deps.timeZone, now: deps.now() })];
      // Each chunk is encoded as it arrives, so that this work too is spread between the chunks.
      if (q.format === 'csv' || q.format === 'parquet') {
        const parquet = q.format === 'parquet';
        const meta = { station: id, phenomenon: q.phenomenon, sensor: series.sensor, unit: series.unit };
        const body = parquet
          ? seriesParquetBody({ ...meta, step, calibrated: correct })
          : seriesCsvBody(step, correct);
        for await (const chunk of chunks) body.add(prepare(chunk));
        const next = nextCursor(body, limit);
        const headers: Record<string, string> = {
          'Content-Disposition': `attachment; filename="${id}-${q.phenomenon}-${step}.${q.format}"`,
          Link: `<${DATA_LICENCE.url}>; rel="license"`,
        };
        if (next) {
          const url = new URL(c.req.url);
          url.searchParams.set('cursor', next);
          headers.Link += `, <${url.pathname}${url.search}>; rel="next"`;
        }
        return await cachedBody(c, 'bytes' in body ? body.bytes() : body.text(), {
          maxAgeSeconds: 60,
          contentType: parquet ? 'application/vnd.apache.parquet' : 'text/csv; charset=utf-8; header=present',
          compressible: !parquet,
          headers,
        });
      }
      const body = seriesJsonBody(step);
      for await (const chunk of chunks) body.add(prepare(chunk));
      const head = {
        station: id,
        phenomenon: q.phenomenon,
        sensor: series.sensor,
        unit: series.unit,
        step,
        from: iso(from),
        to: iso(to),
        ...(correction ? { corrected: correct } : {}),
      };
      return await cachedBody(c, body.text(head, nextCursor(body, limit)), { maxAgeSeconds: 60 });
    } finally {
      release?.();
    }
  });
}
