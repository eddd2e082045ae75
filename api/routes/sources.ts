// GET /api/v1/sources/atmosud: whether the official data is current. With AtmoSud unreachable the
// pages showed "Officielles (0)" and "no AtmoSud station nearby" with no word why; they now read
// this and say since when the official data has not been updated.
import { createRoute } from '@hono/zod-openapi';
import { readAtmosudStatus } from '../../data/store/atmosud-status.js';
import {
  ATMOSUD_STALE_AFTER_MS,
  AtmosudStatusSchema,
  type AtmosudStatusResponse,
} from '../../data/source-api-schemas.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { cachedJson } from '../http-cache.js';
import { iso } from '../iso.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/sources/atmosud',
  tags: ['stations'],
  summary: 'State of the AtmoSud data',
  description:
    'How the pull of official data from AtmoSud went last, and when it last stored data. Pages show a notice when it is not ok.',
  responses: {
    200: {
      content: { 'application/json': { schema: AtmosudStatusSchema } },
      description: 'The state of the AtmoSud pull.',
    },
  },
});

/** The status as the API gives it, `now` deciding whether an ok pull is stale. Also used by /healthz. */
export async function atmosudStatus(deps: AppDeps): Promise<AtmosudStatusResponse> {
  const s = await readAtmosudStatus(deps.db);
  const now = deps.now();
  const stale =
    (s.state === 'ok' || s.state === 'partial') &&
    s.lastAttempt !== null &&
    now - s.lastAttempt > ATMOSUD_STALE_AFTER_MS;
  const state = stale ? 'stale' : s.state;
  const since = s.lastSuccess === null ? 'no pull has stored data yet' : `data as of ${iso(s.lastSuccess)}`;
  const messages: Record<AtmosudStatusResponse['state'], string> = {
    ok: `AtmoSud data is current (${since})`,
    partial: `the last AtmoSud pull stored part of the data (${since})`,
    stale: `no AtmoSud pull since ${iso(s.lastAttempt ?? 0)}: is the ingest worker running? (${since})`,
    offline: `AtmoSud could not be reached at ${iso(s.lastAttempt ?? 0)} (${since})`,
    failed: `the last AtmoSud pull failed at ${iso(s.lastAttempt ?? 0)} (${since})`,
    never: 'no AtmoSud pull has ended yet: AtmoSud is not configured, or the first pull is running',
  };
  return {
    state,
    lastAttempt: s.lastAttempt === null ? null : iso(s.lastAttempt),
    lastSuccess: s.lastSuccess === null ? null : iso(s.lastSuccess),
    stations: s.stations,
    message: messages[state],
  };
}

export function registerSourceRoutes(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) =>
    cachedJson(c, AtmosudStatusSchema, await atmosudStatus(deps), { maxAgeSeconds: 60 }),
  );
}
