// Starts the importers of the open citizen networks from the configuration, for `souffle start`
// and `souffle ingest` (where the AtmoSud puller runs: once per platform). Each is off unless its
// *_ENABLED setting says otherwise (docs/ingest.md, "Imported networks").
import type { Db } from '../data/index.js';
import {
  createOpenSenseMapPuller,
  createSensorCommunityPuller,
  type Logger,
  type NetworkPuller,
} from '../ingest/index.js';
import type { Config } from './config.js';

/** The importers enabled, started (first cycle at once); stop() stops them all. */
export function startNetworkImporters(
  config: Config,
  db: Db,
  logger: Logger,
): { stop: () => Promise<void> } | null {
  const pullers: NetworkPuller[] = [];
  if (config.SENSOR_COMMUNITY_ENABLED) {
    pullers.push(
      createSensorCommunityPuller({
        db,
        baseUrl: config.SENSOR_COMMUNITY_URL,
        bbox: config.SENSOR_COMMUNITY_BBOX,
        feed: config.SENSOR_COMMUNITY_FEED,
        intervalMs: config.SENSOR_COMMUNITY_INTERVAL,
        timeoutMs: config.SENSOR_COMMUNITY_TIMEOUT,
        logger,
      }),
    );
  } else logger.debug('Sensor.Community importer off (SENSOR_COMMUNITY_ENABLED=false)');
  if (config.OPENSENSEMAP_ENABLED) {
    pullers.push(
      createOpenSenseMapPuller({
        db,
        baseUrl: config.OPENSENSEMAP_URL,
        bbox: config.OPENSENSEMAP_BBOX,
        phenomenon: config.OPENSENSEMAP_PHENOMENON,
        lookbackMs: config.OPENSENSEMAP_LOOKBACK,
        intervalMs: config.OPENSENSEMAP_INTERVAL,
        timeoutMs: config.OPENSENSEMAP_TIMEOUT,
        concurrency: config.OPENSENSEMAP_CONCURRENCY,
        logger,
      }),
    );
  } else logger.debug('openSenseMap importer off (OPENSENSEMAP_ENABLED=false)');
  if (pullers.length === 0) return null;
  for (const p of pullers) p.start();
  return { stop: async () => void (await Promise.all(pullers.map((p) => p.stop()))) };
}
