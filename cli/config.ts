// Configuration: every environment variable Souffle reads, validated once at the entry point and
// passed down (docs/architecture.md, Areas and their doors). The README's configuration table mirrors this file.
import { z } from 'zod';
import { allowList, DEFAULT_TIME_ZONE, isTimeZone, type WebhookPolicy } from '../data/index.js';
import type { QualityOptions } from '../ingest/index.js';
import { isIP } from 'node:net';
import type { ReadRateLimit } from '../api/index.js';

/** "15m", "48h", "30s", "500ms", "7d" or a number of milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new RangeError(`"${text}" is not a duration (examples: 500ms, 30s, 15m, 48h, 7d)`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
  return Math.round(n * unit);
}

/** "60/min", "1/s", "600/h", or a number of messages a minute. Returns messages per minute. */
export function parseRate(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|second|m|min|minute|h|hour))?\s*$/.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!m || !(n > 0)) throw new RangeError(`"${text}" is not a positive rate (examples: 60/min, 1/s, 600/h)`);
  const unit = m[2]?.[0] ?? 'm';
  return unit === 's' ? n * 60 : unit === 'h' ? n / 60 : n;
}

/** A string turned into a value by `parse`, whose RangeError becomes the variable's message. */
const parsed = <T>(fallback: string, parse: (text: string) => T) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      try {
        return parse(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    });

const WINDOWS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** "120/min", "10/s", "5000/h", or a bare number a minute; "off" (or 0) for no limit. */
export function parseReadRateLimit(text: string): ReadRateLimit | undefined {
  if (/^\s*(off|false|no|0)\s*$/i.test(text)) return undefined;
  const m = /^\s*(\d+)\s*(?:\/\s*(s|sec|second|m|min|minute|h|hour))?\s*$/i.exec(text);
  const quota = Number(m?.[1]);
  if (!m || !(quota >= 1)) {
    throw new RangeError(`"${text}" is not a read rate limit (examples: 120/min, 10/s, 5000/h, off)`);
  }
  return { quota, windowSeconds: WINDOWS[(m[2] ?? 'm')[0]!.toLowerCase()]! };
}

/** "127.0.0.1, ::1, 10.0.0.0/8" → its addresses and CIDR ranges, each checked. */
export function parseTrustedProxies(text: string): string[] {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const entry of entries) {
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    const prefixOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (family === 0 || !prefixOk || extra !== undefined) {
      throw new RangeError(
        `"${entry}" is not an IP address or a CIDR range (examples: 127.0.0.1, 10.0.0.0/8, ::1)`,
      );
    }
  }
  return entries;
}

const rate = (fallback: string) => parsed(fallback, parseRate);
const duration = (fallback: string) => parsed(fallback, parseDuration);

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

// One sentence for any bad port ("abc", "3.5", "70000"), not zod's "expected number, received NaN".
const PORT_MESSAGE = { error: 'must be a port number, a whole number from 0 to 65535' };
const port = (fallback: number) =>
  z.coerce
    .number(PORT_MESSAGE)
    .int(PORT_MESSAGE)
    .min(0, PORT_MESSAGE)
    .max(65535, PORT_MESSAGE)
    .default(fallback);

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

