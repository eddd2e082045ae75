// GET /api/v1/stream?stations=a,b: Server-Sent Events announcing each new reading of the stations
// (api/live-hub.ts says how the API learns of them). Events: `reading` with `{station, lastSeen,
// t}` and the reading's time in ms as its id, so that a browser reconnecting with Last-Event-ID
// gets what it missed; a comment every `heartbeatMs` keeps proxies from closing an idle stream.
// Connections are bounded in all and per client address (429 beyond, with Retry-After), and each
// ends after `maxAgeMs`: EventSource reconnects by itself, with its Last-Event-ID.
import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { findStation } from '../../data/store/stations.js';
import { ApiError, badRequest, notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { clientAddress } from '../client-address.js';
import { iso } from '../iso.js';
import type { LiveEvent } from '../live-hub.js';
import { errorResponse } from '../schemas/error-response.js';

export const STREAM_DEFAULTS = {
  heartbeatMs: 15_000,
  maxAgeMs: 30 * 60_000,
  /** What EventSource waits before reconnecting (the `retry` field). */
  retryMs: 5000,
  maxStations: 20,
};
const RETRY_AFTER_S = 30;

const route = createRoute({
  method: 'get',
  path: '/api/v1/stream',
  tags: ['stations'],
  summary: 'Live updates (Server-Sent Events)',
  description: `A \`text/event-stream\` announcing each new reading of the stations given: event \`reading\`, data \`{"station", "lastSeen", "t"}\` (then read \`/stations/{id}/latest\`), id the reading's time in ms. Reconnecting with \`Last-Event-ID\` sends what came after it. A comment line every ${STREAM_DEFAULTS.heartbeatMs / 1000} s; the stream ends after ${STREAM_DEFAULTS.maxAgeMs / 60_000} min and EventSource reconnects. Readings are noticed within a few seconds of their commit. Connections are limited in all and per client address (429).`,
  request: {
    query: z.strictObject({
      stations: z.string().openapi({
        description: `Station ids, comma-separated (1 to ${STREAM_DEFAULTS.maxStations}).`,
        example: 'atmosud-FR03043,ecole-saint-charles',
      }),
    }),
  },
  responses: {
    200: {
      content: { 'text/event-stream': { schema: z.string() } },
      description: 'The event stream.',
    },
    400: errorResponse('The station list is empty or too long.'),
    404: errorResponse('A station does not exist.'),
    429: errorResponse('Too many live connections; retry after Retry-After seconds.'),
  },
});

export function registerStreamRoute(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const ids = [
      ...new Set(
        c.req
          .valid('query')
          .stations.split(',')
          .map((s) => s.trim()),
      ),
    ].filter(Boolean);
    if (ids.length === 0 || ids.length > STREAM_DEFAULTS.maxStations)
      throw badRequest(
        'invalid_query',
        `query parameter "stations" needs 1 to ${STREAM_DEFAULTS.maxStations} station ids, comma-separated (got ${ids.length})`,
      );
    for (const id of ids) if (!(await findStation(deps.db, id))) throw notFound(`no station "${id}"`);
    const release = deps.liveConnections.acquire(clientAddress(c));
    if (!release)
      throw new ApiError(
        429,
        'too_many_streams',
        `too many live connections at once; retry in ${RETRY_AFTER_S} s, or poll /stations/{id}/latest`,
        { 'Retry-After': String(RETRY_AFTER_S) },
      );
    const lastEventId = Number(c.req.header('Last-Event-ID'));
    const settings = { ...STREAM_DEFAULTS, ...deps.stream };
    c.header('Cache-Control', 'no-store');
    // Nginx and others buffer responses by default: an event must leave at once.
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      let writing = Promise.resolve();
      const send = (e: LiveEvent) => {
        writing = writing.then(() =>
          stream.writeSSE({
            event: 'reading',
            id: String(e.t),
            data: JSON.stringify({ station: e.station, lastSeen: iso(e.t), t: e.t }),
          }),
        );
      };
      let unsubscribe = () => {};
      try {
        unsubscribe = await deps.liveHub.subscribe(ids, send);
        await stream.writeSSE({
          event: 'ready',
          data: JSON.stringify({ stations: ids }),
          retry: settings.retryMs,
        });
        // What a reconnecting client missed: stations whose newest reading is after its last event.
        if (Number.isFinite(lastEventId))
          for (const station of ids) {
            const t = deps.liveHub.known(station) ?? 0;
            if (t > lastEventId) send({ station, t });
          }
        // Woken at once when the client goes, so that its connection slot is freed then.
        let wake = () => {};
        stream.onAbort(() => wake());
        const started = Date.now();
        while (!stream.aborted && !stream.closed && Date.now() - started < settings.maxAgeMs) {
          const ms = Math.min(settings.heartbeatMs, settings.maxAgeMs - (Date.now() - started));
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, ms);
          });
          if (stream.aborted) break;
          writing = writing.then(() => stream.write(': ping\n\n').then(() => undefined));
          await writing;
        }
      } finally {
        unsubscribe();
        release();
      }
    });
  });
}
