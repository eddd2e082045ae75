// Authentication for the admin endpoints (Bearer SOUFFLE_ADMIN_TOKEN) and for devices (Basic
// id:token as the airrohr firmware sends it, or Bearer token with the device id in the path).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import type { AuthThrottle } from '../data/auth-throttle.js';
import { authenticateDevice } from '../data/store/devices.js';
import type { Database, Device } from '../data/schema.js';
import { ApiError } from './api-error.js';
import { clientAddress } from './client-address.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time equality: compares fixed-length digests, so neither content nor length leaks. */
function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/**
 * A bare token as the whole header, as openSenseMap's clients send a box's access token
 * (`Authorization: <token>`): one word, no scheme.
 */
function bareToken(header: string | undefined): string | undefined {
  const m = /^\s*([A-Za-z0-9_.~+/=-]{16,})\s*$/.exec(header ?? '');
  return m?.[1];
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Whether the request carries the admin's Bearer token (compared in constant time). */
export function hasAdminToken(c: Context, adminToken: string): boolean {
  const token = bearerToken(c.req.header('Authorization'));
  return token !== undefined && safeEqual(token, adminToken);
}

export function adminAuth(adminToken: string): MiddlewareHandler {
  if (!adminToken) throw new Error('createApp: adminToken must not be empty');
  return async (c, next) => {
    const token = bearerToken(c.req.header('Authorization'));
    if (token === undefined) {
      throw new ApiError(
        401,
        'unauthorized',
        'this endpoint needs Authorization: Bearer <SOUFFLE_ADMIN_TOKEN>',
        {
          'WWW-Authenticate': 'Bearer realm="souffle-admin"',
        },
      );
    }
    if (!safeEqual(token, adminToken)) {
      throw new ApiError(401, 'unauthorized', 'the admin token is not valid', {
        'WWW-Authenticate': 'Bearer realm="souffle-admin", error="invalid_token"',
      });
    }
    await next();
  };
}

/**
 * The device authenticated by the request: Basic id:token (the id must be `expectedId` when one
 * is given), or Bearer token or a bare token (openSenseMap's clients) for `expectedId`. Throws 401 otherwise, and 429 with Retry-After,
 * without checking anything, once the request's address has failed too often (`throttle`).
 */
export async function authenticateRequestDevice(
  c: Context,
  { db, authThrottle }: { db: Kysely<Database>; authThrottle: AuthThrottle },
  expectedId?: string,
): Promise<Device> {
  const header = c.req.header('Authorization');
  const challenge = { 'WWW-Authenticate': 'Basic realm="souffle-device", charset="UTF-8"' };
  const basic = basicCredentials(header);
  const bearer = basic ? undefined : bearerToken(header);
  let id: string | undefined;
  let token: string | undefined;
  if (basic) {
    id = basic.user;
    token = basic.password;
    if (expectedId !== undefined && id !== expectedId) {
      throw new ApiError(
        401,
        'unauthorized',
        `these credentials are for device "${id}", not "${expectedId}"`,
        challenge,
      );
    }
  } else if (bearer && expectedId !== undefined) {
    id = expectedId;
    token = bearer;
  } else if (!bearer && expectedId !== undefined && bareToken(header)) {
    id = expectedId;
    token = bareToken(header);
  }
  if (id === undefined || token === undefined) {
    throw new ApiError(
      401,
      'unauthorized',
      'this endpoint needs the device credentials: Basic auth with the device id and token',
      challenge,
    );
  }
  // Counted before the scrypt hash, which is what a flood of wrong tokens would cost.
  const attempt = authThrottle.attempt(clientAddress(c));
  if (!attempt.ok) {
    throw new ApiError(
      429,
      'too_many_failed_logins',
      `too many failed logins from this address; retry in ${attempt.retryAfterSeconds} s`,
      { 'Retry-After': String(attempt.retryAfterSeconds) },
    );
  }
  const device = await authenticateDevice(db, id, token);
  if (device) attempt.succeeded();
  // A Bearer login is answered with a Bearer challenge (RFC 6750): a Basic one would make a browser
  // page that signs in with fetch ("Mon capteur") pop up the browser's own login dialog.
  const refused = bearer
    ? { 'WWW-Authenticate': 'Bearer realm="souffle-device", error="invalid_token"' }
    : challenge;
  if (!device) throw new ApiError(401, 'unauthorized', 'unknown device id or wrong token', refused);
  return device;
}
