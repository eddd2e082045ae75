// GET /api/v1/stations/{id}/latest: the newest value of each series, and the current indices
// (ATMO of the local day today, or of yesterday while today has too few completed hours; EAQI of
// the latest completed hours; US AQI NowCast), each indicative and stating the hours it used.
import { createRoute, z } from '@hono/zod-openapi';
import { correctPointsInPlace } from '../../data/calibration/correct-points.js';
import { seriesCorrection } from '../../data/store/series-corrections.js';
import { valuesParam } from '../schemas/values-param.js';
import { LatestSchema } from '../../data/api-schemas.js';
import type { LatestValue } from '../../data/api-types.js';
import { flagNames } from '../../data/flags.js';
import { seriesWithLatest } from '../../data/store/latest.js';
import type { Point } from '../../data/store/series-points.js';
import { findStation } from '../../data/store/stations.js';
import { notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { cachedJson } from '../http-cache.js';
import { errorResponse } from '../schemas/error-response.js';
import { iso } from '../iso.js';
import { stationPath } from '../schemas/params.js';
import { currentIndices } from '../station-indices.js';
import { labelDemo } from '../demo-label.js';
import { hourInProgress } from '../../data/indices.js';
import { sameMeasured, storedIndices } from '../../data/store/current-indices.js';
import { toSummary } from '../station-summaries.js';
import { decimalsOf, roundTo } from '../../data/rounding.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/stations/{id}/latest',
  tags: ['stations'],
  summary: 'Latest values and current indices',
  description:
    'The newest reading of each series of the station, with the ATMO index of today (UTC day, from hourly means) or, while today has fewer than 18 hours of every pollutant, of yesterday (`indices.atmo.date` and `indices.atmo.day` say which), the EAQI of the latest hourly means (at most 2 hours old) and the US AQI from the PM NowCast of the last 12 hours. Indices from citizen sensors are indicative, never official.',
  request: { params: stationPath, query: z.strictObject({ values: valuesParam }) },
  responses: {
    200: { content: { 'application/json': { schema: LatestSchema } }, description: 'Latest values.' },
    404: errorResponse('No station has this id.'),
  },
});

export function registerLatestRoute(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const { values: asked } = c.req.valid('query');
    const now = deps.now();
    // Cached until the database changes; indices of now are the same through an hour.
    const key = `latest:${id}:${asked === 'raw' ? 'raw' : 'corrected'}:${hourInProgress(now)}:${deps.timeZone}`;
    const answer = await deps.answers.get(key, () => latestOf(deps, id, asked, now));
    if (!answer) throw notFound(`no station "${id}"`);
    const summary = labelDemo(toSummary(answer.station, answer.phenomena, answer.lastSeen, now), deps.demo);
    return cachedJson(
      c,
      LatestSchema,
      { station: summary, values: answer.values, indices: answer.indices, indicative: summary.indicative },
      // Revalidated every time (ETag, 304 without a body): a widget told of a new reading by the
      // live stream must not be served the copy its browser kept.
      { maxAgeSeconds: 0 },
    );
  });
}

/** What /latest answers of a station besides its status (which moves with the clock). */
async function latestOf(deps: AppDeps, id: string, asked: string | undefined, now: number) {
  const station = await findStation(deps.db, id);
  if (!station) return undefined;
  const series = await seriesWithLatest(deps.db, id);
  const values: LatestValue[] = [];
  let lastSeen: number | null = null;
  for (const s of series) {
    if (s.time === null || s.value === null) continue;
    if (lastSeen === null || s.time > lastSeen) lastSeen = s.time;
    const correction =
      station.source === 'citizen'
        ? await seriesCorrection(deps.db, {
            stationId: id,
            phenomenon: s.phenomenon,
            sensor: s.sensor,
            from: s.time,
            to: s.time + 1,
          })
        : null;
    // The newest reading as a point, corrected like the series' points (docs/methods.md).
    const point = { t: s.time, value: s.value as number | null, min: null, max: null, n: 1 } as Point;
    if (correction && asked !== 'raw')
      correctPointsInPlace([point], correction.corrections, { humidityAt: correction.humidityAt });
    const decimals = decimalsOf(s.phenomenon);
    values.push({
      phenomenon: s.phenomenon,
      sensor: s.sensor,
      unit: s.unit,
      value: roundTo(point.value ?? s.value, decimals),
      t: s.time,
      time: iso(s.time),
      flags: flagNames(s.flags ?? 0),
      validation: s.validation,
      ...(correction ? { corrected: point.calibrationId !== undefined } : {}),
      ...(point.calibrationId !== undefined
        ? { raw: roundTo(s.value, decimals), calibrationId: point.calibrationId }
        : {}),
    });
  }
  const phenomena = [...new Set(series.map((s) => s.phenomenon))];
  const clock = { now, timeZone: deps.timeZone };
  // The indices stored for this hour (data/store/current-indices.ts), else computed from the rollups.
  const stored = (await storedIndices(deps.db, [id], clock)).get(id);
  const indices =
    stored?.atmo && stored.eaqi && stored.usaqi && sameMeasured(stored.measured, phenomena)
      ? { atmo: stored.atmo, eaqi: stored.eaqi, usaqi: stored.usaqi }
      : await currentIndices(deps.db, id, { ...clock, measured: phenomena });
  return { station, phenomena, lastSeen, values, indices };
}
