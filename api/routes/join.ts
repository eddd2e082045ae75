// POST /api/v1/join: a citizen registers their own sensor with an enrolment code (the /join page
// sends this). The code is checked before anything is created and one of its uses taken; the
// device then gets its token, shown this once, with the settings to type into its firmware.
// Wrong codes are counted per address like failed logins (docs/security.md): a code is 136
// random bits, the throttle keeps anyone from spending the server's time on guessing.
import { randomBytes } from 'node:crypto';
import { createRoute } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { deviceConnection } from '../../data/device-connection.js';
import { deviceRegistrationSchema, reservedDeviceIds } from '../../data/device-registration.js';
import { DATA_LICENCE, joinSchema, JoinAnswerSchema } from '../../data/enrolment-schemas.js';
import { createDevice, DeviceConflictError, slugify } from '../../data/store/devices.js';
import {
  consumeEnrolmentCode,
  releaseEnrolmentCode,
  type CodeRefusal,
} from '../../data/store/enrolment-codes.js';
import { ApiError, badRequest } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { clientAddress } from '../client-address.js';
import { noStore } from '../http-cache.js';
import { stationPageUrl } from './station-qr.js';
import { jsonAnswer } from '../json-answer.js';
import { errorResponse } from '../schemas/error-response.js';

export const JOIN_THROTTLE_DEFAULTS = { limit: 10, windowMs: 10 * 60_000 } as const;
const JOIN_BODY_LIMIT = 4 * 1024;

const REFUSALS: Record<CodeRefusal, string> = {
  unknown: 'this enrolment code does not exist: check it with the person who gave it to you',
  expired: 'this enrolment code has expired: ask the person who gave it to you for a new one',
  used_up: 'this enrolment code has registered all the sensors it was issued for',
  revoked: 'this enrolment code was withdrawn by the administrator',
};

/** The device's id: the name as a slug, or with a random suffix when taken or reserved. */
function candidateIds(name: string, reserved: readonly string[]): string[] {
  const slug = slugify(name).slice(0, 57).replace(/-+$/, '') || 'capteur';
  const suffixed = () => `${slug}-${randomBytes(4).toString('hex').slice(0, 6)}`;
  const first = reserved.includes(slug) ? suffixed() : slug;
  return [first, suffixed(), suffixed()];
}

export function registerJoinRoute(app: ApiApp, deps: AppDeps): void {
  const rules = { serviceUsername: deps.serviceUsername };
  const JoinSchema = joinSchema(rules);
  const registration = deviceRegistrationSchema(rules);
  const base = deps.settings.publicUrl.replace(/\/+$/, '');

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/join',
      tags: ['devices'],
      summary: 'Register my sensor with an enrolment code',
      description: `A citizen's own registration (the /join page). The code must be valid, not expired and not used up; the owner accepts that the data is published under the ${DATA_LICENCE}. The device id is the name as a slug (with a random suffix if taken). The answer holds the token, shown this once. Wrong codes are limited per address (429 with Retry-After).`,
      middleware: [
        noStore,
        bodyLimit({
          maxSize: JOIN_BODY_LIMIT,
          onError: () => {
            throw new ApiError(
              413,
              'payload_too_large',
              `request body is larger than ${JOIN_BODY_LIMIT} bytes`,
            );
          },
        }),
      ],
      request: { body: { content: { 'application/json': { schema: JoinSchema } }, required: true } },
      responses: {
        201: { content: { 'application/json': { schema: JoinAnswerSchema } }, description: 'Registered.' },
        400: errorResponse('A field is invalid (each wrong field is named).'),
        403: errorResponse('The code is unknown, expired, used up or withdrawn.'),
        409: errorResponse('The AirGradient serial is already registered.'),
        413: errorResponse('Body too large.'),
        429: errorResponse('Too many wrong codes from this address; see Retry-After.'),
      },
    }),
    async (c) => {
      const { code, acceptLicence: _accepted, ...device } = c.req.valid('json');
      const ids = candidateIds(device.name, reservedDeviceIds(rules));
      // The admin's registration rules (docs/security.md, Registration), with the id chosen here.
      const checked = registration.safeParse({ ...device, id: ids[0] });
      if (!checked.success) {
        throw badRequest(
          'invalid_json',
          checked.error.issues.map((i) => `body field "${i.path.join('.')}": ${i.message}`).join('; '),
        );
      }
      const attempt = deps.joinThrottle.attempt(clientAddress(c));
      if (!attempt.ok) {
        throw new ApiError(
          429,
          'too_many_wrong_codes',
          `too many wrong enrolment codes from this address; retry in ${attempt.retryAfterSeconds} s`,
          { 'Retry-After': String(attempt.retryAfterSeconds) },
        );
      }
      const now = deps.now();
      const taken = await consumeEnrolmentCode(deps.db, code, now);
      if (!taken.ok) throw new ApiError(403, `code_${taken.reason}`, REFUSALS[taken.reason]);
      attempt.succeeded();
      for (const id of ids) {
        try {
          const created = await createDevice(
            deps.db,
            { ...checked.data, id, enrolmentCodeId: taken.id, licenceAcceptedAt: now },
            now,
          );
          deps.onDevicesChanged?.();
          const station = encodeURIComponent(created.device.station_id);
          const answer = {
            connection: deviceConnection(created.device, created.token, deps.settings),
            licence: DATA_LICENCE,
            stationUrl: stationPageUrl(base, created.device.station_id),
            qrUrl: `${base}/api/v1/stations/${station}/qr.svg`,
            statusUrl: `${base}/api/v1/devices/${encodeURIComponent(created.device.id)}/status`,
          } as const;
          return jsonAnswer(c, JoinAnswerSchema, answer, 201);
        } catch (e) {
          const idTaken = e instanceof DeviceConflictError && e.message.includes(`id "${id}"`);
          if (idTaken) continue;
          await releaseEnrolmentCode(deps.db, taken.id);
          if (e instanceof DeviceConflictError) throw new ApiError(409, 'conflict', e.message);
          if (e instanceof RangeError) throw badRequest('invalid_json', e.message);
          throw e;
        }
      }
      await releaseEnrolmentCode(deps.db, taken.id);
      throw new ApiError(409, 'conflict', `no free device id for "${device.name}": choose another name`);
    },
  );
}
