// `souffle export`: the same streamed export as GET /api/v1/export, from the command line, to
// stdout or a file, with progress on stderr. Options are validated by the endpoint's schema.
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ZodError } from 'zod';
import { createExportStream, DATA_LICENCE, ExportQuerySchema, planExport } from '../api/index.js';
import { parseCommandArgs, UsageError } from './args.js';
import type { Config } from './config.js';
import { openConfiguredDatabase } from './open-database.js';

export const usage = `souffle export [--format csv|ndjson|geojson|parquet] [--dialect rfc4180|excel-fr] [--shape long|wide]
                [--phenomenon pm25] [--from DATE] [--to DATE]
                [--source citizen|atmosud] [--station id,id] [--bbox minLon,minLat,maxLon,maxLat]
                [--step raw|1h|1d|1mo|1y] [--output FILE]
  Streams readings from SOUFFLE_DB (or SOUFFLE_DATABASE_URL) as CSV (default; --dialect excel-fr
  for a French spreadsheet: ; separator, decimal comma, BOM, local time), NDJSON, GeoJSON or Parquet,
  one row per value, to stdout or FILE (written as FILE.partial and renamed when complete), with
  progress on stderr. Dates: YYYY-MM-DD (UTC), ISO 8601 date-times or epoch ms; --from defaults to
  the beginning, --to to now. Same columns and rules as GET /api/v1/export (docs/api.md).
  Data licence: ${DATA_LICENCE.id}; attribution: ${DATA_LICENCE.attribution}.

  Example: souffle export --format csv --phenomenon pm25 --from 2026-01-01 > pm25.csv`;

const OPTIONS = [
  'format',
  'shape',
  'dialect',
  'phenomenon',
  'from',
  'to',
  'source',
  'station',
  'bbox',
  'step',
] as const;

function describe(error: ZodError, input: Record<string, string | undefined>): string {
  return error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys')
        return issue.keys.map((k) => `unknown option --${k}`).join('; ');
      const name = String(issue.path[0]);
      return `--${name} ${JSON.stringify(input[name])}: ${issue.message}`;
    })
    .join('; ');
}

export async function run(argv: string[], config: Config): Promise<void> {
  const { values } = parseCommandArgs(argv, {
    ...Object.fromEntries(OPTIONS.map((o) => [o, { type: 'string' as const }])),
    output: { type: 'string', short: 'o' },
  });
  const given = values as Record<string, string | boolean | undefined>;
  const input: Record<string, string | undefined> = Object.fromEntries(
    OPTIONS.filter((o) => typeof given[o] === 'string').map((o) => [o, given[o] as string]),
  );
  const parsed = ExportQuerySchema.safeParse(input);
  if (!parsed.success) throw new UsageError(describe(parsed.error, input));
  const plan = planExport(parsed.data, { now: Date.now(), timeZone: config.SOUFFLE_TIMEZONE });
  if ('error' in plan)
    throw new UsageError(
      plan.error.replace(/query parameter "(\w+)"/g, '--$1').replace(/"(from|to)"/g, '--$1'),
    );

  if (!config.SOUFFLE_DATABASE_URL && !existsSync(config.SOUFFLE_DB)) {
    throw new Error(`no database at ${config.SOUFFLE_DB} (set SOUFFLE_DB, or run \`souffle start\` first)`);
  }
  const handle = await openConfiguredDatabase(config, { migrate: false });

  const started = performance.now();
  const tty = process.stderr.isTTY === true;
  let lastReport = started;
  const report = (rows: number, done: boolean) => {
    const t = performance.now();
    if (!done && t - lastReport < (tty ? 500 : 10_000)) return;
    lastReport = t;
    const seconds = (t - started) / 1000;
    const rate = seconds > 0 ? Math.round(rows / seconds) : rows;
    const line = `souffle export: ${rows.toLocaleString('en-GB')} rows${done ? ` in ${seconds.toFixed(1)} s` : ''} (${rate.toLocaleString('en-GB')} rows/s)`;
    process.stderr.write(tty ? `\r${line}${done ? '\n' : ''}` : `${line}\n`);
  };
  const stream = Readable.fromWeb(
    createExportStream(handle.db, plan, { onProgress: report }) as Parameters<typeof Readable.fromWeb>[0],
  );

  const partial = values.output ? `${values.output}.partial` : undefined;
  const sink: Writable = partial ? createWriteStream(partial) : process.stdout;
  try {
    await pipeline(stream, sink);
    if (partial && values.output) renameSync(partial, values.output);
    process.stderr.write(
      `souffle export: data licence ${DATA_LICENCE.id} (${DATA_LICENCE.url}); attribution: ${DATA_LICENCE.attribution}\n`,
    );
  } catch (e) {
    if (partial) rmSync(partial, { force: true });
    // A closed pipe (`souffle export | head`) is the reader's choice, not a failure.
    if ((e as NodeJS.ErrnoException).code !== 'EPIPE') throw e;
  } finally {
    await handle.close();
  }
}
