// Admin endpoints (Bearer SOUFFLE_ADMIN_TOKEN, no CORS): register, list, rotate the token of and
// remove devices, through the same store functions as `souffle device`, so both behave alike.
import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { DeviceConnectionSchema, DeviceListSchema } from '../../data/api-schemas.js';
import { deviceConnection } from '../../data/device-connection.js';
import { deviceRegistrationSchema } from '../../data/device-registration.js';
import { createDevice, DeviceConflictError, listDevices, removeDevice } from '../../data/store/devices.js';
import { ApiError, badRequest, notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { rotatedConnection } from '../rotate-token.js';
import { adminAuth } from '../auth.js';
import { noStore } from '../http-cache.js';
import { jsonAnswer } from '../json-answer.js';
import { errorResponse } from '../schemas/error-response.js';
import { booleanParam, idParam } from '../schemas/params.js';
import { iso } from '../iso.js';

const ADMIN_BODY_LIMIT = 16 * 1024;

const security: Array<Record<string, string[]>> = [{ adminToken: [] }];
/** The admin endpoints' middleware: the admin token, no caching, a small body. */
export const admin = (deps: AppDeps): MiddlewareHandler[] => [
  adminAuth(deps.adminToken),
  noStore,
  bodyLimit({
    maxSize: ADMIN_BODY_LIMIT,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `request body is larger than ${ADMIN_BODY_LIMIT} bytes`);
    },
  }),
];
const unauthorized = errorResponse('Missing or wrong admin token.');
const devicePath = z.object({ id: idParam('id', 'Device id.') });

export function registerDeviceRoutes(app: ApiApp, deps: AppDeps): void {
  const middleware = admin(deps);
  // The same rules as `souffle device add` (docs/security.md, Registration).
  const NewDeviceSchema = deviceRegistrationSchema({ serviceUsername: deps.serviceUsername });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/devices',
      tags: ['admin'],
      summary: 'Register a device',
      description: 'Creates the device and its station; the answer holds the token, shown this once.',
      security,
      middleware,
      request: { body: { content: { 'application/json': { schema: NewDeviceSchema } }, required: true } },
      responses: {
        201: { content: { 'application/json': { schema: DeviceConnectionSchema } }, description: 'Created.' },
        400: errorResponse('A field is invalid.'),
        401: unauthorized,
        409: errorResponse('The id or serial is taken.'),
        413: errorResponse('Body too large.'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      try {
        const { device, token } = await createDevice(deps.db, body, deps.now());
        deps.onDevicesChanged?.();
        return jsonAnswer(c, DeviceConnectionSchema, deviceConnection(device, token, deps.settings), 201);
      } catch (e) {
        if (e instanceof DeviceConflictError) throw new ApiError(409, 'conflict', e.message);
        if (e instanceof RangeError) throw badRequest('invalid_json', e.message);
        throw e;
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/devices',
      tags: ['admin'],
      summary: 'List devices',
      description: 'Every device with its station, exact and public location, and when it was last seen.',
      security,
      middleware,
      responses: {
        200: { content: { 'application/json': { schema: DeviceListSchema } }, description: 'The devices.' },
        401: unauthorized,
      },
    }),
    async (c) => {
      const devices = (await listDevices(deps.db)).map((d) => ({
        id: d.id,
        station: d.station_id,
        name: d.name,
        format: d.format,
        serial: d.serial,
        createdAt: iso(d.created_at),
        lastSeen: d.last_seen === null ? null : iso(d.last_seen),
        lat: d.lat,
        lon: d.lon,
        publicLat: d.public_lat,
        publicLon: d.public_lon,
        exposure: d.exposure,
        exactLocation: d.exact_location === 1,
      }));
      return jsonAnswer(c, DeviceListSchema, { devices, count: devices.length }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/devices/{id}/token',
      tags: ['admin'],
      summary: 'Rotate a device token',
      description: 'Issues a new token; the old one stops working at once.',
      security,
      middleware,
      request: { params: devicePath },
      responses: {
        200: {
          content: { 'application/json': { schema: DeviceConnectionSchema } },
          description: 'The new settings.',
        },
        401: unauthorized,
        404: errorResponse('No device has this id.'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      return jsonAnswer(c, DeviceConnectionSchema, await rotatedConnection(deps, id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/devices/{id}',
      tags: ['admin'],
      summary: 'Remove a device',
      description:
        'The device can no longer authenticate. Its station and data stay public unless purge=true, which deletes the station, its series, readings and rollups.',
      security,
      middleware,
      request: {
        params: devicePath,
        query: z.strictObject({ purge: booleanParam('Also delete the station and all its data.') }),
      },
      responses: {
        204: { description: 'Removed.' },
        401: unauthorized,
        404: errorResponse('No device has this id.'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { purge } = c.req.valid('query');
      if (!(await removeDevice(deps.db, id, { purge: purge === true }))) throw notFound(`no device "${id}"`);
      deps.onDevicesChanged?.();
      return c.body(null, 204);
    },
  );
}
