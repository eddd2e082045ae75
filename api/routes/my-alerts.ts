// The owner's alerts on their own sensor (/my, "Mes alertes"), with the device's credentials like
// the other owner endpoints: create a rule (offline, stuck, rejections), list them with their
// history, delete one. An e-mail address gets a confirmation link first and nothing else until
// confirmed; a webhook gets its signing key in the answer, once (docs/api.md, "Alerts").
import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { ALERT_DEFAULTS } from '../../data/alerts/alert-kinds.js';
import {
  AlertRuleListSchema,
  CreatedAlertSchema,
  NewDeviceAlertSchema,
} from '../../data/alert-api-schemas.js';
import {
  alertHistory,
  createAlertRule,
  deleteAlertRule,
  findAlertRule,
  listAlertRules,
} from '../../data/store/alert-rules.js';
import {
  ALERT_BODY_LIMIT,
  checkChannel,
  createdView,
  ruleView,
  type AlertApiSettings,
} from '../alert-views.js';
import { ApiError, notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { authenticateRequestDevice } from '../auth.js';
import { noStore } from '../http-cache.js';
import { jsonAnswer } from '../json-answer.js';
import { errorResponse } from '../schemas/error-response.js';
import { idParam } from '../schemas/params.js';

/** Rules one device may have: enough for every kind on two channels, not a mailing list. */
export const MAX_RULES_PER_DEVICE = 20;
const HISTORY_SHOWN = 20;

const security: Array<Record<string, string[]>> = [{ deviceBasic: [] }, { deviceBearer: [] }];
const unauthorized = errorResponse('Missing or wrong device credentials (an unknown id answers 401 too).');
const throttled = errorResponse('Too many failed logins from this address; see Retry-After.');
const path = z.object({ id: idParam('id', 'My device id.') });
const middleware = [
  noStore,
  bodyLimit({
    maxSize: ALERT_BODY_LIMIT,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `request body is larger than ${ALERT_BODY_LIMIT} bytes`);
    },
  }),
];

export function registerMyAlertRoutes(app: ApiApp, deps: AppDeps, settings: AlertApiSettings): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/my/{id}/alerts',
      tags: ['alerts'],
      summary: 'Add an alert on my sensor',
      description:
        'offline (nothing received for afterSeconds), stuck (its newest reading is flagged stuck) or rejections (more than threshold messages rejected within windowSeconds). One notice when the episode starts, one when it ends. An e-mail address must be confirmed first (a link is mailed); a webhook answer holds its signing key, shown once.',
      security,
      middleware,
      request: {
        params: path,
        body: { content: { 'application/json': { schema: NewDeviceAlertSchema } }, required: true },
      },
      responses: {
        201: { content: { 'application/json': { schema: CreatedAlertSchema } }, description: 'Created.' },
        400: errorResponse('A field is invalid, or the webhook URL targets a refused address.'),
        401: unauthorized,
        409: errorResponse(`The device has ${MAX_RULES_PER_DEVICE} rules already.`),
        429: throttled,
        503: errorResponse('E-mail is not configured on this server.'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const device = await authenticateRequestDevice(c, deps, id);
      const body = c.req.valid('json');
      const channel = await checkChannel(body, settings);
      const existing = await listAlertRules(deps.db, { deviceId: device.id });
      if (existing.length >= MAX_RULES_PER_DEVICE) {
        throw new ApiError(
          409,
          'too_many_rules',
          `a device may have ${MAX_RULES_PER_DEVICE} alert rules: delete one first`,
        );
      }
      const rejections = body.kind === 'rejections';
      const threshold = rejections ? body.threshold! : null;
      const created = await createAlertRule(
        deps.db,
        {
          kind: body.kind,
          deviceId: device.id,
          stationId: device.station_id,
          threshold,
          clearBelow: threshold === null ? null : Math.floor(threshold * ALERT_DEFAULTS.rejectionsClearShare),
          windowMs:
            body.kind === 'offline'
              ? (body.afterSeconds ?? ALERT_DEFAULTS.offlineAfterSeconds) * 1000
              : rejections
                ? (body.windowSeconds ?? ALERT_DEFAULTS.rejectionsWindowSeconds) * 1000
                : null,
          ...channel,
          locale: body.locale ?? 'fr',
        },
        deps.now(),
      );
      return jsonAnswer(c, CreatedAlertSchema, createdView(created, deps.settings.publicUrl), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/my/{id}/alerts',
      tags: ['alerts'],
      summary: 'My alerts and what they sent',
      description: `The rules on my sensor, each with its ${HISTORY_SHOWN} newest notices (confirmation, start, end, per channel) and whether they were sent.`,
      security,
      middleware: [noStore],
      request: { params: path },
      responses: {
        200: { content: { 'application/json': { schema: AlertRuleListSchema } }, description: 'The rules.' },
        401: unauthorized,
        429: throttled,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const device = await authenticateRequestDevice(c, deps, id);
      const rules = await listAlertRules(deps.db, { deviceId: device.id });
      const views = [];
      for (const r of rules) views.push(ruleView(r, await alertHistory(deps.db, r.id, HISTORY_SHOWN)));
      return jsonAnswer(c, AlertRuleListSchema, { rules: views }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/my/{id}/alerts/{rule}',
      tags: ['alerts'],
      summary: 'Delete one of my alerts',
      security,
      middleware: [noStore],
      request: {
        params: path.extend({
          rule: z
            .string()
            .min(1)
            .max(64)
            .openapi({ param: { name: 'rule', in: 'path' } }),
        }),
      },
      responses: {
        204: { description: 'Deleted, with its history.' },
        401: unauthorized,
        404: errorResponse('No such rule on this device.'),
        429: throttled,
      },
    }),
    async (c) => {
      const { id, rule } = c.req.valid('param');
      const device = await authenticateRequestDevice(c, deps, id);
      const found = await findAlertRule(deps.db, rule);
      if (!found || found.device_id !== device.id)
        throw notFound(`no alert rule "${rule}" on device "${id}"`);
      await deleteAlertRule(deps.db, rule);
      return c.body(null, 204);
    },
  );
}
