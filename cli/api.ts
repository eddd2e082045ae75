// `souffle api`: the API, widgets and dashboard alone (production runs it beside `souffle ingest`
// and Mosquitto). `souffle start` wires the same pieces with the functions exported here.
import {
  createApp,
  createMqttPublisher,
  createPushOutbox,
  publisherClientId,
  startApiServer,
  type AlertApiSettings,
  type MqttPublisher,
} from '../api/index.js';
import { mosquittoRefresher } from './mosquitto-config.js';
import { createLogger } from '../data/index.js';
import { configuredChangeSignal, dataFolder, openConfiguredDatabase } from './open-database.js';
import { resolveAdminToken, serviceCredentials, serviceUsername } from './admin-token.js';
import { parseCommandArgs } from './args.js';
import { authThrottleSettings, largeReadSettings, readLimitSettings, type Config } from './config.js';
import { connectionSettings } from './connection-settings.js';
import { runUntilStopped } from './stop-on-signal.js';

export const usage = `souffle api
  Runs the HTTP API (/api/v1, /healthz, /metrics), the widgets and the dashboard on HOST:PORT
  (default 0.0.0.0:8080), reading SOUFFLE_DB (or SOUFFLE_DATABASE_URL). Pushes from airrohr kits
  are forwarded to MQTT_URL, or to the embedded broker at 127.0.0.1:SOUFFLE_MQTT_PORT, as the
  service account (SOUFFLE_MQTT_USERNAME/PASSWORD, else "souffle" with the admin token).
  The admin token is SOUFFLE_ADMIN_TOKEN, or generated on first start, printed once and kept in
  .admin-token beside the database. Stops gracefully on SIGTERM or SIGINT.`;

/** What devices are told (shared with `souffle device`, which must not load the API). */
export { connectionSettings } from './connection-settings.js';

/** The API's forwarder connection: the external broker, or the embedded one on this machine. */
export function createApiPublisher(config: Config, log: (line: string) => void = () => {}): MqttPublisher {
  const url = config.MQTT_URL ?? `mqtt://127.0.0.1:${config.SOUFFLE_MQTT_PORT}`;
  let offlineLogged = false;
  return createMqttPublisher({
    url,
    ...serviceCredentials(config),
    clientId: publisherClientId('souffle-api'),
    onEvent: (event, detail) => {
      if (event === 'connect') {
        offlineLogged = false;
        log(`souffle api: connected to the broker at ${url}`);
      } else if (!offlineLogged) {
        offlineLogged = true; // one line per outage, not one per reconnection attempt
        log(
          `souffle api: broker at ${url} unavailable${detail ? ` (${detail})` : ''}; airrohr pushes answer 503 until it is back`,
        );
      }
    },
  });
}

/** What the alert endpoints need to know of the configuration (cli/alerts.ts runs the rest). */
export function alertApiSettings(config: Config): AlertApiSettings {
  return {
    emailEnabled: config.SOUFFLE_SMTP_URL !== undefined,
    webhookPolicy: config.SOUFFLE_ALERT_ALLOW_PRIVATE_WEBHOOKS,
  };
}

/** SQLite page cache of `souffle api`'s connection. It only reads, and the OS page cache holds the
 * file: a large export touches every page it reads and would fill any cache, so this bounds what
 * it adds to the process. Measured on 1 000 stations with a year of hourly data: /latest and a
 * one-year /series cost the same server time with 2 MiB as with 16 MiB (pages come from the OS
 * cache), and an export's peak RSS is ~14 MB lower (bench/api.ts, docs/api.md). */
export const API_CACHE_KIB = 2 * 1024;

export async function run(argv: string[], config: Config): Promise<void> {
  parseCommandArgs(argv, {});
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const logger = createLogger({ level: config.LOG_LEVEL, scope: 'souffle api', format: config.LOG_FORMAT });
  const admin = resolveAdminToken(config);
  // Printed at once, so that it is seen even if the server then fails to start.
  if (admin.generated) log(`Admin token (shown once; kept in ${admin.file}): ${admin.token}`);
  const handle = await openConfiguredDatabase(config, { cacheKiB: API_CACHE_KIB });
  const changes = await configuredChangeSignal(config, log);
  const settings = connectionSettings(config);
  // The broker connection starts once the port is ours: a second `souffle api` on a taken port
  // fails at once without touching the broker.
  const broker: { publisher?: MqttPublisher } = {};
  const publish = (topic: string, payload: Uint8Array) =>
    broker.publisher?.publish(topic, payload) ?? Promise.reject(new Error('not connected yet'));
  const brokerConnected = () => broker.publisher?.connected() ?? false;
  // Accepted airrohr pushes wait here until the broker acknowledged them, across restarts.
  const pushOutbox = createPushOutbox({
    db: handle.db,
    publish,
    connected: brokerConnected,
    publishTimeoutMs: 10_000,
    onError: log,
  });
  const app = createApp({
    db: handle.db,
    adminToken: admin.token,
    serviceUsername: serviceUsername(config),
    ...settings,
    publish,
    brokerConnected,
    pushOutbox,
    ttnSecrets: config.SOUFFLE_TTN_SECRETS,
    rateLimit: { pushPerMinute: config.SOUFFLE_RATE_LIMIT },
    authThrottle: authThrottleSettings(config),
    largeReads: largeReadSettings(config),
    ...readLimitSettings(config),
    timeZone: config.SOUFFLE_TIMEZONE,
    alerts: alertApiSettings(config),
    changes,
    onDevicesChanged: mosquittoRefresher(handle.db, config, log),
    diskPath: dataFolder(config),
    archiveDir: config.SOUFFLE_ARCHIVE_DIR,
    accessLog: config.SOUFFLE_ACCESS_LOG ? (message, fields) => logger.info(message, fields) : undefined,
  });
  const server = await startApiServer({ app, port: config.PORT, host: config.HOST }).catch(
    async (e: unknown) => {
      await changes?.close();
      await handle.close();
      throw e;
    },
  );
  const publisher = (broker.publisher = createApiPublisher(config, log));
  void pushOutbox.drain(); // what a previous run accepted and could not forward
  log(
    `souffle api: listening on http://${config.HOST}:${server.port} (public URL ${settings.publicUrl}; reference at /api/v1/docs)`,
  );

  await runUntilStopped({
    announce: (signal) => log(`souffle api: ${signal}, shutting down`),
    warn: (line) => log(`souffle api: ${line}`),
    stop: async () => {
      await server.close().catch(() => {});
      pushOutbox.close();
      await publisher.close().catch(() => {});
      await changes?.close();
      await handle.close().catch(() => {});
    },
  });
}
