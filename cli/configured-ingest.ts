// The ingest side as configured: the broker settings taken from the environment, the command the
// supervisor starts each child worker with, and the area's refusals turned into usage errors.
// `souffle ingest` and `souffle start` both start the ingest side here.
import { connectionSettings } from './connection-settings.js';
import { packagePath, type Db } from '../data/index.js';
import {
  startIngest,
  WorkerTopologyError,
  type IngestBroker,
  type IngestServices,
  type Logger,
} from '../ingest/index.js';
import { serviceCredentials } from './admin-token.js';
import { UsageError } from './args.js';
import {
  authThrottleSettings,
  deviceRateSettings,
  mqttTlsSettings,
  qualitySettings,
  type Config,
} from './config.js';

/** The ingest side's broker, from the configuration. */
export function ingestBroker(config: Config): IngestBroker {
  return {
    url: config.MQTT_URL,
    username: config.SOUFFLE_MQTT_USERNAME,
    password: config.SOUFFLE_MQTT_PASSWORD,
    host: config.SOUFFLE_MQTT_HOST,
    port: config.SOUFFLE_MQTT_PORT,
    serviceCredentials: () => serviceCredentials(config),
    authThrottle: authThrottleSettings(config),
    revocationCheckMs: config.SOUFFLE_DEVICE_CHECK_INTERVAL,
    rateLimit: deviceRateSettings(config),
    ...(mqttTlsSettings(config) ? { tls: mqttTlsSettings(config) } : {}),
    ...(config.SOUFFLE_MQTT_WS_PORT !== undefined ? { websocketPort: config.SOUFFLE_MQTT_WS_PORT } : {}),
  };
}

/** A worker layout the broker cannot run is a usage error (exit code 2), named as the area names it. */
export async function asUsage<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw e instanceof WorkerTopologyError ? new UsageError(e.message) : e;
  }
}

/**
 * On SIGHUP, the embedded broker reads its TLS certificate and key again (after a renewal, e.g.
 * certbot's deploy hook: `systemctl kill -s HUP souffle`). Returns what removes the handler.
 */
export function reloadTlsOnSighup(services: IngestServices, logger: Logger): () => void {
  const reload = () => {
    try {
      services.broker?.reloadTls();
    } catch (e) {
      logger.error(`SIGHUP: kept the previous TLS certificate: ${(e as Error).message}`);
    }
  };
  process.on('SIGHUP', reload);
  return () => process.off('SIGHUP', reload);
}

/** Starts the ingest side as configured (ingest/ingest-services.ts): one worker, a slot's, or several. */
export function startConfiguredIngest(options: {
  config: Config;
  db: Db;
  logger: Logger;
  slot?: number;
  /** Told the stations of each batch a worker of this process committed (the alerts). */
  onStored?: (stations: ReadonlySet<string>) => void;
}): Promise<IngestServices> {
  const { config, db, logger, slot, onStored } = options;
  return asUsage(() =>
    startIngest({
      db,
      logger,
      slot,
      broker: ingestBroker(config),
      clientId: config.SOUFFLE_MQTT_CLIENT_ID,
      workers: config.SOUFFLE_INGEST_WORKERS,
      quality: qualitySettings(config),
      ...(onStored ? { onStored } : {}),
      ...(config.SOUFFLE_HA_MQTT_URL
        ? {
            homeAssistant: {
              url: config.SOUFFLE_HA_MQTT_URL,
              publicUrl: connectionSettings(config).publicUrl,
            },
          }
        : {}),
      timeZone: config.SOUFFLE_TIMEZONE,
      // Each child is `souffle ingest --slot K`, and never runs the AtmoSud puller, the network
      // importers or the alerts: the caller does, once.
      children: {
        workerArgs: (k) => [packagePath('bin', 'souffle.mjs'), 'ingest', '--slot', String(k)],
        env: {
          ATMOSUD_ENABLED: 'false',
          SENSOR_COMMUNITY_ENABLED: 'false',
          OPENSENSEMAP_ENABLED: 'false',
          SOUFFLE_ALERTS: 'false',
        },
      },
    }),
  );
}
