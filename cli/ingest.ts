// `souffle ingest`: the ingest worker alone (production runs it beside `souffle api` and
// Mosquitto), with the embedded broker when MQTT_URL is unset; or, with SOUFFLE_INGEST_WORKERS > 1,
// several workers in child processes sharing the subscription (ingest/ingest-supervisor.ts), each
// of which is `souffle ingest --slot K`. `souffle start` starts the same through
// startConfiguredIngest() (cli/configured-ingest.ts); ingest/ingest-services.ts does the work.
import {
  createLogger,
  MAX_SLOTS,
  reportReady,
  requireSharedSubscriptions,
  startIngestHttp,
  type IngestHttp,
  type AlertService,
  type IngestServices,
} from '../ingest/index.js';
import { parseCommandArgs, UsageError } from './args.js';
import { startAtmosudPuller } from './atmosud-puller.js';
import { startNetworkImporters } from './network-importers.js';
import { startRawRetention } from './raw-retention.js';
import { startArchiveSchedule } from './archive/archive-schedule.js';
import { createAlertPublisher, startConfiguredAlerts } from './alerts.js';
import type { MqttPublisher } from '../api/index.js';
import type { Config } from './config.js';
import { asUsage, reloadTlsOnSighup, startConfiguredIngest } from './configured-ingest.js';
import { retire } from './ingest-retire.js';
import { openConfiguredDatabase } from './open-database.js';
import { runUntilStopped } from './stop-on-signal.js';

export const usage = `souffle ingest [--no-mqtt] [--slot <k>] [--retire <k,...|single>]
  Runs the ingest worker: subscribes to the devices' topics (QoS 1, persistent session), stores
  their readings in the database (SOUFFLE_DATABASE_URL, else SOUFFLE_DB), and pulls AtmoSud
  reference data (ATMOSUD_*). Without MQTT_URL it also runs the embedded MQTT broker on
  SOUFFLE_MQTT_HOST:SOUFFLE_MQTT_PORT (default 0.0.0.0:1883). On an external broker it logs in as
  SOUFFLE_MQTT_USERNAME/PASSWORD (or the URL's credentials), else anonymously. Stops gracefully on
  SIGTERM or SIGINT (the batch in hand is finished). With SOUFFLE_INGEST_METRICS_PORT set, it
  serves its own GET /metrics and GET /healthz there (on SOUFFLE_INGEST_METRICS_HOST, default
  127.0.0.1; the worker of --slot K on that port + K).

  With SOUFFLE_INGEST_WORKERS=N > 1 (Mosquitto, MQTT_URL, required) it runs N workers as child
  processes, \`souffle ingest --slot 1\` to \`--slot N\`, sharing the subscription; a worker that
  dies is restarted (with back-off), SIGTERM is passed on, and the AtmoSud puller runs once, here.

Options:
  --no-mqtt     run the AtmoSud puller and the enabled network importers only (no broker, no
                subscription)
  --slot <k>    run one of several workers sharing the load on Mosquitto (1 to 64): fixed client
                id SOUFFLE_MQTT_CLIENT_ID-<k>, persistent session subscribed through
                $share/souffle/…; slot 1 also runs the AtmoSud puller. Give each running worker
                its own slot, and keep every slot running (docs/ingest.md, "Several workers").
                (--instance is the former name of this option.)
  --retire <list>  after running fewer workers than before: for each slot of the list (e.g. 3,4),
                or "single" for the session of a lone worker (SOUFFLE_MQTT_CLIENT_ID), store what
                its broker session still holds, then end the session so that Mosquitto stops
                routing messages to it; then exit. Only for slots that no longer run.
  --json        with --retire: print the outcome as JSON`;

function parseSlot(values: { slot?: string; instance?: string }): number | undefined {
  const [name, text] = values.slot !== undefined ? ['--slot', values.slot] : ['--instance', values.instance];
  if (text === undefined) return undefined;
  const slot = Number(text);
  if (!Number.isInteger(slot) || slot < 1 || slot > MAX_SLOTS) {
    throw new UsageError(`${name} "${text}" must be a whole number from 1 to ${MAX_SLOTS}`);
  }
  return slot;
}