/** "minLon,minLat,maxLon,maxLat" as four numbers, or a zod issue that quotes it. */
function parseBbox(v: string, ctx: z.RefinementCtx): [number, number, number, number] {
  const parts = v.split(',').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not minLon,minLat,maxLon,maxLat` });
    return z.NEVER;
  }
  return parts as [number, number, number, number];
}

const bbox = z
  .string()
  .optional()
  .transform((v, ctx) => (v ? parseBbox(v, ctx) : undefined));

/** The Aix-Marseille-Provence metropolis, west of Port-Saint-Louis to east of Pertuis and La Ciotat. */
export const METROPOLIS_BBOX = '4.80,43.15,5.82,43.77';

const bboxOr = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => parseBbox(v === undefined || v.trim() === '' ? fallback : v, ctx));

const emptyAsUndefined = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

export const envSchema = z.object({
  SOUFFLE_DB: z.string().min(1).default('data/souffle.db'),
  SOUFFLE_DATABASE_URL: emptyAsUndefined,
  PORT: port(8080),
  HOST: z.string().default('0.0.0.0'),
  SOUFFLE_PUBLIC_URL: emptyAsUndefined,
  SOUFFLE_ADMIN_TOKEN: emptyAsUndefined,
  MQTT_URL: emptyAsUndefined,
  /** The broker Home Assistant listens to (it must keep retained messages): discovery off when unset. */
  SOUFFLE_HA_MQTT_URL: emptyAsUndefined,
  SOUFFLE_MQTT_PORT: port(1883),
  SOUFFLE_MQTT_HOST: z.string().default('0.0.0.0'),
  /** MQTT over TLS on the embedded broker: its port, and the PEM certificate and key (docs/operations.md, TLS). */
  SOUFFLE_MQTT_TLS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SOUFFLE_MQTT_WS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SOUFFLE_MQTT_TLS_CERT: emptyAsUndefined,
  SOUFFLE_MQTT_TLS_KEY: emptyAsUndefined,
  SOUFFLE_MQTT_USERNAME: emptyAsUndefined,
  SOUFFLE_MQTT_PASSWORD: emptyAsUndefined,
  /** Folder written by `souffle mosquitto-config`: device commands keep its passwd and ACL current. */
  SOUFFLE_MOSQUITTO_DIR: emptyAsUndefined,
  SOUFFLE_MQTT_CLIENT_ID: z.string().min(1).max(23).default('souffle-ingest'),
  SOUFFLE_INGEST_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * `souffle ingest`'s own /metrics and /healthz (ingest/ingest-http.ts): off when unset; the
   * worker of --slot K listens on this port + K.
   */
  SOUFFLE_INGEST_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SOUFFLE_INGEST_METRICS_HOST: z.string().default('127.0.0.1'),
  SOUFFLE_API_URL: z.string().url().default('http://localhost:8080'),
  ATMOSUD_ENABLED: bool(true),
  ATMOSUD_URL: z.string().url().default('https://api.atmosud.org'),
  ATMOSUD_INTERVAL: duration('15m'),
  ATMOSUD_DEPARTMENTS: list('13'),
  ATMOSUD_BBOX: bbox,
  ATMOSUD_COMMUNES: list('13055,13001'),
  ATMOSUD_OVERLAP: duration('48h'),
  ATMOSUD_TIMEOUT: duration('30s'),
  ATMOSUD_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  /** Importers of the open citizen networks (docs/ingest.md, "Imported networks"): off unless enabled. */
  SENSOR_COMMUNITY_ENABLED: bool(false),
  SENSOR_COMMUNITY_URL: z.string().url().default('https://data.sensor.community'),
  SENSOR_COMMUNITY_BBOX: bboxOr(METROPOLIS_BBOX),
  SENSOR_COMMUNITY_ARCHIVE_URL: z.string().url().default('https://archive.sensor.community'),
  SENSOR_COMMUNITY_FEED: z.enum(['area', '1h']).default('area'),
  SENSOR_COMMUNITY_INTERVAL: duration('5m'),
  SENSOR_COMMUNITY_TIMEOUT: duration('60s'),
  OPENSENSEMAP_ENABLED: bool(false),
  OPENSENSEMAP_URL: z.string().url().default('https://api.opensensemap.org'),
  OPENSENSEMAP_BBOX: bboxOr(METROPOLIS_BBOX),
  OPENSENSEMAP_PHENOMENON: z.string().default('PM2.5'),
  OPENSENSEMAP_INTERVAL: duration('10m'),
  OPENSENSEMAP_LOOKBACK: duration('24h'),
  OPENSENSEMAP_TIMEOUT: duration('30s'),
  OPENSENSEMAP_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  SOUFFLE_RATE_LIMIT: z.coerce.number().int().min(1).default(60),
  /**
   * The Things Network applications whose uplink webhook may post, each with the secret its
   * webhook sends in X-Souffle-TTN-Secret: "app-id:secret,other-app:secret" (docs/ingest.md).
   */
  SOUFFLE_TTN_SECRETS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const secrets: Record<string, string> = {};
      for (const pair of text
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const colon = pair.indexOf(':');
        const app = pair.slice(0, colon);
        const secret = pair.slice(colon + 1);
        if (colon < 1 || secret.length < 16) {
          ctx.addIssue({
            code: 'custom',
            message: `"${app || pair}": expected <application id>:<secret of at least 16 characters>`,
          });
          return z.NEVER;
        }
        secrets[app] = secret;
      }
      return secrets;
    }),
  /** Failed device logins per source address and window before logins are refused unchecked. */
  SOUFFLE_AUTH_FAILURES: z.coerce.number().int().min(1).default(10),
  SOUFFLE_AUTH_FAILURE_WINDOW: duration('1m'),
  /** How often the embedded broker checks connected devices against the database (removal, rotation). */
  SOUFFLE_DEVICE_CHECK_INTERVAL: duration('2s'),
  /** What each device may publish on the embedded broker, in messages a minute and in a row. */
  SOUFFLE_MQTT_RATE: rate('60/min'),
  SOUFFLE_MQTT_BURST: z.coerce.number().int().min(1).default(120),
  /** Large reads (exports, long series) at once, in all and per client address (docs/security.md). */
  SOUFFLE_LARGE_READS: z.coerce.number().int().min(1).default(4),
  SOUFFLE_LARGE_READS_PER_ADDRESS: z.coerce.number().int().min(1).default(2),
  /** Public reads per client address: "300/min", "10/s", or "off" (docs/security.md, "Read rate limit"). */
  SOUFFLE_READ_RATE_LIMIT: parsed('300/min', parseReadRateLimit),
  /** Reverse proxies whose X-Forwarded-For names the client: addresses or CIDR ranges, comma-separated. */
  SOUFFLE_TRUSTED_PROXIES: parsed('', parseTrustedProxies),
  /** Zone of the local days of daily values and the ATMO index (docs/methods.md, "Days"). */
  SOUFFLE_TIMEZONE: z
    .string()
    .default(DEFAULT_TIME_ZONE)
    .refine(isTimeZone, { message: 'not a time zone this Node.js knows (examples: Europe/Paris, UTC)' }),
  /** Quality-control detectors of the ingest worker (docs/methods.md, "Quality control"). */
  SOUFFLE_QC: bool(true),
  SOUFFLE_QC_STUCK_READINGS: z.coerce.number().int().min(2).default(30),
  SOUFFLE_QC_STUCK_DURATION: duration('60m'),
  SOUFFLE_QC_ZERO_DURATION: duration('3h'),
  SOUFFLE_QC_SPIKE_WINDOW: z.coerce.number().int().min(5).max(1000).default(15),
  SOUFFLE_QC_SPIKE_K: z.coerce.number().positive().default(3),
  SOUFFLE_QC_SPIKE_FLOOR: z.coerce.number().min(0).default(1),
  SOUFFLE_QC_SPIKE_RELATIVE_FLOOR: z.coerce.number().min(0).max(10).default(0.15),
  /** Raw readings older than this are deleted; rollups are kept (docs/operations.md, Retention). */
  SOUFFLE_RAW_RETENTION: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      try {
        const ms = parseDuration(v);
        if (ms < 86_400_000) throw new RangeError(`"${v}" is under a day: keep at least 1d of raw readings`);
        return ms;
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }),
  SOUFFLE_RETENTION_INTERVAL: duration('1h'),
  /**
   * The open-data archive's folder: set, `souffle start`/`ingest` build it nightly and serve it
   * under /archive/, and raw retention waits for a month to be archived (docs/operations.md).
   */
  SOUFFLE_ARCHIVE_DIR: emptyAsUndefined,
  /** How often the archive is brought up to date (first build at start). */
  SOUFFLE_ARCHIVE_INTERVAL: duration('24h'),
  /** Alerts (docs/operations.md, "Alerts"): checked and sent by the ingest process. */
  SOUFFLE_ALERTS: bool(true),
  /** smtp://user:pass@host:587 or smtps://…:465; unset: e-mail alerts are refused. */
  SOUFFLE_SMTP_URL: emptyAsUndefined,
  SOUFFLE_MAIL_FROM: z.string().default('Souffle <souffle@localhost>'),
  SOUFFLE_ALERT_CHECK_INTERVAL: duration('60s'),
  SOUFFLE_ALERT_SEND_INTERVAL: duration('5s'),
  SOUFFLE_ALERT_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  SOUFFLE_ALERT_BACKOFF: duration('30s'),
  /** "1" (any address) or CIDR blocks webhooks may reach despite being private or loopback. */
  SOUFFLE_ALERT_ALLOW_PRIVATE_WEBHOOKS: z
    .string()
    .default('')
    .transform((v, ctx): WebhookPolicy => {
      const text = v.trim();
      if (['1', 'true', 'yes', 'on'].includes(text)) return { allowPrivate: true };
      const cidrs = text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s && !['0', 'false', 'no', 'off'].includes(s));
      try {
        allowList(cidrs);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
      return cidrs.length > 0 ? { allowCidrs: cidrs } : {};
    }),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** text for a terminal, json for journald, Loki or another collector (docs/operations.md, Logs). */
  LOG_FORMAT: z.enum(['text', 'json']).default('text'),
  /** One line per API request at level info (api/access-log.ts). */
  SOUFFLE_ACCESS_LOG: bool(true),
});

export type Config = z.output<typeof envSchema>;

/** MQTT over TLS on the embedded broker, or undefined; a port without both files is a configuration error. */
export function mqttTlsSettings(
  config: Config,
): { port: number; certFile: string; keyFile: string } | undefined {
  const {
    SOUFFLE_MQTT_TLS_PORT: port,
    SOUFFLE_MQTT_TLS_CERT: certFile,
    SOUFFLE_MQTT_TLS_KEY: keyFile,
  } = config;
  if (port === undefined) return undefined;
  if (!certFile || !keyFile) {
    throw new ConfigError(
      'invalid configuration:\n  SOUFFLE_MQTT_TLS_PORT is set: SOUFFLE_MQTT_TLS_CERT and SOUFFLE_MQTT_TLS_KEY must name the PEM certificate and key',
    );
  }
  return { port, certFile, keyFile };
}

/** Thrown with every invalid variable named, so a bad setting is fixed in one go. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Former names still read when the new one is unset, so that an existing deployment keeps its
 * settings (README, "Settings"). SOUFFLE_EXPORTS bounded exports only; the limit now covers long
 * series too.
 */
const DEPRECATED_NAMES: Partial<Record<keyof typeof envSchema.shape, string>> = {
  SOUFFLE_LARGE_READS: 'SOUFFLE_EXPORTS',
  SOUFFLE_LARGE_READS_PER_ADDRESS: 'SOUFFLE_EXPORTS_PER_ADDRESS',
};

/** The name a variable's value came from: itself, or the deprecated name it was given under. */
function sourceName(env: Record<string, string | undefined>, key: string): string {
  const old = DEPRECATED_NAMES[key as keyof typeof DEPRECATED_NAMES];
  return env[key] === undefined && old !== undefined && env[old] !== undefined ? old : key;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(Object.keys(envSchema.shape).map((k) => [k, env[sourceName(env, k)]]));
  const result = envSchema.safeParse(known);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const name = sourceName(env, String(i.path[0]));
      return `  ${name}=${JSON.stringify(env[name] ?? '')}: ${i.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** The failed-login throttle of the API and the embedded broker (docs/security.md, "Failed logins"). */
export function authThrottleSettings(config: Config): { limit: number; windowMs: number } {
  return { limit: config.SOUFFLE_AUTH_FAILURES, windowMs: config.SOUFFLE_AUTH_FAILURE_WINDOW };
}

/** The quality-control detectors' settings (ingest/quality/quality-options.ts). */
export function qualitySettings(config: Config): QualityOptions {
  return {
    enabled: config.SOUFFLE_QC,
    stuckReadings: config.SOUFFLE_QC_STUCK_READINGS,
    stuckDurationMs: config.SOUFFLE_QC_STUCK_DURATION,
    zeroDurationMs: config.SOUFFLE_QC_ZERO_DURATION,
    spikeWindow: config.SOUFFLE_QC_SPIKE_WINDOW,
    spikeK: config.SOUFFLE_QC_SPIKE_K,
    spikeFloor: config.SOUFFLE_QC_SPIKE_FLOOR,
    spikeRelativeFloor: config.SOUFFLE_QC_SPIKE_RELATIVE_FLOOR,
  };
}

/** The per-device publish limit of the embedded broker (docs/ingest.md, "Limits"). */
export function deviceRateSettings(config: Config): { perMinute: number; burst: number } {
  return { perMinute: config.SOUFFLE_MQTT_RATE, burst: config.SOUFFLE_MQTT_BURST };
}

/** The concurrent large-read limits of the API (docs/security.md, "Public reads and ingest"). */
export function largeReadSettings(config: Config): { concurrent: number; perAddress: number } {
  return { concurrent: config.SOUFFLE_LARGE_READS, perAddress: config.SOUFFLE_LARGE_READS_PER_ADDRESS };
}

/** The read rate limit and the trusted proxies of the API (docs/security.md, "Read rate limit"). */
export function readLimitSettings(config: Config): {
  readRateLimit: ReadRateLimit | undefined;
  trustedProxies: string[];
} {
  return { readRateLimit: config.SOUFFLE_READ_RATE_LIMIT, trustedProxies: config.SOUFFLE_TRUSTED_PROXIES };
}
