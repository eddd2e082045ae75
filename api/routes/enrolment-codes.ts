// Admin endpoints for enrolment codes (Bearer SOUFFLE_ADMIN_TOKEN, no CORS): issue a code for one
// citizen or a class, list them (never the codes themselves: only their hashes are kept), revoke
// one. `souffle enrol` calls the same store functions.
import { createRoute, z } from '@hono/zod-openapi';
import {
  codeSummary,
  CreatedEnrolmentCodeSchema,
  joinUrl,
  EnrolmentCodeListSchema,
  NewEnrolmentCodeSchema,
} from '../../data/enrolment-schemas.js';
import {
  createEnrolmentCode,
  listEnrolmentCodes,
  revokeEnrolmentCode,
} from '../../data/store/enrolment-codes.js';
import { badRequest, notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { jsonAnswer } from '../json-answer.js';
import { errorResponse } from '../schemas/error-response.js';
import { idParam } from '../schemas/params.js';
import { admin } from './devices.js';

/** A code given without an expiry works for 30 days: a forgotten code should not work forever. */
export const DEFAULT_CODE_LIFETIME_MS = 30 * 86_400_000;

const security: Array<Record<string, string[]>> = [{ adminToken: [] }];
const unauthorized = errorResponse('Missing or wrong admin token.');

export function registerEnrolmentCodeRoutes(app: ApiApp, deps: AppDeps): void {
  const middleware = admin(deps);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/enrolment-codes',
      tags: ['admin'],
      summary: 'Issue an enrolment code',
      description:
        'A code with which citizens register their own sensors at /join: single use by default, or `uses` devices (a class). The answer holds the code, shown this once.',
      security,
      middleware,
      request: {
        body: { content: { 'application/json': { schema: NewEnrolmentCodeSchema } }, required: true },
      },
      responses: {
        201: {
          content: { 'application/json': { schema: CreatedEnrolmentCodeSchema } },
          description: 'Created.',
        },
        400: errorResponse('A field is invalid.'),
        401: unauthorized,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const now = deps.now();
      const expiresAt =
        body.expiresAt === undefined
          ? now + DEFAULT_CODE_LIFETIME_MS
          : body.expiresAt === null
            ? null
            : Date.parse(body.expiresAt);
      if (expiresAt !== null && expiresAt <= now) {
        throw badRequest(
          'invalid_json',
          `body field "expiresAt" ${JSON.stringify(body.expiresAt)}: is in the past`,
        );
      }
      const { code, record } = await createEnrolmentCode(
        deps.db,
        { uses: body.uses ?? 1, expiresAt, label: body.label ?? null },
        now,
      );
      const answer = { ...codeSummary(record), code, joinUrl: joinUrl(deps.settings.publicUrl, code) };
      return jsonAnswer(c, CreatedEnrolmentCodeSchema, answer, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/enrolment-codes',
      tags: ['admin'],
      summary: 'List enrolment codes',
      description: 'Every code, newest first, with its uses; the codes themselves are not kept.',
      security,
      middleware,
      responses: {
        200: {
          content: { 'application/json': { schema: EnrolmentCodeListSchema } },
          description: 'The codes.',
        },
        401: unauthorized,
      },
    }),
    async (c) => {
      const codes = (await listEnrolmentCodes(deps.db)).map(codeSummary);
      return jsonAnswer(c, EnrolmentCodeListSchema, { codes, count: codes.length }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/enrolment-codes/{id}',
      tags: ['admin'],
      summary: 'Revoke an enrolment code',
      description: 'The code registers no more devices; those it registered stay.',
      security,
      middleware,
      request: { params: z.object({ id: idParam('id', 'Code handle (ec-…).') }) },
      responses: {
        204: { description: 'Revoked.' },
        401: unauthorized,
        404: errorResponse('No code has this handle.'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await revokeEnrolmentCode(deps.db, id, deps.now()))) throw notFound(`no enrolment code "${id}"`);
      return c.body(null, 204);
    },
  );
}
