// Every error the API answers, in one shape ({error: {code, message}}) and from one place: routes
// throw ApiError, zod validation failures go through `validationHook`, anything else through
// `errorHandler`, so a bad input can never surface as a 500 with a stack trace.
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { ErrorResponse } from '../data/api-types.js';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string) => new ApiError(400, code, message);
/** A 404. `code` lets a client tell "no such thing" (not_found) from a narrower absence, such as
 * a station that exists but does not measure the phenomenon asked for (no_series). */
export const notFound = (message: string, code = 'not_found') => new ApiError(404, code, message);

function errorBody(code: string, message: string): ErrorResponse {
  return { error: { code, message } };
}

const TARGET_NAMES: Record<string, string> = {
  query: 'query parameter',
  param: 'path parameter',
  json: 'body field',
  header: 'header',
  form: 'form field',
  cookie: 'cookie',
};

/** One sentence per zod issue, naming the parameter and the value that was given. */
function describeIssues(error: ZodError, target: string, input: unknown): string {
  const kind = TARGET_NAMES[target] ?? target;
  return error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => `unknown ${kind} "${k}"`).join('; ');
      }
      const name = issue.path.map(String).join('.');
      if (!name) return `${target === 'json' ? 'body' : kind}: ${issue.message}`;
      const given = valueAt(input, issue.path);
      if (given !== undefined)
        return `${kind} "${name}" ${JSON.stringify(given)?.slice(0, 80)}: ${issue.message}`;
      return input === undefined ? `${kind} "${name}": ${issue.message}` : `${kind} "${name}" is required`;
    })
    .join('; ');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** The OpenAPIHono defaultHook: a failed validation becomes 400 naming the parameter. */
export async function validationHook(
  result: { target: string } & ({ success: true } | { success: false; error: ZodError }),
  c: Context,
): Promise<Response | undefined> {
  if (result.success) return undefined;
  const input = await rawInput(c, result.target);
  return c.json(
    errorBody(`invalid_${result.target}`, describeIssues(result.error, result.target, input)),
    400,
  );
}

async function rawInput(c: Context, target: string): Promise<unknown> {
  if (target === 'query') return c.req.query();
  if (target === 'param') return c.req.param();
  if (target === 'header') return c.req.header();
  // Hono keeps the parsed body: reading it again costs nothing and names the bad value.
  if (target === 'json') return c.req.json().catch(() => undefined);
  return undefined;
}

/** better-sqlite3's codes for a lock still held after the busy timeout. */
const SQLITE_BUSY = /^SQLITE_(BUSY|LOCKED)/;
const BUSY_RETRY_AFTER_S = 2;

export const errorHandler: ErrorHandler = (err, c) => {
  if (err instanceof ApiError) {
    return c.json(errorBody(err.code, err.message), err.status, err.headers);
  }
  if (err instanceof HTTPException) {
    // Raised by Hono itself: malformed JSON body (400), body over the limit (413), bad media type.
    const status = err.status;
    const code =
      status === 413
        ? 'payload_too_large'
        : status === 415
          ? 'unsupported_media_type'
          : /json/i.test(err.message)
            ? 'invalid_json'
            : 'bad_request';
    const message =
      status === 413
        ? 'request body is larger than this endpoint accepts'
        : status === 415
          ? 'send the body as JSON, with Content-Type: application/json'
          : err.message || 'the request could not be read';
    return c.json(errorBody(code, message), status as ContentfulStatusCode);
  }
  if (SQLITE_BUSY.test(String((err as { code?: unknown }).code ?? ''))) {
    // Another process held SQLite's write lock beyond busy_timeout: nothing is wrong with the
    // request, so it may be sent again (docs/security.md, Busy database).
    return c.json(errorBody('busy', 'the database is busy with another write; try again shortly'), 503, {
      'Retry-After': String(BUSY_RETRY_AFTER_S),
    });
  }
  console.error(`souffle api: ${c.req.method} ${c.req.path} failed:`, err);
  return c.json(
    errorBody('internal_error', 'the server failed to answer this request; it has been logged'),
    500,
  );
};

export const notFoundHandler: NotFoundHandler = (c) =>
  c.json(errorBody('not_found', `no such endpoint: ${c.req.method} ${c.req.path}`), 404);
