// Admin endpoints for the push outbox's dead letters (Bearer SOUFFLE_ADMIN_TOKEN): the accepted
// pushes it gave up on, with why (api/push-outbox.ts). List them, send one back to the outbox
// once the cause is fixed, or discard it. `souffle outbox` calls the same store functions.
import { createRoute, z } from '@hono/zod-openapi';
import {
  discardDeadLetter,
  listDeadLetters,
  retryDeadLetter,
  deadLetterSummary,
} from '../../data/store/push-dead-letters.js';
import { ApiError, notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { jsonAnswer } from '../json-answer.js';
import { errorResponse } from '../schemas/error-response.js';
import { admin } from './devices.js';

const PATH = '/api/v1/push-outbox/dead-letters';
const LISTED = 1000;
const security: Array<Record<string, string[]>> = [{ adminToken: [] }];
const unauthorized = errorResponse('Missing or wrong admin token.');

export const DeadLetterListSchema = z
  .object({
    deadLetters: z.array(
      z.object({
        id: z.number().int(),
        device: z.string(),
        topic: z.string(),
        payload: z.string().openapi({ description: 'What would have been forwarded to the broker.' }),
        receivedAt: z.string(),
        attempts: z.number().int(),
        reason: z.string(),
        deadAt: z.string(),
      }),
    ),
    count: z.number().int(),
  })
  .openapi('DeadLetterList');

const idPath = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, description: 'Dead letter id.', example: 12 }),
});

export function registerPushDeadLetterRoutes(app: ApiApp, deps: AppDeps): void {
  const middleware = admin(deps);

  app.openapi(
    createRoute({
      method: 'get',
      path: PATH,
      tags: ['admin'],
      summary: 'List the pushes the outbox gave up on',
      description: `Accepted HTTP pushes (airrohr, openSenseMap, TTN) that will not be forwarded by themselves: their device was deleted first, or the broker refused them too many times. Oldest first, at most ${LISTED}.`,
      security,
      middleware,
      responses: {
        200: {
          content: { 'application/json': { schema: DeadLetterListSchema } },
          description: 'The letters.',
        },
        401: unauthorized,
      },
    }),
    async (c) => {
      const letters = (await listDeadLetters(deps.db, LISTED)).map(deadLetterSummary);
      return jsonAnswer(c, DeadLetterListSchema, { deadLetters: letters, count: letters.length }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${PATH}/{id}/retry`,
      tags: ['admin'],
      summary: 'Send a dead letter back to the outbox',
      description: 'Forwarded again from the first attempt; its device must still exist.',
      security,
      middleware,
      request: { params: idPath },
      responses: {
        204: { description: 'Back in the outbox.' },
        401: unauthorized,
        404: errorResponse('No dead letter has this id.'),
        409: errorResponse('Its device was deleted: the worker could not store it.'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const result = await retryDeadLetter(deps.db, id);
      if (result === 'not_found') throw notFound(`no dead letter ${id}`);
      if (result === 'device_gone') {
        throw new ApiError(409, 'conflict', `dead letter ${id}: its device no longer exists; discard it`);
      }
      void deps.pushOutbox?.drain();
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: `${PATH}/{id}`,
      tags: ['admin'],
      summary: 'Discard a dead letter',
      security,
      middleware,
      request: { params: idPath },
      responses: {
        204: { description: 'Discarded.' },
        401: unauthorized,
        404: errorResponse('No dead letter has this id.'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await discardDeadLetter(deps.db, id))) throw notFound(`no dead letter ${id}`);
      return c.body(null, 204);
    },
  );
}
