// createApp: the whole HTTP surface (public reads, exports, admin and device endpoints, OpenAPI
// document and reference, health, metrics, and the built web pages) as one Hono app. It starts
// nothing: server.ts listens, cli/api.ts and cli/start.ts wire the database and the broker in.
import { OpenAPIHono } from '@hono/zod-openapi';
import { compress } from 'hono/compress';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress';
import type { Kysely } from 'kysely';
import { createAuthThrottle, type AuthThrottleOptions } from '../data/auth-throttle.js';
import { packagePath, packageVersion } from '../data/package-root.js';
import { DEFAULT_TIME_ZONE } from '../data/local-days.js';
import type { Database } from '../data/schema.js';
import { errorHandler, notFoundHandler, validationHook } from './api-error.js';
import type { ApiApp, AppDeps, Publish } from './app-deps.js';
import { GZIP_MIN_BYTES } from './http-cache.js';
import {
  createLargeReadLimiter,
  LARGE_READ_LIMIT_DEFAULTS,
  type LargeReadLimits,
} from './large-read-limiter.js';
import { clientAddressMiddleware, trustedProxySet } from './client-address.js';
import { createLiveHub, LIVE_HUB_DEFAULTS } from './live-hub.js';
import { publicCors } from './public-cors.js';
import { createRateLimiter } from './rate-limiter.js';
import { readRateLimit, type ReadRateLimit } from './read-rate-limit.js';
import { requestIdAndAccessLog, type AccessLog } from './access-log.js';
import { createOperatorMetrics } from './operator-metrics.js';
import { createRequestMetrics } from './request-metrics.js';
import { createPushOutbox, type PushOutbox } from './push-outbox.js';
import { registerCommuneRoute } from './routes/communes.js';
import { registerCompareRoute } from './routes/compare.js';
import { registerDeviceStatusRoute } from './routes/device-status.js';
import { registerDeviceRoutes } from './routes/devices.js';
import { registerCalibrationRoutes } from './routes/calibrations.js';
import { registerEnrolmentCodeRoutes } from './routes/enrolment-codes.js';
import { registerPushDeadLetterRoutes } from './routes/push-dead-letters.js';
import { registerStationHomeAssistantRoutes } from './routes/station-home-assistant.js';
import { JOIN_THROTTLE_DEFAULTS, registerJoinRoute } from './routes/join.js';
import { registerMyDeviceRoutes } from './routes/my-device.js';
import { registerMyAlertRoutes } from './routes/my-alerts.js';
import { registerAlertSubscriptionRoutes } from './routes/alert-subscriptions.js';
import type { AlertApiSettings } from './alert-views.js';
import { registerStationQrRoute } from './routes/station-qr.js';
import { registerStationBadgeRoute } from './routes/station-badge.js';
import { registerEmbedFrameRoutes } from './routes/embed-frame.js';
import { registerDocsRoutes } from './routes/docs.js';
import { registerExportRoute } from './routes/export.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerLatestRoute } from './routes/latest.js';
import { registerLatestByStationRoute } from './routes/latest-by-station.js';
import { registerPhenomenaRoute } from './routes/phenomena.js';
import { registerProfileRoute } from './routes/profile.js';
import { registerOpenSenseMapRoutes } from './routes/opensensemap.js';
import { registerTtnUplinkRoute } from './routes/ttn-uplink.js';
import { registerPushRoute } from './routes/push-airrohr.js';
import { registerSeriesRoute } from './routes/series.js';
import { registerSourceRoutes } from './routes/sources.js';
import { registerStationIndexRoute } from './routes/station-index.js';
import { registerStationRoutes } from './routes/stations.js';
import { registerStationTrackRoute } from './routes/station-track.js';
import { registerStreamRoute } from './routes/stream.js';
import { registerStaticWeb } from './static-web.js';
import { registerArchiveWeb } from './archive-web.js';
import { AnswerCache } from './answer-cache.js';
import { sqliteChangeSignal, type ChangeSignal } from '../data/change-signal.js';
import { dialectOf } from '../data/dialect.js';

export type { Publish } from './app-deps.js';

