// CORS for the public reads: any origin, never credentials (docs/api.md). Hono's cors() sets its
// headers on `c.res` before the handler runs, which makes Hono copy the handler's response into a
// new one (`set res`), and with @hono/node-server that turns every JSON body into a stream
// (measured: a fifth of /latest's server time). These headers are set after the handler instead,
// on the response it returned. Preflight requests are answered here.
import type { MiddlewareHandler } from 'hono';

export type PublicCorsOptions = {
  allowMethods: readonly string[];
  exposeHeaders: readonly string[];
  /** How long a browser may cache a preflight answer (seconds). */
  maxAgeSeconds: number;
};

export function publicCors(options: PublicCorsOptions): MiddlewareHandler {
  const methods = options.allowMethods.join(',');
  const expose = options.exposeHeaders.join(',');
  const maxAge = String(options.maxAgeSeconds);
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') {
      const headers: Record<string, string> = {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': methods,
        'Access-Control-Max-Age': maxAge,
      };
      const requested = c.req.header('Access-Control-Request-Headers');
      if (requested) {
        headers['Access-Control-Allow-Headers'] = requested
          .split(',')
          .map((h) => h.trim())
          .join(',');
        headers.Vary = 'Access-Control-Request-Headers';
      }
      return c.body(null, 204, headers);
    }
    await next();
    c.res.headers.set('Access-Control-Allow-Origin', '*');
    c.res.headers.set('Access-Control-Expose-Headers', expose);
  };
}
