// `souffle archive build`: writes or brings up to date the citable open-data archive
// (cli/archive/build-archive.ts), with its progress on stderr.
import { parseTime } from '../api/index.js';
import { output, parseCommandArgs, UsageError } from './args.js';
import { archiveFrozenBefore } from './archive/archive-schedule.js';
import { buildArchive, type ArchiveProgress } from './archive/build-archive.js';
import type { Config } from './config.js';
import { openConfiguredDatabase } from './open-database.js';

export const usage = `souffle archive build [--since YYYY-MM] [--out DIR] [--json]
  Writes the open-data archive to DIR (default SOUFFLE_ARCHIVE_DIR, else ./archive): each
  source's raw readings of each closed UTC month as archive/source=<source>/year=YYYY/month=MM/
  readings.parquet and readings.csv.gz, a Frictionless datapackage.json, CITATION.cff, SHA256SUMS,
  and a versioned snapshot (snapshots/souffle-archive-<version>/ and .zip) ready to deposit on
  Zenodo or data.gouv.fr. Incremental: a month already archived is written again only when its
  readings changed (AtmoSud's validation, late readings). --since leaves earlier months alone.
  Progress on stderr. Details: docs/operations.md, "Open-data archive".`;

function parseSince(text: string): number {
  const t = parseTime(/^\d{4}-\d{2}$/.test(text) ? `${text}-01` : text);
  if (typeof t === 'string')
    throw new UsageError(`--since "${text}": expected YYYY-MM, or ${t.replace(/^expected /, '')}`);
  return t;
}

/** A bar rewritten in place on a terminal, a line every tenth of the months otherwise. */
function progress(stream: NodeJS.WriteStream) {
  const tty = stream.isTTY === true;
  let lastTenth = -1;
  let written = 0;
  return {
    update(p: ArchiveProgress) {
      if (p.action === 'written') written += 1;
      const ratio = p.total === 0 ? 1 : p.done / p.total;
      const text = `${p.done}/${p.total} months · ${written} written · ${p.key} ${p.action}${p.action === 'written' ? ` (${p.rows.toLocaleString('en-GB')} rows)` : ''}`;
      if (tty) {
        const full = Math.round(ratio * 30);
        stream.write(
          `\r\x1b[2K[${'#'.repeat(full)}${'.'.repeat(30 - full)}] ${Math.floor(ratio * 100)}% ${text}`,
        );
      } else if (Math.floor(ratio * 10) > lastTenth || p.action === 'written') {
        lastTenth = Math.floor(ratio * 10);
        stream.write(`archive: ${Math.floor(ratio * 100)}% ${text}\n`);
      }
    },
    end: () => (tty ? stream.write('\r\x1b[2K') : true),
  };
}

export async function run(argv: string[], config: Config): Promise<void> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { since: { type: 'string' }, out: { type: 'string', short: 'o' } },
    true,
  );
  const [verb, ...extra] = positionals;
  if (verb !== 'build' || extra.length > 0)
    throw new UsageError(
      verb === undefined
        ? 'say what to do: souffle archive build'
        : `unknown archive command "${positionals.join(' ')}" (only: build)`,
    );
  const since = values.since === undefined ? undefined : parseSince(values.since);
  const dir = values.out ?? config.SOUFFLE_ARCHIVE_DIR ?? 'archive';
  const handle = await openConfiguredDatabase(config, { migrate: false });
  const bar = progress(process.stderr);
  const started = performance.now();
  try {
    const now = Date.now();
    const r = await buildArchive({
      db: handle.db,
      dir,
      now,
      since,
      timeZone: config.SOUFFLE_TIMEZONE,
      frozenBefore: archiveFrozenBefore(config, now),
      publicUrl: config.SOUFFLE_PUBLIC_URL,
      onProgress: bar.update,
    });
    bar.end();
    const seconds = (performance.now() - started) / 1000;
    output(values.json, { dir, ...r, manifest: undefined, seconds }, () =>
      [
        `archive ${dir}: ${r.written.length} month(s) written (${r.rows.toLocaleString('en-GB')} rows), ${r.unchanged} unchanged, in ${seconds.toFixed(1)} s`,
        r.snapshot
          ? `snapshot: ${dir}/snapshots/${r.snapshot}/ and .zip`
          : 'nothing changed: no new snapshot',
      ].join('\n'),
    );
  } finally {
    await handle.close();
  }
}