export type AppOptions = {
  db: Kysely<Database>;
  /** SOUFFLE_ADMIN_TOKEN: Bearer token of the admin endpoints. */
  adminToken: string;
  /** The platform's public base URL (shown to airrohr kits). */
  publicUrl: string;
  /** The broker URL shown to devices. */
  mqttUrl: string;
  /** The broker's service user name (SOUFFLE_MQTT_USERNAME, default "souffle"): reserved as a device id. */
  serviceUsername?: string;
  /** Publishes with QoS 1; resolves once the broker acknowledged. Without it, pushes answer 503. */
  publish?: Publish;
  brokerConnected?: () => boolean;
  /** Folder of the built widgets and pages (default: dist/web beside api/). */
  webDir?: string;
  rateLimit?: { pushPerMinute?: number; pushBurst?: number };
  /**
   * Failed device logins allowed per source address and window before the API answers 429
   * without checking the token (default: 10 per minute, data/auth-throttle.ts).
   */
  authThrottle?: Partial<Omit<AuthThrottleOptions, 'now'>>;
  /** How long the push outbox waits for the broker's acknowledgement of one push (ms). */
  publishTimeoutMs?: number;
  /**
   * The airrohr push's outbox (api/push-outbox.ts), started and closed by the entry point. Without
   * it, one is made over `publish` (forwarding on each push and retrying after failures).
   */
  pushOutbox?: PushOutbox;
  /** SOUFFLE_TTN_SECRETS: TTN application id → the secret its uplink webhook sends. */
  ttnSecrets?: Record<string, string>;
  /**
   * Large reads (exports, series of more than 5 000 points) at once, in all and per client address
   * (default 4 and 2); beyond, they answer 429 with Retry-After.
   */
  largeReads?: Partial<LargeReadLimits>;
  /**
   * Public reads per client address and window (SOUFFLE_READ_RATE_LIMIT, api/read-rate-limit.ts);
   * none without it. The CLI's default is on.
   */
  readRateLimit?: ReadRateLimit;
  /**
   * Reverse proxies whose X-Forwarded-For gives the client's address (SOUFFLE_TRUSTED_PROXIES,
   * api/client-address.ts); without them, the socket's peer is the client.
   */
  trustedProxies?: readonly string[];
  /** Zone of local days (daily values, ATMO): SOUFFLE_TIMEZONE, default Europe/Paris. */
  timeZone?: string;
  /** The data folder, whose free disk space /metrics shows (SQLite: the database's folder). */
  diskPath?: string;
  /** Where the access log goes, one event a request (api/access-log.ts); none without it. */
  accessLog?: AccessLog;
  now?: () => number;
  /**
   * Wrong enrolment codes allowed per source address and window at /api/v1/join (default: 10 per
   * 10 minutes); right codes never count, so a class behind one address can join together.
   */
  joinThrottle?: Partial<Omit<AuthThrottleOptions, 'now'>>;
  /**
   * Called (not awaited) after the API added, rotated or removed a device: `souffle api` and
   * `souffle start` rewrite Mosquitto's password file and ACL there (SOUFFLE_MOSQUITTO_DIR).
   */
  onDevicesChanged?: () => void;
  /**
   * `souffle demo`: the data are a stand-in for AtmoSud and a simulated city. Stations say so
   * (`demo: true`, their attribution), /healthz too, and every page shows a banner.
   */
  demo?: boolean;
  /**
   * The alert endpoints: whether e-mail can be sent (SOUFFLE_SMTP_URL set, default no) and which
   * private addresses webhooks may reach (SOUFFLE_ALERT_ALLOW_PRIVATE_WEBHOOKS, default none).
   */
  alerts?: Partial<AlertApiSettings>;
  /**
   * The live stream (GET /api/v1/stream): how often the database is asked for new readings while
   * someone listens (default 2 s), streams open at once in all and per address (default 200 and
   * 10), and per stream its heartbeat, lifetime and client retry (ms).
   */
  live?: Partial<{
    pollMs: number;
    maxConnections: number;
    maxPerAddress: number;
    heartbeatMs: number;
    maxAgeMs: number;
    retryMs: number;
  }>;
  /** SOUFFLE_ARCHIVE_DIR: the open-data archive, served read-only under /archive/ (none without it). */
  archiveDir?: string;
  /**
   * Tells the caches of current values and indices when the database changed. Default on SQLite:
   * its data_version; on PostgreSQL, none (nothing cached) unless the entry point passes the
   * LISTEN one (data/change-signal.ts).
   */
  changes?: ChangeSignal;
};

const APP_DEFAULTS = {
  // dist/web of this checkout or package, wherever `souffle` is started from.
  webDir: packagePath('dist', 'web'),
  pushPerMinute: 60,
  publishTimeoutMs: 10_000,
  now: Date.now,
} as const;

/** Public reads, readable from any website (no credentials ever). Admin paths get no CORS. */
const PUBLIC_PATHS = [
  '/api/v1/stations',
  '/api/v1/stations/*',
  '/api/v1/stream',
  '/api/v1/communes/*',
  '/api/v1/export',
  '/api/v1/latest',
  '/api/v1/phenomena',
  '/api/v1/openapi.json',
];

const compressible = (type: string) =>
  COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) || type.startsWith('application/x-ndjson');

