// Starts the AtmoSud puller from the configuration, for `souffle start` and `souffle ingest`.
import type { Db } from '../data/index.js';
import { createAtmosudPuller, type Logger } from '../ingest/index.js';
import type { Config } from './config.js';

export type RunningPuller = { stop: () => Promise<void> } | null;

/** `souffle demo`: the stand-in's address and fetch instead of the network, and history to start with. */
export type AtmosudPullerOverrides = { baseUrl: string; fetch: typeof fetch; initialLookbackMs: number };

/** Runs the puller on its schedule (first cycle at once), or returns null when ATMOSUD_ENABLED=false. */
export function startAtmosudPuller(
  config: Config,
  db: Db,
  logger: Logger,
  overrides?: AtmosudPullerOverrides,
): RunningPuller {
  if (!config.ATMOSUD_ENABLED) {
    logger.info('AtmoSud puller disabled (ATMOSUD_ENABLED=false)');
    return null;
  }
  const puller = createAtmosudPuller({
    db,
    baseUrl: config.ATMOSUD_URL,
    departments: config.ATMOSUD_DEPARTMENTS,
    bbox: config.ATMOSUD_BBOX,
    communes: config.ATMOSUD_COMMUNES,
    overlapMs: config.ATMOSUD_OVERLAP,
    timeoutMs: config.ATMOSUD_TIMEOUT,
    concurrency: config.ATMOSUD_CONCURRENCY,
    intervalMs: config.ATMOSUD_INTERVAL,
    timeZone: config.SOUFFLE_TIMEZONE,
    logger,
    ...overrides,
  });
  puller.start();
  return puller;
}
