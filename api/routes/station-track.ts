// GET /api/v1/stations/{id}/track: where a mobile citizen kit has been (issue 15). The fixes are
// stored exact (data/store/device-extras.ts) and shown as the station's own location is: snapped
// to the centre of its ~200 m cell unless the owner opted in to the exact location.
import { createRoute, z } from '@hono/zod-openapi';
import { publicLocation } from '../../data/location-privacy.js';
import { readTrack } from '../../data/store/device-extras.js';
import { DAY_MS } from '../../data/store/rollups.js';
import { findStation } from '../../data/store/stations.js';
import { badRequest, notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { iso } from '../iso.js';
import { jsonAnswer } from '../json-answer.js';
import { errorResponse } from '../schemas/error-response.js';
import { stationPath, timeParam } from '../schemas/params.js';

/** Points per answer: a fix every 145 s is ~600 a day, so a month fits. */
const MAX_POINTS = 20_000;

const TrackSchema = z
  .object({
    station: z.string(),
    /** False when the points are ~200 m cell centres (the owner did not opt in to exact locations). */
    exact: z.boolean(),
    from: z.string(),
    to: z.string(),
    /** True when more points lie in the window than MAX_POINTS: ask again from the last one. */
    truncated: z.boolean(),
    points: z.array(z.object({ time: z.string(), lat: z.number(), lon: z.number() })),
  })
  .openapi('StationTrack');

const route = createRoute({
  method: 'get',
  path: '/api/v1/stations/{id}/track',
  tags: ['stations'],
  summary: "A mobile kit's track",
  description: `The GPS fixes of a citizen station whose device is marked mobile, oldest first (at most ${MAX_POINTS}); default window the last 24 hours. Shown on the ~200 m privacy grid unless the owner opted in to the exact location. A station that is not mobile has an empty track.`,
  request: {
    params: stationPath,
    query: z.strictObject({ from: timeParam('Start (inclusive)'), to: timeParam('End (exclusive)') }),
  },
  responses: {
    200: { content: { 'application/json': { schema: TrackSchema } }, description: 'The track.' },
    400: errorResponse('A bad time, or from not before to.'),
    404: errorResponse('No such station.'),
  },
});

export function registerStationTrackRoute(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const query = c.req.valid('query');
    const to = query.to ?? deps.now();
    const from = query.from ?? to - DAY_MS;
    if (from >= to) throw badRequest('invalid_query', 'query parameter "from" must be before "to"');
    const station = await findStation(deps.db, id);
    if (!station) throw notFound(`no station "${id}"`);
    const device = await deps.db
      .selectFrom('devices')
      .select('id')
      .where('station_id', '=', id)
      .where('mobile', '=', 1)
      .executeTakeFirst();
    const rows = device ? await readTrack(deps.db, device.id, { from, to, limit: MAX_POINTS + 1 }) : [];
    const exact = station.source !== 'citizen' || station.exact_location === 1;
    const points = rows.slice(0, MAX_POINTS).map((p) => ({
      time: iso(p.time),
      ...publicLocation({ lat: p.lat, lon: p.lon }, { exact }),
    }));
    return jsonAnswer(
      c,
      TrackSchema,
      { station: id, exact, from: iso(from), to: iso(to), truncated: rows.length > MAX_POINTS, points },
      200,
    );
  });
}
