// `souffle backfill sensor-community`: reads Sensor.Community's daily CSV archive for the kits the
// importer has seen (or those named), through ingest/networks/sensor-community-archive.ts.
import {
  backfillSensorCommunityArchive,
  knownSensors,
  type ArchiveBackfillSummary,
} from '../ingest/index.js';
import { output, UsageError } from './args.js';
import type { Config } from './config.js';
import { openConfiguredDatabase } from './open-database.js';
import { abortOnStopSignal } from './stop-on-signal.js';

/** "SDS011:12345,BME280:12346" → sensors; a clear usage error for anything else. */
function parseSensors(text: string): Array<{ id: number; type: string }> {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const m = /^([A-Za-z0-9_-]+):(\d+)$/.exec(pair);
      if (!m) throw new UsageError(`--sensors "${pair}": expected TYPE:ID, e.g. SDS011:12345`);
      return { type: m[1]!, id: Number(m[2]) };
    });
}

export async function backfillSensorCommunity(
  values: { from?: string; to?: string; sensors?: string; json?: boolean },
  config: Config,
): Promise<void> {
  if (!values.from) throw new UsageError('--from YYYY-MM-DD is required (the first day to read)');
  const named = values.sensors ? parseSensors(values.sensors) : undefined;
  const handle = await openConfiguredDatabase(config);
  const controller = new AbortController();
  const release = abortOnStopSignal(controller, () => process.stderr.write('stopping after this file…\n'));
  let summary: ArchiveBackfillSummary;
  try {
    const sensors = named ?? (await knownSensors(handle.db));
    if (sensors.length === 0) {
      throw new UsageError(
        'no sensor to read: none imported yet (SENSOR_COMMUNITY_ENABLED=true) and no --sensors TYPE:ID,…',
      );
    }
    summary = await backfillSensorCommunityArchive({
      db: handle.db,
      archiveUrl: config.SENSOR_COMMUNITY_ARCHIVE_URL,
      bbox: config.SENSOR_COMMUNITY_BBOX,
      from: values.from,
      to: values.to ?? values.from,
      sensors,
      timeoutMs: config.SENSOR_COMMUNITY_TIMEOUT,
      signal: controller.signal,
      onFile: (line) => process.stderr.write(`backfill: ${line}\n`),
    }).catch((e: unknown) => {
      throw e instanceof RangeError ? new UsageError(e.message) : e;
    });
  } finally {
    release();
    await handle.close();
  }
  output(values.json, summary, () => summary.message);
  if (summary.status === 'aborted') throw new Error('interrupted; run the same command again to finish');
  if (summary.failed > 0)
    throw new Error(`${summary.failed} file(s) could not be read; run it again to retry`);
}
