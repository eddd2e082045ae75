// openSenseMap-compatible ingest (issue 15): senseBoxes and the DIY clients that post to
// api.opensensemap.org post to Souffle by changing the host and putting /opensensemap before the
// path. The box id is the Souffle device id (a native device), its access token the device token
// (`Authorization: <token>`, as openSenseMap's clients send it), its sensor ids phenomenon codes.
// As for the airrohr push, the body is decoded at once (422 with the reasons when nothing is
// storable) and kept in the durable outbox (api/push-outbox.ts) until the broker acknowledged it,
// as native readings on souffle/v1/<id>/readings: the worker stores them like any native message.
// Success answers are openSenseMap's own (201, text).
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { decodeNative } from '../../data/decoders/native.js';
import type { Device } from '../../data/schema.js';
import { nativeTopic } from '../../data/topics.js';
import { ApiError, badRequest } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { authenticateRequestDevice } from '../auth.js';
import { noStore } from '../http-cache.js';
import { parseOpenSenseMapBody, toNativeReadings, type OsemMeasurement } from '../opensensemap-body.js';
import { errorResponse } from '../schemas/error-response.js';

const PREFIX = '/opensensemap';
const BODY_LIMIT = 256 * 1024;

const responses = {
  201: {
    description: "Saved (openSenseMap's text answer).",
    content: { 'text/plain': { schema: z.string() } },
  },
  400: errorResponse("The body is not one of openSenseMap's measurement formats."),
  401: errorResponse('Missing or wrong token (Authorization: <the device token>).'),
  403: errorResponse('The device is not registered with the native format.'),
  413: errorResponse(`Body larger than ${BODY_LIMIT} bytes.`),
  422: errorResponse('Nothing in the body can be stored: the reasons.'),
  429: errorResponse('Too many posts from this box; see Retry-After.'),
  503: errorResponse('This API process runs without a broker connection.'),
};

export function registerOpenSenseMapRoutes(app: ApiApp, deps: AppDeps): void {
  const limit = bodyLimit({
    maxSize: BODY_LIMIT,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `request body is larger than ${BODY_LIMIT} bytes`);
    },
  });
  const params = z.object({ boxId: z.string().openapi({ description: 'The Souffle device id.' }) });
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: `${PREFIX}/boxes/{boxId}/data`,
    tags: ['devices'],
    summary: 'Post measurements as to openSenseMap',
    description:
      "openSenseMap's POST /boxes/:boxId/data under /opensensemap: a JSON array `[{sensor, value, createdAt?}]`, a JSON object `{sensorId: value | [value, createdAt]}` or CSV lines `sensorId,value[,createdAt]`, at most 2 500 measurements. Sensor ids are phenomenon codes. 201 once kept; forwarded to the broker then.",
    security: [{ deviceBearer: [] }],
    request: { params },
    responses,
  });
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: `${PREFIX}/boxes/{boxId}/{sensorId}`,
    tags: ['devices'],
    summary: 'Post one measurement as to openSenseMap',
    description:
      "openSenseMap's POST /boxes/:boxId/:sensorId with `{value, createdAt?}`; the sensor id is a phenomenon code.",
    security: [{ deviceBearer: [] }],
    request: { params: params.extend({ sensorId: z.string() }) },
    responses,
  });

  app.post(`${PREFIX}/boxes/:boxId/data`, noStore, limit, async (c) => {
    const device = await authenticateBox(c, deps);
    const parsed = parseOpenSenseMapBody(await c.req.text(), c.req.header('Content-Type') ?? '');
    if (!parsed.ok) throw badRequest('invalid_body', parsed.reason);
    await accept(deps, device, parsed.measurements);
    return c.text('Measurements saved in box', 201);
  });

  app.post(`${PREFIX}/boxes/:boxId/:sensorId`, noStore, limit, async (c) => {
    const device = await authenticateBox(c, deps);
    let body: unknown;
    try {
      body = await c.req.json();
    } catch (e) {
      throw badRequest('invalid_body', `body is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof body !== 'object' || body === null || !('value' in body)) {
      throw badRequest('invalid_body', 'body must be a JSON object {"value": …, "createdAt"?: …}');
    }
    const { value, createdAt } = body as { value: unknown; createdAt?: unknown };
    await accept(deps, device, [{ sensor: c.req.param('sensorId'), value, createdAt }]);
    return c.text('Measurement saved in sensor', 201);
  });
}

async function authenticateBox(c: Context, deps: AppDeps): Promise<Device> {
  const device = await authenticateRequestDevice(c, deps, c.req.param('boxId'));
  if (device.format !== 'native') {
    throw new ApiError(
      403,
      'forbidden',
      `device "${device.id}" is registered with the ${device.format} format; openSenseMap clients post as native devices`,
    );
  }
  const decision = deps.pushLimiter.take(device.id);
  if (!decision.ok) {
    throw new ApiError(
      429,
      'rate_limited',
      `box "${device.id}" posts too often; retry in ${decision.retryAfterSeconds} s`,
      {
        'Retry-After': String(decision.retryAfterSeconds),
      },
    );
  }
  return device;
}

/** Decodes as the worker will, answers 422 when nothing is storable, else keeps it in the outbox. */
async function accept(deps: AppDeps, device: Device, measurements: OsemMeasurement[]): Promise<void> {
  if (!deps.pushOutbox) {
    throw new ApiError(503, 'broker_unavailable', 'this API runs without a broker connection', {
      'Retry-After': '30',
    });
  }
  const receivedAt = deps.now();
  const topic = nativeTopic(device.id);
  const payload = JSON.stringify(toNativeReadings(measurements, receivedAt));
  const decoded = decodeNative({ topic, payload: Buffer.from(payload), receivedAt });
  if (decoded.readings.length === 0) {
    const reasons = decoded.rejections.map((r) => r.reason).join('; ');
    throw new ApiError(
      422,
      'nothing_storable',
      `nothing in this post can be stored: ${reasons} (sensor ids are Souffle phenomenon codes: pm25, pm10, temperature, …)`,
    );
  }
  await deps.pushOutbox.enqueue({ deviceId: device.id, topic, payload, receivedAt });
}
