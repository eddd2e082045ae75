// HTTP request metrics for /metrics (Prometheus text format 0.0.4): a counter by method, route
// pattern and status, and a latency histogram by route. Routes are the matched patterns
// (/api/v1/stations/:id), never raw paths, so the label set stays bounded.
import type { MiddlewareHandler } from 'hono';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export type RequestMetrics = { middleware: MiddlewareHandler; render: () => string };

/** Escapes a label value as the exposition format requires (backslash, quote, newline). */
const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function createRequestMetrics(): RequestMetrics {
  const requests = new Map<string, number>();
  const latency = new Map<string, { counts: number[]; sum: number; count: number }>();

  const middleware: MiddlewareHandler = async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    // After next(), routePath is the pattern of the last handler that ran: the route's own, or
    // "/*" when only middleware matched (a 404).
    const matched = c.req.routePath;
    const route = c.res.status === 404 && (matched === '/*' || matched === '*') ? 'unmatched' : matched;
    const key = `method="${label(c.req.method)}",route="${label(route)}",status="${c.res.status}"`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    const h = latency.get(route) ?? { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) h.counts[i]! += 1;
    });
    h.sum += seconds;
    h.count += 1;
    latency.set(route, h);
  };

  const render = () => {
    const lines = [
      '# HELP souffle_http_requests_total HTTP requests answered, by method, route and status.',
      '# TYPE souffle_http_requests_total counter',
      ...[...requests].sort().map(([k, v]) => `souffle_http_requests_total{${k}} ${v}`),
      '# HELP souffle_http_request_duration_seconds Time to answer (until the body starts), by route.',
      '# TYPE souffle_http_request_duration_seconds histogram',
    ];
    for (const [route, h] of [...latency].sort(([a], [b]) => a.localeCompare(b))) {
      const r = `route="${label(route)}"`;
      BUCKETS.forEach((le, i) =>
        lines.push(`souffle_http_request_duration_seconds_bucket{${r},le="${le}"} ${h.counts[i]}`),
      );
      lines.push(`souffle_http_request_duration_seconds_bucket{${r},le="+Inf"} ${h.count}`);
      lines.push(`souffle_http_request_duration_seconds_sum{${r}} ${h.sum}`);
      lines.push(`souffle_http_request_duration_seconds_count{${r}} ${h.count}`);
    }
    return lines.join('\n');
  };

  return { middleware, render };
}
