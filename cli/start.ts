// `souffle start` (what `npm start` runs): everything in one process on embedded defaults. The
// database, the embedded broker (unless MQTT_URL is set), the ingest worker, the AtmoSud puller
// and the API with the widgets and pages, stopped in the reverse order on SIGTERM or SIGINT.
import { existsSync } from 'node:fs';
import { createApp, createPushOutbox, startApiServer } from '../api/index.js';
import { mosquittoRefresher } from './mosquitto-config.js';
import { packagePath } from '../data/index.js';
import { createLogger, type AlertService } from '../ingest/index.js';
import { resolveAdminToken, serviceUsername } from './admin-token.js';
import { alertApiSettings, connectionSettings, createApiPublisher } from './api.js';
import { configuredChangeSignal, dataFolder, openConfiguredDatabase } from './open-database.js';
import { parseCommandArgs } from './args.js';
import { startAtmosudPuller, type AtmosudPullerOverrides } from './atmosud-puller.js';
import { startNetworkImporters } from './network-importers.js';
import { startRawRetention } from './raw-retention.js';
import { startArchiveSchedule } from './archive/archive-schedule.js';
import { authThrottleSettings, largeReadSettings, readLimitSettings, type Config } from './config.js';
import { startConfiguredAlerts } from './alerts.js';
import { reloadTlsOnSighup, startConfiguredIngest } from './configured-ingest.js';
import { runUntilStopped } from './stop-on-signal.js';
import { deviceAddCommand, simCommand } from './start-hints.js';

export const usage = `souffle start
  Migrates the database (SOUFFLE_DB, or SOUFFLE_DATABASE_URL) and runs, in one process: the
  embedded MQTT broker on SOUFFLE_MQTT_PORT (unless MQTT_URL points at a broker), the ingest
  worker, the AtmoSud puller (unless ATMOSUD_ENABLED=false), the Sensor.Community and openSenseMap
  importers (when SENSOR_COMMUNITY_ENABLED, OPENSENSEMAP_ENABLED), and the API with the dashboard,
  the embed builder and the widgets on http://localhost:PORT. Stops cleanly on SIGTERM/SIGINT.
  With SOUFFLE_INGEST_WORKERS=N > 1 (MQTT_URL required), the ingest workers run as N child
  processes sharing the subscription, as with \`souffle ingest\`; the rest stays in this process.`;

/** The built widgets and pages, beside the package whatever the working directory. */
export const WEB_DIR = packagePath('dist', 'web');

/** What `souffle demo` changes in the run of `souffle start`. */
export type PlatformOptions = {
  /** The AtmoSud puller's fetch and how far back it starts (the demo's stand-in, with history). */
  atmosud?: AtmosudPullerOverrides;
  /** Labels every station and page as demonstration data. */
  demo?: boolean;
  /** Runs once everything listens; resolves with what to stop first on SIGTERM/SIGINT. */
  afterStart?: (running: { apiUrl: string; mqttPort: number | undefined }) => Promise<() => Promise<void>>;
};

export async function run(argv: string[], config: Config): Promise<void> {
  parseCommandArgs(argv, {});
  await runPlatform(config);
}

