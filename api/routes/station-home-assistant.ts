// PUT /api/v1/stations/{id}/home-assistant (admin): announce any station, citizen or reference, to
// Home Assistant over MQTT discovery, or stop (docs/citizens.md, "Home Assistant"). A sensor's
// owner does the same for their own from /my (PATCH /api/v1/my/{id}, `homeAssistant`).
import { createRoute, z } from '@hono/zod-openapi';
import { setHomeAssistant } from '../../data/store/home-assistant-optin.js';
import { notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { jsonAnswer } from '../json-answer.js';
import { errorResponse } from '../schemas/error-response.js';
import { stationPath } from '../schemas/params.js';
import { admin } from './devices.js';

const HomeAssistantSchema = z
  .object({ station: z.string(), enabled: z.boolean() })
  .openapi('StationHomeAssistant');

export function registerStationHomeAssistantRoutes(app: ApiApp, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/stations/{id}/home-assistant',
      tags: ['admin'],
      summary: 'Announce a station to Home Assistant',
      description:
        'true: the ingest process publishes retained MQTT discovery configs and states for the station to SOUFFLE_HA_MQTT_URL; false: empty retained configs remove its entities.',
      security: [{ adminToken: [] }],
      middleware: admin(deps),
      request: {
        params: stationPath,
        body: {
          content: { 'application/json': { schema: z.strictObject({ enabled: z.boolean() }) } },
          required: true,
        },
      },
      responses: {
        200: { content: { 'application/json': { schema: HomeAssistantSchema } }, description: 'Set.' },
        400: errorResponse('The body is not {enabled: boolean}.'),
        401: errorResponse('Missing or wrong admin token.'),
        404: errorResponse('No such station.'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { enabled } = c.req.valid('json');
      if (!(await setHomeAssistant(deps.db, id, enabled))) throw notFound(`no station "${id}"`);
      return jsonAnswer(c, HomeAssistantSchema, { station: id, enabled }, 200);
    },
  );
}
