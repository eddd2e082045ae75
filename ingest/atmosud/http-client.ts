// The HTTP client of the AtmoSud puller: every request has a timeout, retryable failures are
// retried with exponential backoff and jitter, `Retry-After` on 429/503 is honoured (and pauses
// every request of this client, not just the one that got it), at most `concurrency` requests
// are in flight, and a 2xx answer is only returned once its body has passed the zod schema.
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { AtmosudError, describeNetworkError } from './atmosud-error.js';
import { check, describeZodError } from './schemas.js';

export type HttpClientOptions = {
  baseUrl: string;
  /** Per attempt, headers and body included. */
  timeoutMs: number;
  concurrency: number;
  /** Retries after the first attempt, for network errors, timeouts, 429 and 5xx. */
  retries?: number;
  /** First backoff; doubles per retry, up to maxBackoffMs, then jittered to 50–100 %. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A longer `Retry-After` is cut to this, so a confused server cannot stall the puller for hours. */
  retryAfterCapMs?: number;
  fetch?: typeof fetch;
  random?: () => number;
  /** Who asks: the importers of other networks (ingest/networks/) name themselves. */
  userAgent?: string;
};

const HTTP_DEFAULTS = { retries: 3, backoffMs: 1000, maxBackoffMs: 30_000, retryAfterCapMs: 120_000 };

const HEADERS = {
  accept: 'application/json',
  'user-agent': 'Souffle-AtmoSud-puller (citizen air-quality platform)',
};

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

export type JsonResponse<T> = { data: T; body: string; request: string };

export type AtmosudClient = {
  getJson<S extends z.ZodType>(
    path: string,
    query: Readonly<Record<string, string>>,
    schema: S,
    signal?: AbortSignal,
  ): Promise<JsonResponse<z.output<S>>>;
};

export function createAtmosudClient(options: HttpClientOptions): AtmosudClient {
  const o = { ...HTTP_DEFAULTS, fetch: globalThis.fetch, random: Math.random, ...options };
  const acquire = createLimit(Math.max(1, o.concurrency));
  // Real time, not an injected data clock: this is about waiting.
  let pausedUntil = 0;

  const backoff = (retry: number) => {
    const full = Math.min(o.maxBackoffMs, o.backoffMs * 2 ** retry);
    return full / 2 + (o.random() * full) / 2;
  };

  /** One attempt: the response and its body, or why there is none. Only fetch errors are caught. */
  async function send(url: URL, request: string, signal?: AbortSignal) {
    const aborted = new AtmosudError('aborted', request, 'aborted');
    const wait = pausedUntil - Date.now();
    if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => undefined);
    if (signal?.aborted) return aborted;
    const release = await acquire();
    try {
      const timeout = AbortSignal.timeout(o.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      const headers = o.userAgent ? { ...HEADERS, 'user-agent': o.userAgent } : HEADERS;
      const response = await o.fetch(url, { signal: combined, headers });
      return { response, body: await response.text() };
    } catch (e) {
      if (signal?.aborted) return aborted;
      return (e as Error).name === 'TimeoutError'
        ? new AtmosudError('timeout', request, `no answer within ${o.timeoutMs} ms`)
        : new AtmosudError('network', request, describeNetworkError(e));
    } finally {
      release();
    }
  }

  async function getJson<S extends z.ZodType>(
    path: string,
    query: Readonly<Record<string, string>>,
    schema: S,
    signal?: AbortSignal,
  ): Promise<JsonResponse<z.output<S>>> {
    // Relative to the base, so that a base behind a reverse-proxy prefix (https://host/atmosud) keeps it.
    const url = new URL(path.replace(/^\//, ''), o.baseUrl.endsWith('/') ? o.baseUrl : `${o.baseUrl}/`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const request = `GET ${url.pathname}${url.search}`;

    for (let attempt = 0; ; attempt++) {
      const result = await send(url, request, signal);
      let failure: AtmosudError;
      let delay = backoff(attempt);
      if (result instanceof AtmosudError) {
        if (result.kind === 'aborted') throw result;
        failure = result;
      } else {
        const { response, body } = result;
        if (response.ok) return { data: parseBody(request, response, body, schema), body, request };
        const reason = `HTTP ${response.status} ${response.statusText}`.trim();
        failure = new AtmosudError('status', request, reason, body, response.status);
        if (!RETRYABLE_STATUS.has(response.status)) throw failure;
        if (response.status === 429 || response.status === 503) {
          const retryAfter = parseRetryAfter(
            response.headers.get('retry-after'),
            Date.now(),
            o.retryAfterCapMs,
          );
          if (retryAfter !== undefined) {
            // Every request of this client waits, not only this one: the server asked for a pause.
            pausedUntil = Math.max(pausedUntil, Date.now() + retryAfter);
            delay = retryAfter;
          }
        }
      }
      if (attempt >= o.retries) throw failure;
      await sleep(delay, undefined, { signal }).catch(() => {
        throw new AtmosudError('aborted', request, 'aborted');
      });
    }
  }

  return { getJson };
}

/** Parses a 2xx body: JSON (not an HTML error page), then the schema; the reason names the field. */
function parseBody<S extends z.ZodType>(request: string, response: Response, body: string, schema: S) {
  const type = response.headers.get('content-type') ?? '';
  if (/html/i.test(type) || /^\s*</.test(body)) {
    throw new AtmosudError('shape', request, `expected JSON, got HTML (content-type "${type}")`, body);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw new AtmosudError('shape', request, `malformed JSON: ${(e as Error).message}`, body);
  }
  const parsed = check(schema, json);
  if (!parsed.success) throw new AtmosudError('shape', request, describeZodError(parsed.error), body);
  return parsed.data as z.output<S>;
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3), capped; undefined if absent or bad. */
export function parseRetryAfter(header: string | null, now: number, capMs: number): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, ms), capMs);
}

/** A counting semaphore: `await acquire()` resolves to the release function. A released slot is
 * handed to the next waiter directly, so a newcomer can never slip in and exceed `max`. */
function createLimit(max: number): () => Promise<() => void> {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };
  return async () => {
    if (active < max) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    return release;
  };
}
