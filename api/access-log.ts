// Request ids and the access log. Every answer carries X-Request-Id: the caller's own when it sent a
// sane one (a reverse proxy's, so one id follows the request through both logs), else a new UUID.
// The access log has one line per request, written once its answer is sent: method, route
// pattern, status, duration, bytes sent and the request id. It holds neither the path nor the
// query string nor any header. The pattern (/api/v1/stations/:id) says which endpoint answered. A path may carry an enrolment code, a
// query may carry anything, and tokens travel in the Authorization header, so none of them can
// leak into a log file. It holds no client address either: that is personal data, and the
// reverse proxy's log has it when an operator needs it.
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { LogFields } from '../data/logger.js';

export type AccessLog = (message: string, fields: LogFields) => void;

/** Ids a proxy or a client may set: short, and nothing that could forge a log line. */
const SANE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * The body, passed through as it is, counting its bytes; `onEnd` runs once, when the last byte
 * went out or the client went away (`complete` false). Streamed answers (exports) have no length
 * before they are sent, so this is the only way to log what was sent.
 */
function counted(
  body: ReadableStream<Uint8Array>,
  onEnd: (bytes: number, complete: boolean) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let bytes = 0;
  let ended = false;
  const end = (complete: boolean) => {
    if (ended) return;
    ended = true;
    onEnd(bytes, complete);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const r = await reader.read();
        if (r.done) {
          controller.close();
          end(true);
        } else {
          bytes += r.value.byteLength;
          controller.enqueue(r.value);
        }
      } catch (e) {
        end(false);
        controller.error(e);
      }
    },
    cancel(reason) {
      end(false);
      return reader.cancel(reason);
    },
  });
}

/** Echoes or assigns the request id, and logs the request once its answer is sent when `log` is given. */
export function requestIdAndAccessLog(log?: AccessLog): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    const given = c.req.header(REQUEST_ID_HEADER);
    const id = given && SANE_ID.test(given) ? given : randomUUID();
    await next();
    c.header(REQUEST_ID_HEADER, id);
    if (!log) return;
    const matched = c.req.routePath;
    const route = c.res.status === 404 && (matched === '/*' || matched === '*') ? 'unmatched' : matched;
    const emit = (bytes: number, complete: boolean) =>
      log('request', {
        method: c.req.method,
        route,
        status: c.res.status,
        // Until the last byte went out (or the client left): what the client waited.
        ms: Math.round((performance.now() - started) * 10) / 10,
        bytes,
        ...(complete ? {} : { aborted: true }),
        requestId: id,
      });
    const res = c.res;
    if (!res.body) {
      emit(0, true);
      return;
    }
    c.res = new Response(counted(res.body, emit), res);
  };
}
