// Caching for public reads: Cache-Control, and an ETag computed from the body so that a widget
// polling every minute gets 304 Not Modified (no body) while nothing changed. Route-level
// middleware, never on streamed exports (hashing would buffer the whole stream).
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

/** `Cache-Control: public, max-age=<seconds>` and a strong ETag on 200 answers to GET/HEAD. */
export function cached(maxAgeSeconds: number): MiddlewareHandler {
  const cacheControl = `public, max-age=${maxAgeSeconds}`;
  return async (c, next) => {
    await next();
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || c.res.status !== 200) return;
    const res = c.res;
    const body = new Uint8Array(await res.arrayBuffer());
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    const headers = new Headers(res.headers);
    if (!headers.has('Cache-Control')) headers.set('Cache-Control', cacheControl);
    headers.set('ETag', etag);
    if (matches(c.req.header('If-None-Match'), etag)) {
      const kept = new Headers();
      for (const name of ['Cache-Control', 'ETag', 'Vary', 'Access-Control-Allow-Origin']) {
        const v = headers.get(name);
        if (v !== null) kept.set(name, v);
      }
      c.res = undefined; // let Hono replace the response rather than merge headers into it
      c.res = new Response(null, { status: 304, headers: kept });
      return;
    }
    c.res = undefined;
    c.res = new Response(body, { status: res.status, headers });
  };
}

/** RFC 9110 §13.1.2: If-None-Match compares weakly (a gzip variant's W/ tag matches too). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** Cache-Control for answers that must not be stored (admin, device status, errors). */
export const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set('Cache-Control', 'no-store');
};
