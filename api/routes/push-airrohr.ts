// POST /api/v1/push/airrohr: what a Sensor.Community kit's "Send data to own API" calls. The kit
// never retries: on any answer but 2xx it counts an error and drops the measurement
// (airrohr-firmware.ino, sendData). So the body is decoded here, with the ingest worker's own
// decoder (data/decoders/airrohr.ts): 422 with the reasons when nothing in it can be stored, so
// the kit's page shows the failure; otherwise it is committed to the outbox (api/push-outbox.ts)
// and answered 200, and forwarded to the broker on souffle/v1/<id>/airrohr with the time it was
// accepted, whether the broker is up now or later. The worker decodes it again to store it (one
// writer); values rejected there while others are kept are in the device's error log.
import { z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { decodeAirrohr, RECEIVED_AT_KEY } from '../../data/decoders/airrohr.js';
import { deviceTopic } from '../../data/topics.js';
import { ApiError, badRequest } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { authenticateRequestDevice } from '../auth.js';
import { noStore } from '../http-cache.js';
import { jsonAnswer } from '../json-answer.js';
import { errorResponse } from '../schemas/error-response.js';

/** An airrohr message is ~1 KB; 64 KiB leaves room for every sensor a kit can carry. */
const PUSH_BODY_LIMIT = 64 * 1024;
const PUSH_PATH = '/api/v1/push/airrohr';

const PushAcceptedSchema = z.object({
  ok: z.literal(true),
  topic: z.string(),
  /** Values the kit sent that will be stored (before the worker's quality flags). */
  values: z.number().int(),
  /** Values rejected, with their reasons (the rest is stored). */
  rejected: z.array(z.string()),
  /** Value types that are not stored (unknown or not kept). */
  ignored: z.array(z.string()),
});

const unavailable = (message: string) =>
  new ApiError(503, 'broker_unavailable', message, { 'Retry-After': '30' });

export function registerPushRoute(app: ApiApp, deps: AppDeps): void {
  // Registered by hand: the body is read raw (decoded as the worker decodes it), so no schema may consume it.
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: PUSH_PATH,
    tags: ['devices'],
    summary: 'Push from a Sensor.Community (airrohr) kit',
    description: `Basic auth with the device id and token (the kit's "Send data to own API" settings). The JSON body (at most ${PUSH_BODY_LIMIT} bytes) is decoded at once: 422 with the reasons when nothing in it can be stored; otherwise it is kept in a durable outbox, answered 200, and forwarded to the broker (with the time it was accepted) as soon as the broker acknowledges it, also after an outage. Rate limited per device.`,
    security: [{ deviceBasic: [] }],
    request: {
      headers: z.object({ 'X-Sensor': z.string().openapi({ example: 'esp8266-1234567' }) }),
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({
              esp8266id: z.string().optional(),
              software_version: z.string().optional(),
              sensordatavalues: z.array(
                z.object({ value_type: z.string(), value: z.union([z.string(), z.number()]) }),
              ),
            }),
          },
        },
      },
    },
    responses: {
      200: {
        description: 'Accepted: kept until the broker acknowledged it; says what will be stored.',
        content: { 'application/json': { schema: PushAcceptedSchema } },
      },
      400: errorResponse('Missing X-Sensor header, or the body is not a JSON object.'),
      401: errorResponse('Missing or wrong device credentials.'),
      403: errorResponse('The device is not registered with the airrohr format.'),
      413: errorResponse(`Body larger than ${PUSH_BODY_LIMIT} bytes.`),
      429: errorResponse(
        'Too many pushes from this device, or too many failed logins from this address; see Retry-After.',
      ),
      422: errorResponse('Nothing in the body can be stored: the reasons, and the value types not stored.'),
      503: errorResponse('This API process runs without a broker connection (a configuration error).'),
    },
  });

  app.post(
    PUSH_PATH,
    noStore,
    bodyLimit({
      maxSize: PUSH_BODY_LIMIT,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `request body is larger than ${PUSH_BODY_LIMIT} bytes`);
      },
    }),
    async (c) => {
      const device = await authenticateRequestDevice(c, deps);
      if (device.format !== 'airrohr') {
        throw new ApiError(
          403,
          'forbidden',
          `device "${device.id}" is registered with the ${device.format} format, not airrohr: it publishes over MQTT`,
        );
      }
      if (!c.req.header('X-Sensor'))
        throw badRequest('missing_header', 'header "X-Sensor" is required (the kit sends esp8266-<chip id>)');
      const decision = deps.pushLimiter.take(device.id);
      if (!decision.ok) {
        throw new ApiError(
          429,
          'rate_limited',
          `device "${device.id}" pushes too often; retry in ${decision.retryAfterSeconds} s`,
          {
            'Retry-After': String(decision.retryAfterSeconds),
          },
        );
      }
      const body = new Uint8Array(await c.req.arrayBuffer());
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
      } catch (e) {
        throw badRequest('invalid_json', `body is not valid UTF-8 JSON: ${(e as Error).message}`);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw badRequest('invalid_json', 'body must be a JSON object (the airrohr message)');
      }
      if (!deps.pushOutbox) throw unavailable('this API runs without a broker connection');
      const topic = deviceTopic(device);
      const receivedAt = deps.now();
      // The time the kit's values are stored at, whenever the broker gets them; the kit's own
      // key of that name, if any, is overwritten.
      const payload = JSON.stringify({ ...parsed, [RECEIVED_AT_KEY]: receivedAt });
      const decoded = decodeAirrohr({ topic, payload: Buffer.from(payload), receivedAt });
      const reasons = decoded.rejections.map((r) => r.reason);
      if (decoded.readings.length === 0 && !(decoded.location && device.mobile === 1)) {
        const ignored = decoded.ignored?.length ? `; not stored: ${decoded.ignored.join(', ')}` : '';
        throw new ApiError(
          422,
          'nothing_storable',
          `nothing in this push can be stored: ${reasons.join('; ') || 'no measurement'}${ignored}`,
        );
      }
      await deps.pushOutbox.enqueue({ deviceId: device.id, topic, payload, receivedAt });
      return jsonAnswer(
        c,
        PushAcceptedSchema,
        {
          ok: true,
          topic,
          values: decoded.readings.length,
          rejected: reasons,
          ignored: decoded.ignored ?? [],
        },
        200,
      );
    },
  );
}