export function createApp(options: AppOptions): ApiApp {
  const now = options.now ?? APP_DEFAULTS.now;
  const requestMetrics = createRequestMetrics();
  const deps: AppDeps = {
    db: options.db,
    now,
    timeZone: options.timeZone ?? DEFAULT_TIME_ZONE,
    adminToken: options.adminToken,
    settings: { mqttUrl: options.mqttUrl, publicUrl: options.publicUrl },
    serviceUsername: options.serviceUsername,
    publish: options.publish,
    brokerConnected: options.brokerConnected,
    publishTimeoutMs: options.publishTimeoutMs ?? APP_DEFAULTS.publishTimeoutMs,
    ttnSecrets: options.ttnSecrets,
    pushOutbox:
      options.pushOutbox ??
      (options.publish &&
        createPushOutbox({
          db: options.db,
          publish: options.publish,
          connected: options.brokerConnected,
          publishTimeoutMs: options.publishTimeoutMs ?? APP_DEFAULTS.publishTimeoutMs,
        })),
    pushLimiter: createRateLimiter({
      perMinute: options.rateLimit?.pushPerMinute ?? APP_DEFAULTS.pushPerMinute,
      burst: options.rateLimit?.pushBurst,
      now,
    }),
    authThrottle: createAuthThrottle({ ...options.authThrottle, now }),
    requestMetrics,
    operatorMetrics: createOperatorMetrics({ db: options.db, now, diskPath: options.diskPath }),
    diskPath: options.diskPath,
    largeReads: createLargeReadLimiter({ ...LARGE_READ_LIMIT_DEFAULTS, ...options.largeReads }),
    joinThrottle: createAuthThrottle({ ...JOIN_THROTTLE_DEFAULTS, ...options.joinThrottle, now }),
    onDevicesChanged: options.onDevicesChanged,
    demo: options.demo ?? false,
    alerts: { emailEnabled: false, webhookPolicy: {}, ...options.alerts },
    liveHub: createLiveHub({ db: options.db, pollMs: options.live?.pollMs ?? LIVE_HUB_DEFAULTS.pollMs }),
    liveConnections: createLargeReadLimiter({
      concurrent: options.live?.maxConnections ?? 200,
      perAddress: options.live?.maxPerAddress ?? 10,
    }),
    stream: options.live,
    answers: new AnswerCache(
      options.changes ?? (dialectOf(options.db) === 'sqlite' ? sqliteChangeSignal(options.db) : undefined),
    ),
  };

  const app: ApiApp = new OpenAPIHono({ defaultHook: validationHook });
  app.onError(errorHandler);
  app.notFound(notFoundHandler);
  app.use('*', requestIdAndAccessLog(options.accessLog));
  app.use(
    '*',
    clientAddressMiddleware(
      options.trustedProxies?.length ? trustedProxySet(options.trustedProxies) : undefined,
    ),
  );
  app.use('*', requestMetrics.middleware);
  // Streamed answers (exports, static files); cached JSON arrives gzipped already (http-cache.ts),
  // or with a Content-Length under the same threshold, which this leaves as it is.
  app.use('*', compress({ contentTypeFilter: compressible, threshold: GZIP_MIN_BYTES }));
  const cors = publicCors({
    allowMethods: ['GET', 'HEAD', 'OPTIONS'],
    exposeHeaders: [
      'ETag',
      'Link',
      'Content-Disposition',
      'X-Data-Licence',
      'X-Data-Attribution',
      'RateLimit',
      'RateLimit-Policy',
      'Retry-After',
    ],
    maxAgeSeconds: 86_400,
  });
  for (const path of PUBLIC_PATHS) app.use(path, cors);
  // After CORS, so that a page on another site can read a 429 and its Retry-After.
  if (options.readRateLimit) {
    app.use('*', readRateLimit(options.readRateLimit, { adminToken: options.adminToken, now }));
  }

  registerStationRoutes(app, deps);
  registerStreamRoute(app, deps);
  registerLatestRoute(app, deps);
  registerSeriesRoute(app, deps);
  registerLatestByStationRoute(app, deps);
  registerPhenomenaRoute(app, deps);
  registerProfileRoute(app, deps);
  registerStationIndexRoute(app, deps);
  registerStationTrackRoute(app, deps);
  registerCompareRoute(app, deps);
  registerCommuneRoute(app, deps);
  registerSourceRoutes(app, deps);
  registerExportRoute(app, deps);
  registerDeviceRoutes(app, deps);
  registerCalibrationRoutes(app, deps);
  registerDeviceStatusRoute(app, deps);
  registerEnrolmentCodeRoutes(app, deps);
  registerPushDeadLetterRoutes(app, deps);
  registerStationHomeAssistantRoutes(app, deps);
  registerJoinRoute(app, deps);
  registerMyDeviceRoutes(app, deps);
  registerMyAlertRoutes(app, deps, deps.alerts);
  registerAlertSubscriptionRoutes(app, deps, deps.alerts);
  registerStationQrRoute(app, deps);
  registerStationBadgeRoute(app, deps);
  registerEmbedFrameRoutes(app, deps);
  registerPushRoute(app, deps);
  registerOpenSenseMapRoutes(app, deps);
  registerTtnUplinkRoute(app, deps);
  registerHealthRoutes(app, deps);
  registerDocsRoutes(app, packageVersion());
  if (options.archiveDir !== undefined) registerArchiveWeb(app, options.archiveDir);
  registerStaticWeb(app, options.webDir ?? APP_DEFAULTS.webDir, { demo: deps.demo });
  return app;
}
