// GET /api/v1/devices/{id}/status: for the device's owner (its own credentials), whether the
// platform hears the sensor, how many values it stored today, and why values were rejected.
import { parseStoredMapping } from '../../data/json-map.js';
import { isAnnounced } from '../../data/store/home-assistant-optin.js';
import { createRoute, z } from '@hono/zod-openapi';
import { DeviceStatusSchema } from '../../data/api-schemas.js';
import { parseIgnoredTypes } from '../../data/store/device-extras.js';
import { listIngestErrors } from '../../data/store/ingest-errors.js';
import { lastReadingTimes } from '../../data/store/latest.js';
import { localDayOf } from '../../data/local-days.js';
import { countReadingFlags } from '../../data/store/reading-flags.js';
import { DAY_MS } from '../../data/store/rollups.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { authenticateRequestDevice } from '../auth.js';
import { noStore } from '../http-cache.js';
import { jsonAnswer } from '../json-answer.js';
import { errorResponse } from '../schemas/error-response.js';
import { idParam } from '../schemas/params.js';
import { iso } from '../iso.js';
import { statusOf } from '../station-status.js';

const STATUS_ERRORS_SHOWN = 20;

const route = createRoute({
  method: 'get',
  path: '/api/v1/devices/{id}/status',
  tags: ['devices'],
  summary: 'Status of my device',
  description: `For the device's owner: Basic auth with the device id and token, or Bearer with the token. Last message and reading, values stored since local midnight (SOUFFLE_TIMEZONE), including those left out of means for a quality flag, readings of the last 24 hours flagged by each quality check, the value types it sends that are not stored, and the ${STATUS_ERRORS_SHOWN} most recent ingest errors with their reasons.`,
  security: [{ deviceBasic: [] }, { deviceBearer: [] }] as Array<Record<string, string[]>>,
  middleware: [noStore],
  request: { params: z.object({ id: idParam('id', 'Device id.') }) },
  responses: {
    200: { content: { 'application/json': { schema: DeviceStatusSchema } }, description: 'The status.' },
    401: errorResponse('Missing or wrong device credentials (an unknown id answers 401 too).'),
    429: errorResponse('Too many failed logins from this address; see Retry-After.'),
  },
});

export function registerDeviceStatusRoute(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const device = await authenticateRequestDevice(c, deps, id);
    const now = deps.now();
    const day = localDayOf(now, deps.timeZone);
    const [last, today, flagged, errors] = await Promise.all([
      lastReadingTimes(deps.db, [device.station_id]),
      // The hours of today's local day: every stored value, counted in a mean or left out for a flag.
      deps.db
        .selectFrom('rollups_hourly as r')
        .innerJoin('series as s', 's.id', 'r.series_id')
        .select((eb) => eb.fn.sum<number>(eb(eb.ref('r.n'), '+', eb.ref('r.n_flagged'))).as('n'))
        .where('s.station_id', '=', device.station_id)
        .where('r.bucket', '>=', day.start)
        .where('r.bucket', '<', day.end)
        .executeTakeFirst(),
      countReadingFlags(deps.db, device.station_id, now - DAY_MS),
      listIngestErrors(deps.db, { deviceId: device.id, limit: STATUS_ERRORS_SHOWN }),
    ]);
    const lastReading = last.get(device.station_id) ?? null;
    const heard = Math.max(device.last_seen ?? -Infinity, lastReading ?? -Infinity);
    return jsonAnswer(
      c,
      DeviceStatusSchema,
      {
        device: device.id,
        station: device.station_id,
        format: device.format,
        status: statusOf(Number.isFinite(heard) ? heard : null, now),
        lastSeen: device.last_seen === null ? null : iso(device.last_seen),
        lastReading: lastReading === null ? null : iso(lastReading),
        valuesToday: Number(today?.n ?? 0),
        flagged24h: flagged,
        ignored: parseIgnoredTypes(device.ignored_types),
        mobile: device.mobile === 1,
        homeAssistant: isAnnounced(
          (
            await deps.db
              .selectFrom('stations')
              .select('ha_discovery')
              .where('id', '=', device.station_id)
              .executeTakeFirst()
          )?.ha_discovery ?? 0,
        ),
        ...(device.format === 'json-map' ? { map: parseStoredMapping(device.json_map) } : {}),
        errors: errors.map((e) => ({
          time: iso(e.time),
          reason: e.reason,
          topic: e.topic,
          payload: e.payload,
        })),
      },
      200,
    );
  });
}
