// `souffle ingest`: the ingest worker alone (production runs it beside `souffle api` and
// Mosquitto), with the embedded broker when MQTT_URL is unset; or, with SOUFFLE_INGEST_WORKERS > 1,
// several workers in child processes sharing the subscription (cli/ingest-supervisor.ts), each of
// which is `souffle ingest --slot K`. `souffle start` wires the same pieces through startIngest().
import type { Db } from '../data/db.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../ingest/embedded-broker.js';
import { createLogger, type Logger } from '../ingest/logger.js';
import { retireSession, type RetiredSession } from '../ingest/retire-session.js';
import { IngestWorker } from '../ingest/worker.js';
import { serviceCredentials } from './admin-token.js';
import { output, parseCommandArgs, UsageError } from './args.js';
import { startAtmosudPuller } from './atmosud-puller.js';
import { IngestSupervisor, READY_MESSAGE } from './ingest-supervisor.js';
import { openConfiguredDatabase } from './open-database.js';
import type { Config } from './config.js';

export const usage = `souffle ingest [--no-mqtt] [--slot <k>] [--retire <k,...|single>]
  Runs the ingest worker: subscribes to the devices' topics (QoS 1, persistent session), stores
  their readings in the database (SOUFFLE_DATABASE_URL, else SOUFFLE_DB), and pulls AtmoSud
  reference data (ATMOSUD_*). Without MQTT_URL it also runs the embedded MQTT broker on
  SOUFFLE_MQTT_HOST:SOUFFLE_MQTT_PORT (default 0.0.0.0:1883). On an external broker it logs in as
  SOUFFLE_MQTT_USERNAME/PASSWORD (or the URL's credentials), else anonymously. Stops gracefully on
  SIGTERM or SIGINT (the batch in hand is finished).

  With SOUFFLE_INGEST_WORKERS=N > 1 (Mosquitto, MQTT_URL, required) it runs N workers as child
  processes, \`souffle ingest --slot 1\` to \`--slot N\`, sharing the subscription; a worker that
  dies is restarted (with back-off), SIGTERM is passed on, and the AtmoSud puller runs once, here.

Options:
  --no-mqtt     run the AtmoSud puller only (no broker, no subscription)
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

/** The shared subscription group of the workers: `$share/souffle/<topic>`. */
export const SHARE_GROUP = 'souffle';
/** Reconnection period of a slot's worker, ms (a lone worker's is 1 s). */
const SHARED_RECONNECT_MS = 250;

export type IngestServices = {
  worker: IngestWorker | null;
  broker: EmbeddedBroker | null;
  /** The child workers, when SOUFFLE_INGEST_WORKERS > 1. */
  supervisor: IngestSupervisor | null;
  /** Stops the worker (finishing the batch in hand), then the broker; or every child worker. */
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

/** Several workers need a broker with shared subscriptions: refuse the embedded one, saying why. */
export function requireSharedSubscriptions(config: Config, what: string): void {
  if (config.MQTT_URL) return;
  throw new UsageError(
    `${what} needs MQTT_URL (Mosquitto): several workers share the load through a shared ` +
      'subscription ($share/souffle/…), which the embedded broker does not have. Run Mosquitto ' +
      '(docs/ingest.md), or run a single worker (SOUFFLE_INGEST_WORKERS=1, no --slot).',
  );
}

/**
 * Starts the ingest side: the embedded broker (when MQTT_URL is unset) and one worker in this
 * process; the worker of one slot (`slot`); or, with SOUFFLE_INGEST_WORKERS > 1 and no slot, that
 * many workers in child processes (which never run the AtmoSud puller: the caller does, once).
 */
export async function startIngest(options: {
  config: Config;
  db: Db;
  logger: Logger;
  slot?: number;
}): Promise<IngestServices> {
  const { config, db, logger, slot } = options;
  const workers = config.SOUFFLE_INGEST_WORKERS;
  if (slot === undefined && workers > 1) {
    requireSharedSubscriptions(config, `SOUFFLE_INGEST_WORKERS=${workers}`);
    slotClientId(config, workers); // the longest client id: refused here rather than in every worker
    const supervisor = new IngestSupervisor({ workers, logger, env: { ATMOSUD_ENABLED: 'false' } });
    await supervisor.start();
    return { worker: null, broker: null, supervisor, stop: () => supervisor.stop() };
  }
  if (slot !== undefined) requireSharedSubscriptions(config, `--slot ${slot}`);
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
  const worker = new IngestWorker({
    db,
    ...workerConnection(config, broker?.port),
    clientId: slot === undefined ? config.SOUFFLE_MQTT_CLIENT_ID : slotClientId(config, slot),
    // Mosquitto 2.0 does not save $share subscriptions: after it restarts, a message published
    // before any worker has subscribed again matches nothing and is dropped. Retrying often keeps
    // that moment short (docs/ingest.md, "Several workers").
    ...(slot === undefined ? {} : { shareGroup: SHARE_GROUP, reconnectPeriodMs: SHARED_RECONNECT_MS }),
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
    supervisor: null,
    stop: async () => {
      await worker.stop();
      await broker?.close();
    },
  };
}

/** The fixed client id of a slot: its persistent session is found again after a restart. */
export function slotClientId(config: Pick<Config, 'SOUFFLE_MQTT_CLIENT_ID'>, slot: number): string {
  const id = `${config.SOUFFLE_MQTT_CLIENT_ID}-${slot}`;
  // MQTT 3.1.1 servers must accept client ids of 1 to 23 characters (MQTT-3.1.3-5); longer ones
  // are Mosquitto's choice to accept, and another broker may refuse them.
  if (id.length > 23) {
    throw new UsageError(
      `the client id "${id}" of slot ${slot} is over 23 characters: shorten SOUFFLE_MQTT_CLIENT_ID`,
    );
  }
  return id;
}

function parseSlot(values: { slot?: string; instance?: string }): number | undefined {
  const [name, text] = values.slot !== undefined ? ['--slot', values.slot] : ['--instance', values.instance];
  if (text === undefined) return undefined;
  const slot = Number(text);
  if (!Number.isInteger(slot) || slot < 1 || slot > 64) {
    throw new UsageError(`${name} "${text}" must be a whole number from 1 to 64`);
  }
  return slot;
}

/** `--retire 3,4` or `--retire single`: the client ids whose sessions to retire. */
function parseRetire(config: Config, text: string): string[] {
  const items = text.split(',').map((s) => s.trim());
  return items.map((item) => {
    if (item === 'single') return config.SOUFFLE_MQTT_CLIENT_ID;
    const slot = Number(item);
    if (!item || !Number.isInteger(slot) || slot < 1 || slot > 64) {
      throw new UsageError(`--retire "${text}": "${item}" is neither a slot from 1 to 64 nor "single"`);
    }
    return slotClientId(config, slot);
  });
}

async function retire(config: Config, text: string, json: boolean | undefined): Promise<void> {
  const clientIds = parseRetire(config, text);
  requireSharedSubscriptions(config, '--retire');
  const logger = createLogger({ level: config.LOG_LEVEL, scope: 'souffle ingest' });
  const handle = await openConfiguredDatabase(config);
  const retired: RetiredSession[] = [];
  try {
    for (const clientId of clientIds) {
      retired.push(
        await retireSession({
          db: handle.db,
          ...workerConnection(config),
          clientId,
          shareGroup: SHARE_GROUP,
          logger,
        }),
      );
    }
  } finally {
    await handle.close();
  }
  output(json, retired, () =>
    retired
      .map((r) =>
        r.sessionPresent
          ? `${r.clientId}: session ended after storing what it held (${r.received} message(s): ` +
            `${r.valuesStored} new value(s), ${r.valuesDuplicate} already stored)`
          : `${r.clientId}: no session on the broker, nothing to do`,
      )
      .join('\n'),
  );
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
    scope: slot === undefined ? 'souffle ingest' : `souffle ingest ${slot}`,
  });
  if (slot !== undefined) requireSharedSubscriptions(config, `--slot ${slot}`);
  if (slot === undefined && !values['no-mqtt'] && config.SOUFFLE_INGEST_WORKERS > 1) {
    requireSharedSubscriptions(config, `SOUFFLE_INGEST_WORKERS=${config.SOUFFLE_INGEST_WORKERS}`);
  }
  // Opened (and migrated) before any worker starts, so that child workers find it up to date.
  const handle = await openConfiguredDatabase(config);
  let services: IngestServices = { worker: null, broker: null, supervisor: null, stop: async () => {} };
  try {
    if (!values['no-mqtt']) services = await startIngest({ config, db: handle.db, logger, slot });
  } catch (e) {
    await handle.close();
    throw e;
  }

  // The AtmoSud puller runs inside the ingest worker's process (DESIGN.md, Data flow), once: in a
  // single worker, in the supervisor of several (its children never run it), and, when workers are
  // started by hand with --slot, in slot 1. It is stopped before the database closes.
  const puller = slot === undefined || slot === 1 ? startAtmosudPuller(config, handle.db, logger) : null;
  if (!puller && values['no-mqtt']) logger.warn('--no-mqtt with ATMOSUD_ENABLED=false: nothing to run');

  const summary = setInterval(() => {
    const s = services.worker?.status;
    if (s) logger.info(`received ${s.received}, stored ${s.stored}, rejected ${sum(s.messagesRejected)}`);
  }, 60_000);
  summary.unref();

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (reason: string) => {
      if (stopping) {
        if (reason === 'SIGTERM' || reason === 'SIGINT') {
          logger.warn(`${reason} again: exiting now`);
          process.exit(1);
        }
        return;
      }
      stopping = true;
      logger.info(`${reason}: finishing the batch in hand and stopping`);
      void (async () => {
        clearInterval(summary);
        await puller?.stop().catch((e: Error) => logger.error(`stop: ${e.message}`));
        await services.stop().catch((e: Error) => logger.error(`stop: ${e.message}`));
        await handle.close().catch(() => {});
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        process.off('disconnect', orphaned);
        resolve();
      })();
    };
    // A worker started by a supervisor stops when the supervisor is gone (its IPC channel closes):
    // a supervisor started again would otherwise find this orphan holding its slot's client id,
    // and the two would take the session from each other in turn.
    const orphaned = () => stop('supervisor gone');
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    if (process.send) {
      process.on('disconnect', orphaned);
      process.send(READY_MESSAGE);
    }
  });
}

function sum(counts: Partial<Record<string, number>>): number {
  return Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0);
}
