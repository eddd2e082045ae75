// The owner's own endpoints behind "Mon capteur" (/my), authenticated with the device's id and token
// (Basic, or Bearer with the id in the path; wrong tokens throttled like every device login): rename,
// move it (past readings keep their place), publish or hide the exact location, indoor or outdoor, announce it to Home Assistant; rotate the token; delete the sensor and all
// its data. Each answers only for the device whose credentials were given.
import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { DeviceConnectionSchema } from '../../data/api-schemas.js';
import { deviceRegistrationSchema } from '../../data/device-registration.js';
import { removeDevice } from '../../data/store/devices.js';
import { isAnnounced, setHomeAssistant } from '../../data/store/home-assistant-optin.js';
import { updateOwnerSettings } from '../../data/store/owner-settings.js';
import { moveStation } from '../../data/store/station-locations.js';
import { ApiError, badRequest, notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { rotatedConnection } from '../rotate-token.js';
import { authenticateRequestDevice } from '../auth.js';
import { noStore } from '../http-cache.js';
import { jsonAnswer } from '../json-answer.js';
import { errorResponse } from '../schemas/error-response.js';
import { idParam } from '../schemas/params.js';

const BODY_LIMIT = 4 * 1024;
const security: Array<Record<string, string[]>> = [{ deviceBasic: [] }, { deviceBearer: [] }];
const path = z.object({ id: idParam('id', 'My device id.') });
const middleware = [
  noStore,
  bodyLimit({
    maxSize: BODY_LIMIT,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `request body is larger than ${BODY_LIMIT} bytes`);
    },
  }),
];
const unauthorized = errorResponse('Missing or wrong device credentials (an unknown id answers 401 too).');
const throttled = errorResponse('Too many failed logins from this address; see Retry-After.');

const registration = deviceRegistrationSchema().shape;
const SettingsSchema = z
  .strictObject({
    name: registration.name.optional(),
    exactLocation: registration.exactLocation,
    exposure: registration.exposure,
    lat: registration.lat.optional().openapi({
      description: 'Move the sensor (with lon): past readings keep the place they were taken at.',
    }),
    lon: registration.lon.optional(),
    homeAssistant: z.boolean().optional().openapi({
      description:
        'Announce the sensor to Home Assistant over MQTT discovery (docs/citizens.md); false removes its entities.',
    }),
  })
  .openapi('OwnerSettings');

const OwnerStationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    exactLocation: z.boolean(),
    exposure: z.enum(['outdoor', 'indoor']),
    lat: z.number().openapi({ description: 'The exact location (the owner sees it).' }),
    lon: z.number(),
    publicLat: z.number().openapi({ description: 'What the public map shows.' }),
    publicLon: z.number(),
    homeAssistant: z.boolean().openapi({ description: 'Announced to Home Assistant.' }),
  })
  .openapi('OwnerStation');

export function registerMyDeviceRoutes(app: ApiApp, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/my/{id}',
      tags: ['devices'],
      summary: 'Change my sensor',
      description:
        'The owner renames their sensor, publishes or hides its exact location (else the centre of its ~200 m cell is shown), or says it is indoor or outdoor. Device credentials.',
      security,
      middleware,
      request: {
        params: path,
        body: { content: { 'application/json': { schema: SettingsSchema } }, required: true },
      },
      responses: {
        200: {
          content: { 'application/json': { schema: OwnerStationSchema } },
          description: 'The station now.',
        },
        400: errorResponse('A field is invalid.'),
        401: unauthorized,
        429: throttled,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const device = await authenticateRequestDevice(c, deps, id);
      const { homeAssistant, lat, lon, ...settings } = c.req.valid('json');
      if ((lat === undefined) !== (lon === undefined)) {
        throw badRequest('invalid_json', 'body fields "lat" and "lon": give both to move the sensor');
      }
      if (lat !== undefined && lon !== undefined) {
        const moved = await moveStation(deps.db, device.station_id, { lat, lon }, deps.now());
        if (!moved) throw notFound(`no citizen station "${device.station_id}"`);
      }
      const s = await updateOwnerSettings(deps.db, device.station_id, settings, deps.now());
      if (!s) throw notFound(`no citizen station "${device.station_id}"`);
      if (homeAssistant !== undefined) await setHomeAssistant(deps.db, s.id, homeAssistant);
      const announced = homeAssistant ?? isAnnounced(s.ha_discovery);
      return jsonAnswer(
        c,
        OwnerStationSchema,
        {
          id: s.id,
          name: s.name,
          exactLocation: s.exact_location === 1,
          exposure: s.exposure,
          lat: s.lat,
          lon: s.lon,
          publicLat: s.public_lat,
          publicLon: s.public_lon,
          homeAssistant: announced,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/my/{id}/token',
      tags: ['devices'],
      summary: 'Rotate my token',
      description:
        'A new token for the sensor, shown this once; the old one stops working at once (the sensor must be given the new one).',
      security,
      middleware,
      request: { params: path },
      responses: {
        200: {
          content: { 'application/json': { schema: DeviceConnectionSchema } },
          description: 'The new settings.',
        },
        401: unauthorized,
        429: throttled,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await authenticateRequestDevice(c, deps, id);
      return jsonAnswer(c, DeviceConnectionSchema, await rotatedConnection(deps, id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/my/{id}',
      tags: ['devices'],
      summary: 'Delete my sensor and its data',
      description:
        'Deletes the device, its station, series, readings and error log. `confirm` must repeat the id: a deletion cannot be undone.',
      security,
      middleware,
      request: {
        params: path,
        query: z.strictObject({
          confirm: z.string().openapi({ description: 'The device id again.', example: 'balcon-chave' }),
        }),
      },
      responses: {
        204: { description: 'Deleted.' },
        400: errorResponse('`confirm` is not the device id.'),
        401: unauthorized,
        429: throttled,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { confirm } = c.req.valid('query');
      await authenticateRequestDevice(c, deps, id);
      if (confirm !== id)
        throw badRequest('invalid_query', `query parameter "confirm" must repeat the device id "${id}"`);
      await removeDevice(deps.db, id, { purge: true });
      deps.onDevicesChanged?.();
      return c.body(null, 204);
    },
  );
}
