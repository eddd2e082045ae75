// Caching for public reads: Cache-Control, and an ETag computed from the body so that a widget
// polling every minute gets 304 Not Modified (no body) while nothing changed. Having the whole
// body at hand, it gzips it here too: synchronously when small (a CompressionStream costs more in
// scheduling than in compressing a few KB), on the libuv thread pool when large. Never used for
// streamed exports (hashing would buffer the whole stream).
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import type { z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { Answerable, JsonAnswer } from './json-answer.js';

const gzipAsync = promisify(gzip);
/** Below this a body is sent as is (gzip's header and the CPU are not worth it). */
export const GZIP_MIN_BYTES = 1024;
const GZIP_SYNC_MAX_BYTES = 64 * 1024;

/** Whether Accept-Encoding allows gzip (RFC 9110 §12.5.3: "gzip" or "*" with q > 0). */
function acceptsGzip(header: string | undefined): boolean {
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

/** RFC 9110 §13.1.2: If-None-Match compares weakly (a gzip variant's W/ tag matches too). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

export type CacheOptions = {
  maxAgeSeconds: number;
  contentType?: string;
  headers?: Record<string, string>;
  /** False for bodies compressed already (Parquet): gzip would cost CPU for nothing. */
  compressible?: boolean;
};

/**
 * A 200 answer to a public read, built from its complete body: Cache-Control, ETag, 304 when the
 * client has it already, gzip when the client accepts it.
 */
export async function cachedBody(
  c: Context,
  content: string | Uint8Array,
  options: CacheOptions,
): Promise<Response> {
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
  const headers: Record<string, string> = {
    'Content-Type': options.contentType ?? 'application/json',
    'Cache-Control': `public, max-age=${options.maxAgeSeconds}`,
    Vary: 'Accept-Encoding',
    ...options.headers,
  };
  const gzipped =
    options.compressible !== false &&
    body.byteLength >= GZIP_MIN_BYTES &&
    acceptsGzip(c.req.header('Accept-Encoding'));
  // A gzipped body is another representation of the same resource: its tag is weak.
  headers.ETag = gzipped ? `W/${etag}` : etag;
  if (matches(c.req.header('If-None-Match'), etag)) {
    const { 'Content-Type': _type, ...kept } = headers;
    return c.body(null, 304, kept);
  }
  // Content-Length also tells the compress middleware that a body left as is is small enough to
  // stay so (without it, it would gzip a 300-byte answer through a CompressionStream).
  if (!gzipped) return c.body(body, 200, { ...headers, 'Content-Length': String(body.byteLength) });
  const compressed = body.byteLength <= GZIP_SYNC_MAX_BYTES ? gzipSync(body) : await gzipAsync(body);
  return c.body(compressed, 200, {
    ...headers,
    'Content-Encoding': 'gzip',
    'Content-Length': String(compressed.byteLength),
  });
}

/**
 * cachedBody for a JSON answer of the route's response schema: `data` is checked against the
 * schema (a field the contract lacks fails tsc) and the answer typed like `jsonAnswer(…, 200)`.
 */
export async function cachedJson<Schema extends z.ZodType, T>(
  c: Context,
  _schema: Schema,
  data: Answerable<T, Schema>,
  options: CacheOptions,
): Promise<JsonAnswer<Schema, 200>> {
  const res = await cachedBody(c, JSON.stringify(data), options);
  return res as JsonAnswer<Schema, 200>;
}

/** Cache-Control for answers that must not be stored (admin, device status, errors). */
export const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set('Cache-Control', 'no-store');
};