/** Starts the platform as `souffle start` does and runs until SIGTERM or SIGINT. */
export async function runPlatform(config: Config, options: PlatformOptions = {}): Promise<void> {
  const logger = createLogger({ level: config.LOG_LEVEL, scope: 'souffle', format: config.LOG_FORMAT });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const admin = resolveAdminToken(config);
  const handle = await openConfiguredDatabase(config);
  const stops: Array<() => Promise<void>> = [() => handle.close()];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch((e: Error) => logger.error(e.message));
  };

  try {
    // The alerts start once the broker and the publisher are up; batches stored before are
    // checked by their first periodic check.
    const alerts: { service?: AlertService | null } = {};
    const ingest = await startConfiguredIngest({
      config,
      db: handle.db,
      logger,
      onStored: (stations) => alerts.service?.notify(stations),
    });
    const stopSighup = reloadTlsOnSighup(ingest, logger);
    stops.push(async () => stopSighup());
    stops.push(ingest.stop);
    const puller = startAtmosudPuller(config, handle.db, logger, options.atmosud);
    if (puller) stops.push(puller.stop);
    const importers = startNetworkImporters(config, handle.db, logger);
    if (importers) stops.push(importers.stop);
    const retention = startRawRetention(config, handle.db, logger);
    if (retention) stops.push(retention.stop);
    const archive = startArchiveSchedule(config, handle.db, logger);
    if (archive) stops.push(archive.stop);

    // The airrohr push endpoint forwards to the broker as the service account.
    const publisher = createApiPublisher(config, (line) => logger.info(line));
    stops.push(publisher.close);
    // Accepted airrohr pushes wait here until the broker acknowledged them, across restarts.
    const changes = await configuredChangeSignal(config, (line) => logger.warn(line));
    if (changes) stops.push(() => changes.close());
    const pushOutbox = createPushOutbox({
      db: handle.db,
      publish: publisher.publish,
      connected: publisher.connected,
      publishTimeoutMs: 10_000,
      onError: (line) => logger.warn(line),
    });
    stops.push(async () => pushOutbox.close());
    alerts.service = startConfiguredAlerts(config, handle.db, logger, publisher.publish);
    if (alerts.service) stops.push(() => alerts.service!.stop());
    void pushOutbox.drain(); // what a previous run accepted and could not forward
    const app = createApp({
      db: handle.db,
      adminToken: admin.token,
      serviceUsername: serviceUsername(config),
      ...connectionSettings(config),
      webDir: WEB_DIR,
      archiveDir: config.SOUFFLE_ARCHIVE_DIR,
      publish: publisher.publish,
      brokerConnected: publisher.connected,
      pushOutbox,
      ttnSecrets: config.SOUFFLE_TTN_SECRETS,
      rateLimit: { pushPerMinute: config.SOUFFLE_RATE_LIMIT },
      authThrottle: authThrottleSettings(config),
      largeReads: largeReadSettings(config),
      ...readLimitSettings(config),
      timeZone: config.SOUFFLE_TIMEZONE,
      alerts: alertApiSettings(config),
      changes,
      onDevicesChanged: mosquittoRefresher(handle.db, config, (line) => logger.info(line)),
      diskPath: dataFolder(config),
      demo: options.demo,
      accessLog: config.SOUFFLE_ACCESS_LOG ? (message, fields) => logger.info(message, fields) : undefined,
    });
    const server = await startApiServer({ app, port: config.PORT, host: config.HOST });
    stops.push(server.close);

    const local = `http://localhost:${server.port}`;
    say('');
    say(`Souffle is running (Ctrl-C to stop).`);
    say(`  Dashboard       ${local}/`);
    say(`  Embed builder   ${local}/embed`);
    say(`  API reference   ${local}/api/v1/docs`);
    say(`  Health, metrics ${local}/healthz, ${local}/metrics`);
    say(
      `  MQTT broker     ${ingest.broker ? `embedded, mqtt://localhost:${ingest.broker.port} (devices log in with their id and token)` : config.MQTT_URL}`,
    );
    if (ingest.supervisor) {
      const n = config.SOUFFLE_INGEST_WORKERS;
      say(`  Ingest workers  ${n} processes sharing the subscription (slots 1–${n})`);
    }
    say(`  Database        ${config.SOUFFLE_DATABASE_URL ? 'PostgreSQL' : config.SOUFFLE_DB}`);
    const atmosud = options.atmosud
      ? 'built-in demonstration stand-in (no network)'
      : `${config.ATMOSUD_URL}, every ${config.ATMOSUD_INTERVAL / 60_000} min`;
    say(`  AtmoSud         ${config.ATMOSUD_ENABLED ? atmosud : 'disabled'}`);
    if (!existsSync(WEB_DIR))
      say(`  (widgets not built: run \`npm run build\`; \`npm start\` does it for you)`);
    if (admin.generated) say(`\nAdmin token (shown once, kept in ${admin.file}):\n  ${admin.token}`);
    if (options.afterStart) {
      stops.push(await options.afterStart({ apiUrl: local, mqttPort: ingest.broker?.port }));
    } else {
      say(`\nRegister a sensor: ${deviceAddCommand(config)}`);
      say(`Simulate a city:   ${simCommand(config, ingest.broker?.port)}\n`);
    }
  } catch (e) {
    await stopAll();
    throw e;
  }

  await runUntilStopped({
    announce: (signal) => logger.info(`${signal}: stopping (the message in hand is finished first)`),
    warn: (line) => logger.warn(line),
    stop: stopAll,
  });
}
