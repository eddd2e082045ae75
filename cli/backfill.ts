// `souffle backfill atmosud`: fills the history of the AtmoSud reference stations, with a
// progress bar on stderr (plain lines when stderr is not a terminal) and a summary. Ctrl-C stops
// after the requests in flight; the same command resumes, skipping the windows already done.
import {
  AtmosudError,
  backfillAtmosud,
  BackfillConflictError,
  type BackfillSummary,
} from '../ingest/index.js';
import { output, parseCommandArgs, UsageError } from './args.js';
import { createProgress } from './backfill-progress.js';
import { backfillSensorCommunity } from './backfill-sensor-community.js';
import type { Config } from './config.js';
import { openConfiguredDatabase } from './open-database.js';
import { abortOnStopSignal } from './stop-on-signal.js';

export const usage = `souffle backfill atmosud [--days N] [--restart] [--json]
  Fills the history of the AtmoSud reference stations of the configured area (ATMOSUD_DEPARTMENTS,
  ATMOSUD_BBOX) over the last N days (default 90, at most 3650), in requests of at most 30 days.
  Progress is saved as it goes: Ctrl-C stops, and running the same command again resumes,
  skipping the windows already done. --restart forgets an unfinished backfill and starts over.
  Uses ATMOSUD_URL, ATMOSUD_TIMEOUT, ATMOSUD_CONCURRENCY, and the configured database
  (SOUFFLE_DATABASE_URL when set, else SOUFFLE_DB).

souffle backfill sensor-community --from YYYY-MM-DD [--to YYYY-MM-DD] [--sensors TYPE:ID,…] [--json]
  Fills the history of the imported Sensor.Community kits from the network's daily CSV archive
  (SENSOR_COMMUNITY_ARCHIVE_URL), one file per sensor and day, --to defaulting to --from. The
  sensors are those the importer has seen (SENSOR_COMMUNITY_ENABLED), or --sensors, e.g.
  SDS011:12345,BME280:12346; rows outside SENSOR_COMMUNITY_BBOX are left out. Values already
  stored are left as they are, so running it again adds nothing.`;

const MAX_DAYS = 3650;

export async function run(argv: string[], config: Config): Promise<void> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      days: { type: 'string', default: '90' },
      restart: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      sensors: { type: 'string' },
    },
    true,
  );
  const [source, ...extra] = positionals;
  if ((source !== 'atmosud' && source !== 'sensor-community') || extra.length > 0) {
    throw new UsageError(
      source
        ? `unknown source "${positionals.join(' ')}" (known: atmosud, sensor-community)`
        : 'which source? (atmosud or sensor-community)',
    );
  }
  if (source === 'sensor-community') return backfillSensorCommunity(values, config);
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    throw new UsageError(`--days "${values.days}" must be a whole number of days from 1 to ${MAX_DAYS}`);
  }

  const handle = await openConfiguredDatabase(config);
  const progress = createProgress(process.stderr);
  const controller = new AbortController();
  const release = abortOnStopSignal(controller, () =>
    progress.note('stopping after the requests in flight (Ctrl-C again to quit now)…'),
  );
  let summary: BackfillSummary;
  try {
    summary = await backfillAtmosud({
      db: handle.db,
      baseUrl: config.ATMOSUD_URL,
      departments: config.ATMOSUD_DEPARTMENTS,
      bbox: config.ATMOSUD_BBOX,
      timeoutMs: config.ATMOSUD_TIMEOUT,
      concurrency: config.ATMOSUD_CONCURRENCY,
      days,
      restart: values.restart,
      signal: controller.signal,
      onProgress: progress.update,
      logger: progress.logger(config.LOG_LEVEL === 'debug'),
    });
  } catch (e) {
    if (e instanceof BackfillConflictError) throw new UsageError(e.message);
    if (e instanceof AtmosudError)
      throw new Error(`AtmoSud ${e.offline ? 'unreachable' : 'answered badly'}: ${e.message}`);
    throw e;
  } finally {
    progress.end();
    release();
    await handle.close();
  }
  output(values.json, summary, () => describe(summary));
  const left = summary.windows.total - summary.windows.done - summary.windows.skipped;
  if (summary.interrupted) {
    throw new Error(`interrupted with ${left} window(s) left; run the same command again to resume`);
  }
  if (!summary.complete)
    throw new Error(`${summary.windows.failed} window(s) failed; run the same command again to retry them`);
}

function describe(s: BackfillSummary): string {
  const day = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
  const v = s.values;
  const lines = [
    `AtmoSud backfill ${day(s.from)} → ${day(s.to)} UTC (${s.days} days)${s.resumed ? ', resumed' : ''}:`,
    `  stations  ${s.stations}`,
    `  windows   ${s.windows.done} done, ${s.windows.skipped} already done, ${s.windows.failed} failed, of ${s.windows.total}`,
    `  values    ${v.inserted} new, ${v.replaced} replaced, ${v.removed} removed (invalidated), ${v.unchanged} unchanged, ${v.skippedNull} empty (null)`,
    `  errors    ${s.errors} rejected value(s) or answer(s), see the ingest error log`,
  ];
  for (const f of s.failures.slice(0, 3)) lines.push(`  failed    ${f}`);
  return lines.join('\n');
}
