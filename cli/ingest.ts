// `souffle ingest`: the ingest worker alone (production runs it beside `souffle api` and
// Mosquitto), with the embedded broker when MQTT_URL is unset. `souffle start` wires the same
// pieces through startIngest().
import type { Db } from '../data/db.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../ingest/embedded-broker.js';
import { createLogger, type Logger } from '../ingest/logger.js';
import { IngestWorker } from '../ingest/worker.js';
import { serviceCredentials } from './admin-token.js';
import { parseCommandArgs, UsageError } from './args.js';
import { startAtmosudPuller } from './atmosud-puller.js';
import { openConfiguredDatabase } from './open-database.js';
import type { Config } from './config.js';

export const usage = `souffle ingest [--no-mqtt] [--instance <n>]
  Runs the ingest worker: subscribes to the devices' topics (QoS 1, persistent session), stores
  their readings in SOUFFLE_DB, and pulls AtmoSud reference data (ATMOSUD_*). Without MQTT_URL it
  also runs the embedded MQTT broker on SOUFFLE_MQTT_HOST:SOUFFLE_MQTT_PORT (default 0.0.0.0:1883).
  On an external broker it logs in as SOUFFLE_MQTT_USERNAME/PASSWORD (or the URL's credentials),
  else anonymously. Stops gracefully on SIGTERM or SIGINT (the message in hand is finished).

Options:
  --no-mqtt        run the AtmoSud puller only (no broker, no subscription)
  --instance <n>   one of several workers sharing the load on Mosquitto: client id
                   SOUFFLE_MQTT_CLIENT_ID-<n>, subscriptions through $share/souffle/…`;

export type IngestServices = {
  worker: IngestWorker | null;
  broker: EmbeddedBroker | null;
  /** Stops the worker (finishing the message in hand), then the broker. */
  stop: () => Promise<void>;
};

/** Where and as whom the worker connects: the external broker, or the embedded one. */
export function workerConnection(config: Config, embeddedPort?: number) {
  if (embeddedPort !== undefined) {
    return { mqttUrl: `mqtt://127.0.0.1:${embeddedPort}`, ...serviceCredentials(config) };
  }
  const url = config.MQTT_URL!;
  const creds =
    config.SOUFFLE_MQTT_USERNAME !== undefined
      ? { username: config.SOUFFLE_MQTT_USERNAME, password: config.SOUFFLE_MQTT_PASSWORD }
      : {}; // credentials in the URL, if any, are used by mqtt.js; else anonymous
  return { mqttUrl: url, ...creds };
}

/** Starts the embedded broker (when MQTT_URL is unset) and the worker. */
export async function startIngest(options: {
  config: Config;
  db: Db;
  logger: Logger;
  instance?: number;
}): Promise<IngestServices> {
  const { config, db, logger } = options;
  let broker: EmbeddedBroker | null = null;
  if (!config.MQTT_URL) {
    broker = await startEmbeddedBroker({
      db,
      port: config.SOUFFLE_MQTT_PORT,
      host: config.SOUFFLE_MQTT_HOST,
      serviceCredentials: serviceCredentials(config),
      logger,
    });
  }
  const shared = options.instance !== undefined;
  const worker = new IngestWorker({
    db,
    ...workerConnection(config, broker?.port),
    clientId: shared ? `${config.SOUFFLE_MQTT_CLIENT_ID}-${options.instance}` : config.SOUFFLE_MQTT_CLIENT_ID,
    ...(shared ? { shareGroup: 'souffle' } : {}),
    logger,
  });
  try {
    await worker.start();
  } catch (e) {
    await broker?.close();
    throw e;
  }
  return {
    worker,
    broker,
    stop: async () => {
      await worker.stop();
      await broker?.close();
    },
  };
}

export async function run(argv: string[], config: Config): Promise<void> {
  const { values } = parseCommandArgs(argv, { 'no-mqtt': { type: 'boolean' }, instance: { type: 'string' } });
  const instance = values.instance === undefined ? undefined : Number(values.instance);
  if (instance !== undefined && (!Number.isInteger(instance) || instance < 1 || instance > 64)) {
    throw new UsageError(`--instance "${values.instance}" must be a whole number from 1 to 64`);
  }
  if (instance !== undefined && !config.MQTT_URL) {
    throw new UsageError('--instance needs MQTT_URL: the embedded broker has no shared subscriptions');
  }
  const logger = createLogger({ level: config.LOG_LEVEL, scope: 'souffle ingest' });
  const handle = await openConfiguredDatabase(config);
  let services: IngestServices = { worker: null, broker: null, stop: async () => {} };
  try {
    if (!values['no-mqtt']) services = await startIngest({ config, db: handle.db, logger, instance });
  } catch (e) {
    await handle.close();
    throw e;
  }

  // The AtmoSud puller runs inside the ingest worker's process (DESIGN.md, Data flow); it is
  // stopped before the database closes.
  const puller = startAtmosudPuller(config, handle.db, logger);
  if (!puller && values['no-mqtt']) logger.warn('--no-mqtt with ATMOSUD_ENABLED=false: nothing to run');

  const summary = setInterval(() => {
    const s = services.worker?.status;
    if (s) logger.info(`received ${s.received}, stored ${s.stored}, rejected ${sum(s.messagesRejected)}`);
  }, 60_000);
  summary.unref();

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn(`${signal} again: exiting now`);
        process.exit(1);
      }
      stopping = true;
      logger.info(`${signal}: finishing the message in hand and stopping`);
      void (async () => {
        clearInterval(summary);
        await puller?.stop().catch((e: Error) => logger.error(`stop: ${e.message}`));
        await services.stop().catch((e: Error) => logger.error(`stop: ${e.message}`));
        await handle.close().catch(() => {});
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        resolve();
      })();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

function sum(counts: Partial<Record<string, number>>): number {
  return Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0);
}
