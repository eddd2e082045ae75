// The ingest side of an installation, started in one call: the embedded broker (when no external
// broker is given) and one worker in this process; the worker of one slot; or several workers in
// child processes under a supervisor. `souffle ingest` and `souffle start` both start it here.
import type { Db } from '../data/db.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.js';
import { IngestSupervisor, type SupervisorOptions } from './ingest-supervisor.js';
import type { Logger } from './logger.js';
import type { QualityOptions } from './quality/quality-options.js';
import { HomeAssistantPublisher, type HomeAssistantOptions } from './home-assistant-publisher.js';
import { IngestWorker } from './worker.js';
import { workerConnection, type IngestBroker } from './worker-connection.js';
import {
  requireSharedSubscriptions,
  SHARE_GROUP,
  SHARED_RECONNECT_MS,
  slotClientId,
} from './worker-topology.js';

export type IngestServices = {
  worker: IngestWorker | null;
  broker: EmbeddedBroker | null;
  /** The child workers, when several run. */
  supervisor: IngestSupervisor | null;
  /** Stops the worker (finishing the batch in hand), then the broker; or every child worker. */
  stop: () => Promise<void>;
};

export type StartIngestOptions = {
  db: Db;
  logger: Logger;
  broker: IngestBroker;
  /** The lone worker's client id, and the stem of the slots' ones. */
  clientId: string;
  /** How many workers run: more than one (and no slot) runs them as child processes. */
  workers: number;
  /** Runs the worker of this slot only, in this process. */
  slot?: number;
  /** How the supervisor starts the worker of a slot, and the environment it gives it. */
  children: Pick<SupervisorOptions, 'workerArgs' | 'env'>;
  /** Home Assistant discovery (SOUFFLE_HA_MQTT_URL): the broker Home Assistant listens to. */
  homeAssistant?: Omit<HomeAssistantOptions, 'db' | 'logger'>;
  /** The quality-control detectors' settings (each child worker reads its own from the environment). */
  quality?: Partial<QualityOptions>;
  /** Told the stations of each committed batch (the alerts), by a worker in this process. */
  onStored?: (stations: ReadonlySet<string>) => void;
  /** Zone of local days, for the current indices each batch stores (IngestWorkerOptions). */
  timeZone?: string;
};

/**
 * Starts the ingest side: the embedded broker (without `broker.url`) and one worker in this
 * process; the worker of one slot (`slot`); or, with `workers` > 1 and no slot, that many workers
 * in child processes. Throws a WorkerTopologyError for a layout the broker cannot run.
 */
export async function startIngest(options: StartIngestOptions): Promise<IngestServices> {
  const { db, logger, broker: settings, clientId, workers, slot } = options;
  if (slot === undefined && workers > 1) {
    requireSharedSubscriptions(settings.url, `SOUFFLE_INGEST_WORKERS=${workers}`);
    slotClientId(clientId, workers); // the longest client id: refused here rather than in every worker
    const supervisor = new IngestSupervisor({ workers, logger, ...options.children });
    await supervisor.start();
    return { worker: null, broker: null, supervisor, stop: () => supervisor.stop() };
  }
  if (slot !== undefined) requireSharedSubscriptions(settings.url, `--slot ${slot}`);
  if (!settings.url) return startEmbedded(options);
  const workerClientId = slot === undefined ? clientId : slotClientId(clientId, slot);
  const ha = await startHomeAssistant(options);
  const worker = new IngestWorker({
    db,
    ...(ha ? { onCommitted: (batch) => ha.onStored(batch) } : {}),
    ...workerConnection(settings, undefined, workerClientId),
    clientId: workerClientId,
    // Mosquitto 2.0 does not save $share subscriptions: after it restarts, a message published
    // before any worker has subscribed again matches nothing and is dropped. Retrying often keeps
    // that moment short (docs/ingest.md, "Several workers").
    ...(slot === undefined ? {} : { shareGroup: SHARE_GROUP, reconnectPeriodMs: SHARED_RECONNECT_MS }),
    ...(options.quality ? { quality: options.quality } : {}),
    ...(options.onStored ? { onStored: options.onStored } : {}),
    timeZone: options.timeZone,
    logger,
  });
  await worker.start();
  const stop = async () => {
    await worker.stop();
    await ha?.stop();
  };
  return { worker, broker: null, supervisor: null, stop };
}

/** The Home Assistant publisher when SOUFFLE_HA_MQTT_URL is set, started. */
async function startHomeAssistant(options: StartIngestOptions): Promise<HomeAssistantPublisher | undefined> {
  if (!options.homeAssistant) return undefined;
  const ha = new HomeAssistantPublisher({ ...options.homeAssistant, db: options.db, logger: options.logger });
  await ha.start();
  return ha;
}

/**
 * The embedded broker and its worker in this process. The worker is not an MQTT client: the broker
 * hands it each reading and acknowledges the device once the worker has stored it, so a crash of
 * the process loses no acknowledged reading (docs/ingest.md, Delivery).
 */
async function startEmbedded(options: StartIngestOptions): Promise<IngestServices> {
  const { db, logger, broker: settings, onStored, timeZone } = options;
  const ha = await startHomeAssistant(options);
  const worker = new IngestWorker({
    db,
    logger,
    timeZone,
    ...(onStored ? { onStored } : {}),
    ...(ha ? { onCommitted: (batch) => ha.onStored(batch) } : {}),
  });
  await worker.start();
  let broker: EmbeddedBroker;
  try {
    broker = await startEmbeddedBroker({
      db,
      port: settings.port,
      host: settings.host,
      serviceCredentials: settings.serviceCredentials(),
      ...(settings.authThrottle ? { authThrottle: settings.authThrottle } : {}),
      ...(settings.revocationCheckMs ? { revocationCheckMs: settings.revocationCheckMs } : {}),
      ...(settings.rateLimit ? { rateLimit: settings.rateLimit } : {}),
      ...(settings.tls ? { tls: settings.tls } : {}),
      ...(settings.websocketPort !== undefined ? { websocketPort: settings.websocketPort } : {}),
      ingest: worker,
      logger,
    });
  } catch (e) {
    await worker.stop();
    await ha?.stop();
    throw e;
  }
  return {
    worker,
    broker,
    supervisor: null,
    // The worker first: what it has not started is refused (connections closed unacknowledged, the
    // devices publish it again); then the broker.
    stop: async () => {
      await worker.stop();
      await broker.close();
      await ha?.stop();
    },
  };
}
