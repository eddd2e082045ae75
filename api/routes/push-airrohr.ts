// POST /api/v1/push/airrohr: what a Sensor.Community kit's "Send data to own API" calls. The API
// only authenticates and forwards: the raw body goes to the broker on souffle/v1/<id>/airrohr
// (QoS 1) and is parsed by the ingest worker like any MQTT message (one parsing path). 200 means
// the broker acknowledged it, so the kit may drop its copy.
import { z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
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

const PushAcceptedSchema = z.object({ ok: z.literal(true), topic: z.string() });

const unavailable = (message: string) =>
  new ApiError(503, 'broker_unavailable', message, { 'Retry-After': '30' });

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(unavailable(`the broker did not acknowledge within ${ms} ms`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });
}

export function registerPushRoute(app: ApiApp, deps: AppDeps): void {
  // Registered by hand: the body must reach the broker byte for byte, so no schema may consume it.
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: PUSH_PATH,
    tags: ['devices'],
    summary: 'Push from a Sensor.Community (airrohr) kit',
    description: `Basic auth with the device id and token (the kit's "Send data to own API" settings). The JSON body (at most ${PUSH_BODY_LIMIT} bytes) is forwarded unchanged to the broker; 200 only once the broker acknowledged it. Rate limited per device.`,
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
        description: 'Forwarded and acknowledged by the broker.',
        content: { 'application/json': { schema: PushAcceptedSchema } },
      },
      400: errorResponse('Missing X-Sensor header, or the body is not a JSON object.'),
      401: errorResponse('Missing or wrong device credentials.'),
      403: errorResponse('The device is not registered with the airrohr format.'),
      413: errorResponse(`Body larger than ${PUSH_BODY_LIMIT} bytes.`),
      429: errorResponse(
        'Too many pushes from this device, or too many failed logins from this address; see Retry-After.',
      ),
      503: errorResponse('The broker is unavailable or did not acknowledge in time; retry later.'),
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
      if (!deps.publish) throw unavailable('this API runs without a broker connection');
      if (deps.brokerConnected && !deps.brokerConnected())
        throw unavailable('the broker is not reachable right now');
      const topic = deviceTopic(device);
      try {
        await withTimeout(deps.publish(topic, body), deps.publishTimeoutMs);
      } catch (e) {
        if (e instanceof ApiError) throw e;
        throw unavailable(`the broker refused the message: ${(e as Error).message}`);
      }
      return jsonAnswer(c, PushAcceptedSchema, { ok: true, topic }, 200);
    },
  );
}
