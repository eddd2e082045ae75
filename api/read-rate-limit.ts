// A per-address rate limit on the public reads (SOUFFLE_READ_RATE_LIMIT, docs/security.md, "Read
// rate limit"): a token bucket per client address (api/client-address.ts) that holds the quota and
// refills it over the window, so a page that loads ten things at once is never refused while a
// scraper polling without pause is. Every limited answer says where the client stands with the
// RateLimit-Policy and RateLimit fields of draft-ietf-httpapi-ratelimit-headers (structured
// fields: policy "reads", q quota, w window, r remaining, t seconds until the quota is whole
// again); a refused read answers 429 with Retry-After. In memory, per process.
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './api-error.js';
import { hasAdminToken } from './auth.js';
import { clientAddress } from './client-address.js';
import { createRateLimiter, type RateDecision } from './rate-limiter.js';

export type ReadRateLimit = {
  /** Reads per window. */ quota: number;
  /** Window (s). */ windowSeconds: number;
};

const POLICY = 'reads';
/** The reads the limit covers: GET and HEAD of the JSON API, not its reference pages. */
function isLimitedRead(method: string, path: string): boolean {
  return (
    (method === 'GET' || method === 'HEAD') && path.startsWith('/api/v1/') && !path.startsWith('/api/v1/docs')
  );
}

function rateLimitHeaders(limit: ReadRateLimit, decision: RateDecision): Record<string, string> {
  return {
    'RateLimit-Policy': `"${POLICY}";q=${limit.quota};w=${limit.windowSeconds}`,
    RateLimit: `"${POLICY}";r=${decision.remaining};t=${decision.resetSeconds}`,
  };
}

/**
 * The middleware. Requests with the admin token are not counted: the operator's own tools are not
 * who the limit is for.
 */
export function readRateLimit(
  limit: ReadRateLimit,
  options: { adminToken: string; now: () => number },
): MiddlewareHandler {
  const buckets = createRateLimiter({
    perMinute: (limit.quota * 60) / limit.windowSeconds,
    burst: limit.quota,
    now: options.now,
  });
  return async (c, next) => {
    if (!isLimitedRead(c.req.method, c.req.path) || hasAdminToken(c, options.adminToken)) return next();
    const decision = buckets.take(clientAddress(c) ?? '');
    const headers = rateLimitHeaders(limit, decision);
    if (!decision.ok) {
      throw new ApiError(
        429,
        'too_many_requests',
        `more than ${limit.quota} reads in ${limit.windowSeconds} s from this address; retry in ${decision.retryAfterSeconds} s`,
        { ...headers, 'Retry-After': String(decision.retryAfterSeconds) },
      );
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
