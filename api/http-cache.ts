// Caching for public reads: Cache-Control, and an ETag computed from the body so that a widget
// polling every minute gets 304 Not Modified (no body) while nothing changed. Route-level
// middleware, never on streamed exports (hashing would buffer the whole stream). Having the whole
// body at hand, it also gzips it here: synchronously when small (a CompressionStream costs more in
// scheduling than in compressing a few KB), on the libuv thread pool when large.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';

const gzipAsync = promisify(gzip);
/** Below this a body is sent as is (gzip's header and the CPU are not worth it). */
export const GZIP_MIN_BYTES = 1024;
const GZIP_SYNC_MAX_BYTES = 64 * 1024;

/** Whether Accept-Encoding allows gzip (RFC 9110 §12.5.3: "gzip" or "*" with q > 0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let wildcard = false;
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    const allowed = q === undefined || Number(q) > 0;
    if (name === 'gzip') return allowed;
    if (name === '*') wildcard = allowed;
  }
  return wildcard;
}

/** `Cache-Control: public, max-age=<seconds>`, a strong ETag and gzip on 200 answers to GET/HEAD. */
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
    headers.set('Vary', 'Accept-Encoding');
    const gzipped = body.byteLength >= GZIP_MIN_BYTES && acceptsGzip(c.req.header('Accept-Encoding'));
    // A gzipped body is another representation of the same resource: its tag is weak.
    headers.set('ETag', gzipped ? `W/${etag}` : etag);
    c.res = undefined; // let Hono replace the response rather than merge headers into it
    if (matches(c.req.header('If-None-Match'), etag)) {
      const kept = new Headers();
      for (const name of ['Cache-Control', 'ETag', 'Vary', 'Access-Control-Allow-Origin']) {
        const v = headers.get(name);
        if (v !== null) kept.set(name, v);
      }
      c.res = new Response(null, { status: 304, headers: kept });
      return;
    }
    if (!gzipped) {
      c.res = new Response(body, { status: 200, headers });
      return;
    }
    const compressed = body.byteLength <= GZIP_SYNC_MAX_BYTES ? gzipSync(body) : await gzipAsync(body);
    headers.set('Content-Encoding', 'gzip');
    headers.set('Content-Length', String(compressed.byteLength));
    c.res = new Response(compressed, { status: 200, headers });
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