export async function run(argv: string[], config: Config): Promise<void> {
  const { values } = parseCommandArgs(argv, {
    'no-mqtt': { type: 'boolean' },
    slot: { type: 'string' },
    instance: { type: 'string' },
    retire: { type: 'string' },
  });
  if (values.retire !== undefined) {
    if (values.slot ?? values.instance ?? values['no-mqtt']) {
      throw new UsageError('--retire runs alone: give it without --slot or --no-mqtt');
    }
    return retire(config, values.retire, values.json);
  }
  const slot = parseSlot(values);
  // Started by a supervisor, this process talks to it over IPC; the channel must not keep the
  // process alive once the worker has stopped (or failed to start).
  process.channel?.unref();
  if (slot !== undefined && values['no-mqtt']) {
    throw new UsageError('--slot runs a worker and --no-mqtt runs none: give one of them');
  }
  const logger = createLogger({
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
    scope: slot === undefined ? 'souffle ingest' : `souffle ingest ${slot}`,
  });
  await asUsage(() => {
    if (slot !== undefined) requireSharedSubscriptions(config.MQTT_URL, `--slot ${slot}`);
    const workers = config.SOUFFLE_INGEST_WORKERS;
    if (slot === undefined && !values['no-mqtt'] && workers > 1) {
      requireSharedSubscriptions(config.MQTT_URL, `SOUFFLE_INGEST_WORKERS=${workers}`);
    }
  });
  // Opened (and migrated) before any worker starts, so that child workers find it up to date.
  const handle = await openConfiguredDatabase(config);
  let services: IngestServices = { worker: null, broker: null, supervisor: null, stop: async () => {} };
  let http: IngestHttp | undefined;
  // Alerts run where the puller does: once per platform (docs/operations.md, "Alerts").
  const alerts: { service?: AlertService | null; publisher?: MqttPublisher } = {};
  try {
    if (!values['no-mqtt'])
      services = await startConfiguredIngest({
        config,
        db: handle.db,
        logger,
        slot,
        onStored: (stations) => alerts.service?.notify(stations),
      });
    http = await startMetricsPort(config, handle.db, services, slot);
  } catch (e) {
    await services.stop().catch(() => {});
    await handle.close();
    throw e;
  }
  if (http) {
    logger.info(
      `metrics and health on http://${config.SOUFFLE_INGEST_METRICS_HOST}:${http.port}/metrics and /healthz`,
    );
  }

  // The AtmoSud puller runs inside the ingest worker's process (docs/atmosud.md), once: in a
  // single worker, in the supervisor of several (its children never run it), and, when workers are
  // started by hand with --slot, in slot 1. It is stopped before the database closes.
  const stopSighup = reloadTlsOnSighup(services, logger);
  const puller = slot === undefined || slot === 1 ? startAtmosudPuller(config, handle.db, logger) : null;
  // The importers of Sensor.Community and openSenseMap run with it, once.
  const importers =
    slot === undefined || slot === 1 ? startNetworkImporters(config, handle.db, logger) : null;
  // Raw retention runs where the puller would: once per platform (docs/operations.md, Retention).
  const retention = slot === undefined || slot === 1 ? startRawRetention(config, handle.db, logger) : null;
  if ((slot === undefined || slot === 1) && config.SOUFFLE_ALERTS) {
    // MQTT notices go through the broker as the service account (none with --no-mqtt).
    if (!values['no-mqtt']) alerts.publisher = createAlertPublisher(config);
    alerts.service = startConfiguredAlerts(config, handle.db, logger, alerts.publisher?.publish);
  }
  // The open-data archive too (SOUFFLE_ARCHIVE_DIR; docs/operations.md, "Open-data archive").
  const archive = slot === undefined || slot === 1 ? startArchiveSchedule(config, handle.db, logger) : null;
  if (!puller && !importers && !retention && !archive && values['no-mqtt'])
    logger.warn('--no-mqtt with ATMOSUD_ENABLED=false and no importer enabled: nothing to run');

  const summary = setInterval(() => {
    const s = services.worker?.status;
    if (s) logger.info(`received ${s.received}, stored ${s.stored}, rejected ${sum(s.messagesRejected)}`);
  }, 60_000);
  summary.unref();

  const stopped = (e: Error) => logger.error(`stop: ${e.message}`);
  await runUntilStopped({
    announce: (reason) => logger.info(`${reason}: finishing the batch in hand and stopping`),
    warn: (line) => logger.warn(line),
    stop: async () => {
      clearInterval(summary);
      stopSighup();
      await http?.close();
      await puller?.stop().catch(stopped);
      await importers?.stop().catch(stopped);
      await retention?.stop().catch(stopped);
      await archive?.stop().catch(stopped);
      await alerts.service?.stop().catch(stopped);
      await alerts.publisher?.close().catch(stopped);
      await services.stop().catch(stopped);
      await handle.close().catch(() => {});
    },
    // A worker started by a supervisor stops when the supervisor is gone (its IPC channel closes).
    also: (stopFor) => reportReady(() => stopFor('supervisor gone')),
  });
}

/**
 * The process's own /metrics and /healthz, when SOUFFLE_INGEST_METRICS_PORT is set: on that port,
 * or on that port + K for the worker of --slot K, so that a supervisor and its children (which
 * inherit its environment), or slots started by hand, each get a port of their own.
 */
function startMetricsPort(
  config: Config,
  db: Parameters<typeof startIngestHttp>[0]['db'],
  services: IngestServices,
  slot: number | undefined,
): Promise<IngestHttp> | undefined {
  const base = config.SOUFFLE_INGEST_METRICS_PORT;
  if (base === undefined) return undefined;
  const port = base === 0 || slot === undefined ? base : base + slot;
  if (port > 65535) {
    throw new UsageError(`SOUFFLE_INGEST_METRICS_PORT ${base} + slot ${slot} is beyond port 65535`);
  }
  return startIngestHttp({ db, services, host: config.SOUFFLE_INGEST_METRICS_HOST, port });
}

function sum(counts: Partial<Record<string, number>>): number {
  return Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0);
}
