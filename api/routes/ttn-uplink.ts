// POST /api/v1/ttn/uplink: The Things Network (LoRaWAN, stack v3) uplink webhook (issue 15), for
// schools without Wi-Fi. The application's webhook sends each uplink as TTN's JSON
// (`end_device_ids`, `received_at`, `uplink_message.decoded_payload`), with the secret set for
// that application (SOUFFLE_TTN_SECRETS) in the additional header X-Souffle-TTN-Secret. The TTN
// device id is the Souffle device id (a native device). The payload formatter set in the TTN
// console names its fields with phenomenon codes in their canonical units; other fields are
// listed as ignored. Decoded at once (422 when nothing is storable) and kept in the push outbox
// (api/push-outbox.ts) as native readings at `received_at`, like the airrohr push.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { decodeNative } from '../../data/decoders/native.js';
import { isPhenomenonCode } from '../../data/phenomena.js';
import { getDevice } from '../../data/store/devices.js';
import { nativeTopic } from '../../data/topics.js';
import { ApiError, badRequest } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { noStore } from '../http-cache.js';
import { jsonAnswer } from '../json-answer.js';
import { errorResponse } from '../schemas/error-response.js';

const PATH = '/api/v1/ttn/uplink';
const SECRET_HEADER = 'X-Souffle-TTN-Secret';
const BODY_LIMIT = 64 * 1024;

const UplinkSchema = z.object({
  end_device_ids: z.object({
    device_id: z.string(),
    application_ids: z.object({ application_id: z.string() }),
  }),
  received_at: z.string(),
  uplink_message: z.object({ decoded_payload: z.record(z.string(), z.unknown()).optional() }).passthrough(),
});

const UplinkAcceptedSchema = z.object({
  ok: z.literal(true),
  values: z.number().int(),
  rejected: z.array(z.string()),
  ignored: z.array(z.string()),
});

const digest = (s: string) => createHash('sha256').update(s).digest();

export function registerTtnUplinkRoute(app: ApiApp, deps: AppDeps): void {
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: PATH,
    tags: ['devices'],
    summary: 'The Things Network uplink webhook',
    description: `TTN v3's uplink message. The webhook sends the application's secret (SOUFFLE_TTN_SECRETS) in ${SECRET_HEADER}; the TTN device id is the Souffle device id; decoded_payload's fields are phenomenon codes. 422 when nothing can be stored; otherwise kept and forwarded (200).`,
    request: { headers: z.object({ [SECRET_HEADER]: z.string() }) },
    responses: {
      200: { description: 'Accepted.', content: { 'application/json': { schema: UplinkAcceptedSchema } } },
      400: errorResponse('Not a TTN uplink message.'),
      401: errorResponse('Unknown application or wrong secret.'),
      403: errorResponse('The device is not a native device.'),
      404: errorResponse('No device with the TTN device id.'),
      422: errorResponse('No decoded_payload, or nothing in it can be stored: the reasons.'),
      429: errorResponse('Too many uplinks from this device; see Retry-After.'),
    },
  });

  app.post(
    PATH,
    noStore,
    bodyLimit({
      maxSize: BODY_LIMIT,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `request body is larger than ${BODY_LIMIT} bytes`);
      },
    }),
    async (c) => {
      let json: unknown;
      try {
        json = await c.req.json();
      } catch (e) {
        throw badRequest('invalid_json', `body is not valid JSON: ${(e as Error).message}`);
      }
      const parsed = UplinkSchema.safeParse(json);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        throw badRequest('invalid_body', `not a TTN uplink message: ${issues}`);
      }
      const { end_device_ids: ids, received_at, uplink_message } = parsed.data;
      const application = ids.application_ids.application_id;
      const expected = deps.ttnSecrets?.[application];
      const given = c.req.header(SECRET_HEADER) ?? '';
      if (expected === undefined || !timingSafeEqual(digest(given), digest(expected))) {
        throw new ApiError(
          401,
          'unauthorized',
          `unknown TTN application "${application}" or wrong ${SECRET_HEADER}`,
        );
      }
      const device = await getDevice(deps.db, ids.device_id);
      if (!device)
        throw new ApiError(404, 'not_found', `no device "${ids.device_id}": register it with that id`);
      if (device.format !== 'native') {
        throw new ApiError(
          403,
          'forbidden',
          `device "${device.id}" is registered with the ${device.format} format, not native`,
        );
      }
      const decision = deps.pushLimiter.take(device.id);
      if (!decision.ok) {
        throw new ApiError(
          429,
          'rate_limited',
          `device "${device.id}" sends too often; retry in ${decision.retryAfterSeconds} s`,
          {
            'Retry-After': String(decision.retryAfterSeconds),
          },
        );
      }
      const fields = uplink_message.decoded_payload;
      if (!fields) {
        throw new ApiError(
          422,
          'nothing_storable',
          'the uplink has no decoded_payload: set a payload formatter for the device or application in the TTN console',
        );
      }
      const values = Object.fromEntries(Object.entries(fields).filter(([k]) => isPhenomenonCode(k)));
      const ignored = Object.keys(fields)
        .filter((k) => !isPhenomenonCode(k))
        .sort();
      if (!deps.pushOutbox) {
        throw new ApiError(503, 'broker_unavailable', 'this API runs without a broker connection', {
          'Retry-After': '30',
        });
      }
      const receivedAt = deps.now();
      const topic = nativeTopic(device.id);
      const payload = JSON.stringify({ ts: received_at, sensor: 'lorawan', values });
      const decoded = decodeNative({ topic, payload: Buffer.from(payload), receivedAt });
      const reasons = decoded.rejections.map((r) => r.reason);
      if (decoded.readings.length === 0) {
        const notStored = ignored.length
          ? `; fields that are not phenomenon codes: ${ignored.join(', ')}`
          : '';
        throw new ApiError(
          422,
          'nothing_storable',
          `nothing in this uplink can be stored: ${reasons.join('; ')}${notStored}`,
        );
      }
      await deps.pushOutbox.enqueue({ deviceId: device.id, topic, payload, receivedAt });
      return jsonAnswer(
        c,
        UplinkAcceptedSchema,
        { ok: true, values: decoded.readings.length, rejected: reasons, ignored },
        200,
      );
    },
  );
}
