// The built widgets and pages (dist/web, built by `npm run build`): / the dashboard, /embed the
// embed builder, /widgets/* the embeddable bundle (CORS *, so any school website can load it) and
// /assets/*. Vite's hashed chunk names never change content: cached for a year, immutable. The
// stable entry widgets/souffle.js and the pages revalidate with an ETag. Files are streamed from
// disk, never held whole in memory.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { extname, resolve, sep } from 'node:path';
import type { Context } from 'hono';
import type { ApiApp } from './app-deps.js';
import { withDemoBanner } from './demo-label.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite's default chunk names: name-<8+ chars of base64url hash>.ext. */
const HASHED = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
const ENTRY_CACHE = 'public, max-age=300';

const MISSING_BUILD = (dir: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Souffle: web build missing</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The dashboard is not built yet</h1>
<p>The API is running, but the folder of the built widgets and pages (<code>${dir.replace(/[<>&]/g, '')}</code>) is missing.
Run <code>npm run build</code> in the Souffle folder, then reload this page.</p>
<p>The API itself works: see <a href="/api/v1/docs">the API reference</a> and <a href="/healthz">/healthz</a>.</p>
</body></html>
`;

function cacheControlFor(relative: string): string {
  if (relative === 'widgets/souffle.js') return ENTRY_CACHE;
  if (relative.endsWith('.html')) return 'no-cache';
  return HASHED.test(relative) ? IMMUTABLE : 'public, max-age=3600';
}

/** The file under root named by `relative`, or undefined if it escapes root or does not exist. */
async function locate(root: string, relative: string) {
  if (relative.includes('\0') || relative.split('/').some((part) => part === '..')) return undefined;
  const path = resolve(root, relative);
  if (!path.startsWith(root + sep)) return undefined;
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? { path, info } : undefined;
}

export async function serveFile(
  c: Context,
  root: string,
  relative: string,
  extra: Record<string, string> = {},
  contentType?: string,
) {
  const found = await locate(root, relative);
  if (!found) return undefined;
  const etag = `W/"${found.info.size.toString(36)}-${Math.floor(found.info.mtimeMs).toString(36)}"`;
  const headers: Record<string, string> = {
    ETag: etag,
    'Cache-Control': cacheControlFor(relative),
    ...extra,
  };
  const ifNoneMatch = c.req.header('If-None-Match');
  if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === etag || `W/${t.trim()}` === etag)) {
    return c.body(null, 304, headers);
  }
  headers['Content-Type'] = contentType ?? TYPES[extname(found.path)] ?? 'application/octet-stream';
  headers['Content-Length'] = String(found.info.size);
  return c.body(fileStream(found.path), 200, headers);
}

/** A page of a few kB with the demonstration banner (api/demo-label.ts) written in. */
async function demoPage(c: Context, root: string, relative: string) {
  const found = await locate(root, relative);
  if (!found) return c.notFound();
  const page = withDemoBanner(await readFile(found.path, 'utf8'));
  return c.html(page, 200, { 'Cache-Control': 'no-cache' });
}

/** A file as a web stream: sent in chunks as the client reads, whatever its size. */
export function fileStream(path: string): ReadableStream<Uint8Array> {
  return Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
}

export function registerStaticWeb(app: ApiApp, webDir: string, options: { demo?: boolean } = {}): void {
  const root = resolve(webDir);
  const built = async () => (await stat(root).catch(() => undefined))?.isDirectory() === true;
  const page = (file: string) => async (c: Context) => {
    if (!(await built())) return c.html(MISSING_BUILD(webDir), 503, { 'Cache-Control': 'no-store' });
    if (options.demo) return demoPage(c, root, file);
    return (await serveFile(c, root, file)) ?? c.notFound();
  };
  app.get('/', page('index.html'));
  app.get('/embed', page('embed.html'));
  app.get('/join', page('join.html'));
  app.get('/my', page('my.html'));
  // Widgets are loaded by other websites: CORS without credentials, and allowed cross-origin
  // under Cross-Origin-Embedder-Policy.
  const crossOrigin = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };
  app.get('/widgets/*', async (c) => {
    const relative = c.req.path.slice(1);
    return (await serveFile(c, root, relative, crossOrigin)) ?? c.notFound();
  });
  app.get('/assets/*', async (c) => {
    const relative = c.req.path.slice(1);
    return (await serveFile(c, root, relative)) ?? c.notFound();
  });
}
