// GET /api/v1/stations/{id}/compare: a station's valid hourly means beside those of a reference
// station (by default the nearest background AtmoSud station measuring the phenomenon, within a
// radius: data/reference-choice.ts), with how well they agree (data/comparison-metrics.ts) and,
// where a calibration applies, the corrected values and their agreement (api/compare-correction.ts).
import { createRoute, z } from '@hono/zod-openapi';
import { CompareSchema } from '../../data/compare-api-schemas.js';
import type { CompareResponse } from '../../data/api-types.js';
import { comparisonMetrics } from '../../data/comparison-metrics.js';
import { getPhenomenon } from '../../data/phenomena.js';
import {
  askedReference,
  DEFAULT_REFERENCE_RADIUS_METRES,
  explainChoice,
} from '../../data/reference-choice.js';
import { candidateOf, nearestReference } from '../../data/store/reference-candidates.js';
import { DAY_MS } from '../../data/store/rollups.js';
import { findStation, listStations } from '../../data/store/stations.js';
import { badRequest, notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { correctHourly } from '../compare-correction.js';
import { cachedJson } from '../http-cache.js';
import { iso } from '../iso.js';
import { decimalsOf } from '../../data/rounding.js';
import { roundMetrics, roundPointsInPlace } from '../compare-rounding.js';
import { pooledHourly } from '../pooled-hourly.js';
import { errorResponse } from '../schemas/error-response.js';
import { intParam, phenomenonParam, stationPath, timeParam } from '../schemas/params.js';
import { labelDemo } from '../demo-label.js';
import { phenomenaByStation, summaryOf } from '../station-summaries.js';

const COMPARE_DEFAULT_DAYS = 7;
const COMPARE_MAX_DAYS = 366;
const MAX_RADIUS_METRES = 200_000;

const route = createRoute({
  method: 'get',
  path: '/api/v1/stations/{id}/compare',
  tags: ['stations'],
  summary: 'Compare with a reference station',
  description: `Valid hourly means of the station and of a reference station, paired hour by hour, with their agreement (n, bias, MAE, RMSE, R², slope and intercept, on hourly pairs and on 24-hour means of local days with 75 % of their hours paired) and the coverage of the pairing. The reference is, by default, the nearest AtmoSud **background** station measuring the phenomenon within \`radius\` (then one of unknown type; traffic and industrial stations only with \`reference=nearest-any\` or by id); \`choice\` explains the choice. Where a calibration applies, \`corrected\` values and their metrics come too. Default range: the ${COMPARE_DEFAULT_DAYS} days before \`to\` (default now); at most ${COMPARE_MAX_DAYS} days.`,
  request: {
    params: stationPath,
    query: z.strictObject({
      phenomenon: phenomenonParam,
      from: timeParam('Start (inclusive)'),
      to: timeParam('End (exclusive)'),
      reference: z.string().min(1).max(200).optional().openapi({
        description:
          '`nearest` (default: the nearest background station), `nearest-any` (any type, traffic included), or a station id.',
        example: 'atmosud-FR03043',
      }),
      radius: intParam(
        100,
        MAX_RADIUS_METRES,
        `Search radius of nearest and nearest-any, metres (default ${DEFAULT_REFERENCE_RADIUS_METRES}).`,
      ),
    }),
  },
  responses: {
    200: {
      content: { 'application/json': { schema: CompareSchema } },
      description: 'Both hourly series and their agreement.',
    },
    400: errorResponse('A parameter is invalid, or the asked reference does not measure the phenomenon.'),
    404: errorResponse('No station has this id, or no station the asked reference id.'),
  },
});

export function registerCompareRoute(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const now = deps.now();
    const to = q.to ?? now;
    const from = q.from ?? to - COMPARE_DEFAULT_DAYS * DAY_MS;
    if (from >= to)
      throw badRequest(
        'invalid_query',
        `query parameter "from" must be before "to" (${iso(from)} ≥ ${iso(to)})`,
      );
    if (to - from > COMPARE_MAX_DAYS * DAY_MS) {
      throw badRequest(
        'invalid_query',
        `query parameters "from" and "to" span more than ${COMPARE_MAX_DAYS} days`,
      );
    }
    const station = await findStation(deps.db, id);
    if (!station) throw notFound(`no station "${id}"`);
    const here = { lat: station.public_lat, lon: station.public_lon };
    const asked = q.reference ?? 'nearest';

    let choice;
    if (asked === 'nearest' || asked === 'nearest-any') {
      choice = await nearestReference(deps.db, {
        stationId: id,
        here,
        phenomenon: q.phenomenon,
        rule: asked,
        radiusMetres: q.radius,
      });
    } else {
      if (asked === id) throw badRequest('invalid_query', `a station cannot be its own reference ("${id}")`);
      const ref = await findStation(deps.db, asked);
      if (!ref) throw notFound(`no reference station "${asked}"`);
      const measures = await listStations(deps.db, { phenomenon: q.phenomenon });
      if (!measures.some((s) => s.id === asked)) {
        throw badRequest('invalid_query', `reference station "${asked}" does not measure ${q.phenomenon}`);
      }
      choice = askedReference(here, candidateOf(ref));
    }

    const chosen = choice.chosen;
    const own = await pooledHourly(deps.db, { stationId: id, phenomenon: q.phenomenon, from, to, now });
    const ref = chosen
      ? await pooledHourly(deps.db, { stationId: chosen.id, phenomenon: q.phenomenon, from, to, now })
      : new Map<number, number>();
    const correction = await correctHourly(deps.db, {
      stationId: id,
      phenomenon: q.phenomenon,
      hourly: own,
      now,
    });
    const hours = [...new Set([...own.keys(), ...ref.keys()])].sort((a, b) => a - b);
    const points: CompareResponse['points'] = hours.map((t) => ({
      t,
      value: own.get(t) ?? null,
      reference: ref.get(t) ?? null,
      ...(correction ? { corrected: correction.values.get(t) ?? null } : {}),
    }));
    const window = { from, to, now, timeZone: deps.timeZone };
    const decimals = decimalsOf(q.phenomenon);
    // Metrics on the exact means first; every output number is rounded after (data/rounding.ts).
    const metrics = roundMetrics(comparisonMetrics(points, window), decimals);
    const correctedMetrics = correction
      ? roundMetrics(
          comparisonMetrics(points, window, (p) => p.corrected ?? null),
          decimals,
        )
      : null;
    roundPointsInPlace(points, decimals);

    let reference: CompareResponse['reference'] = null;
    if (chosen) {
      const refStation = (await findStation(deps.db, chosen.id))!;
      const phenomena = await phenomenaByStation(deps.db, [id, chosen.id]);
      const mine = new Set(phenomena.get(id) ?? []);
      reference = {
        station: labelDemo(await summaryOf(deps.db, refStation, now), deps.demo),
        distanceMetres: chosen.distanceMetres,
        stationType: chosen.stationType,
        sharedPhenomena: (phenomena.get(chosen.id) ?? []).filter((p) => mine.has(p)),
      };
    }
    return cachedJson(
      c,
      CompareSchema,
      {
        station: id,
        phenomenon: q.phenomenon,
        unit: getPhenomenon(q.phenomenon)?.unit ?? '',
        from: iso(from),
        to: iso(to),
        reference,
        choice: {
          how: choice.how,
          radiusMetres: choice.radiusMetres,
          explanation: explainChoice(choice),
          passedOver: choice.passedOver,
          nearestOutside: choice.nearestOutside
            ? {
                id: choice.nearestOutside.id,
                name: choice.nearestOutside.name,
                stationType: choice.nearestOutside.stationType,
                distanceMetres: choice.nearestOutside.distanceMetres,
              }
            : null,
        },
        points,
        metrics,
        correction:
          correction && correctedMetrics
            ? {
                calibrationId: correction.calibrationId,
                description: correction.description,
                metrics: correctedMetrics,
              }
            : null,
      },
      { maxAgeSeconds: 60 },
    );
  });
}
