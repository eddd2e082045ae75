// What the route files receive from createApp: the database and the few services the API uses.
// Passed explicitly (docs/architecture.md, Areas and their doors): no route reads the environment or a module singleton.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { AuthThrottle } from '../data/auth-throttle.js';
import type { ConnectionSettings } from '../data/device-connection.js';
import type { Database } from '../data/schema.js';
import type { AlertApiSettings } from './alert-views.js';
import type { AnswerCache } from './answer-cache.js';
import type { LargeReadLimiter } from './large-read-limiter.js';
import type { LiveHub } from './live-hub.js';
import type { OperatorMetrics } from './operator-metrics.js';
import type { PushOutbox } from './push-outbox.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RequestMetrics } from './request-metrics.js';

export type Publish = (topic: string, payload: Uint8Array) => Promise<void>;

export type AppDeps = {
  db: Kysely<Database>;
  now: () => number;
  /** Zone of local days: daily values and the ATMO index are per local day (data/local-days.ts). */
  timeZone: string;
  adminToken: string;
  settings: ConnectionSettings;
  /** The broker's service user name: no device may be registered under it. */
  serviceUsername?: string;
  publish?: Publish;
  brokerConnected?: () => boolean;
  /** How long the outbox waits for the broker's acknowledgement of one forwarded push. */
  publishTimeoutMs: number;
  /** Where accepted airrohr pushes wait for the broker (absent without a broker: pushes answer 503). */
  pushOutbox?: PushOutbox;
  /** TTN application id → the secret its uplink webhook sends (SOUFFLE_TTN_SECRETS). */
  ttnSecrets?: Record<string, string>;
  pushLimiter: RateLimiter;
  /** Failed device logins per address, counted before the token's scrypt hash. */
  authThrottle: AuthThrottle;
  requestMetrics: RequestMetrics;
  /** Process, build, database-up, disk, station and AtmoSud figures for /metrics (prom-client). */
  operatorMetrics: OperatorMetrics;
  /** The data folder whose disk /healthz and /metrics report (SQLite); none on PostgreSQL. */
  diskPath?: string;
  /** Large reads (exports, series of more than one chunk) at once, in all and per client address. */
  largeReads: LargeReadLimiter;
  /** Wrong enrolment codes per address at /api/v1/join, counted like failed logins. */
  joinThrottle: AuthThrottle;
  /** Learns of new readings for the live stream (api/live-hub.ts). */
  liveHub: LiveHub;
  /** Live streams open at once, in all and per client address. */
  liveConnections: LargeReadLimiter;
  /** Heartbeat, lifetime and retry of a live stream (api/routes/stream.ts, STREAM_DEFAULTS). */
  stream?: Partial<{ heartbeatMs: number; maxAgeMs: number; retryMs: number }>;
  /** `souffle demo`: every station is labelled demonstration data (api/demo-label.ts). */
  demo: boolean;
  /** E-mail availability and the webhook address policy of the alert endpoints. */
  alerts: AlertApiSettings;
  /** Called after a device was added, rotated or removed through the API (Mosquitto's files). */
  onDevicesChanged?: () => void;
  /** Current values and indices already answered, until the database changes (answer-cache.ts). */
  answers: AnswerCache;
};

export type ApiApp = OpenAPIHono;
