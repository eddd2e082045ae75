// `souffle migrate-data`: copies an existing database into another, typically the SQLite file into
// PostgreSQL when a network outgrows one machine (or back). Resumable, with progress on stderr, and
// verified by counting every table on both sides at the end (data/copy-database.ts).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { copyDatabase, openDatabase, type CopyProgress, type CopySummary } from '../data/index.js';
import { openPostgres } from '../data/db-postgres.js';
import { output, parseCommandArgs, UsageError } from './args.js';
import type { Config } from './config.js';
import { abortOnStopSignal } from './stop-on-signal.js';

export const usage = `souffle migrate-data [--from <file|url>] [--to <url|file>] [--batch <rows>] [--json]
  Copies every table of one Souffle database into another: a SQLite file (default --from:
  SOUFFLE_DB) into PostgreSQL (default --to: SOUFFLE_DATABASE_URL, postgres://...), or back.
  Both are created or migrated first. Rows are copied in key order, --batch rows (default 5000) per
  transaction; rows already in the target are kept. Interrupted (Ctrl-C, crash), the same command
  resumes after the last copied batch. Ends by counting every table on both sides: exit 1, naming
  the tables, if they differ. Stop the ingest worker first, or run it again after stopping it.`;

const POSTGRES = /^postgres(ql)?:\/\//i;

export async function run(argv: string[], config: Config): Promise<void> {
  const { values } = parseCommandArgs(argv, {
    from: { type: 'string' },
    to: { type: 'string' },
    batch: { type: 'string' },
  });
  const from = values.from ?? config.SOUFFLE_DB;
  const to = values.to ?? config.SOUFFLE_DATABASE_URL;
  if (!to) throw new UsageError('--to is required (or set SOUFFLE_DATABASE_URL)');
  const batchRows = values.batch === undefined ? 5000 : Number(values.batch);
  if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 100_000) {
    throw new UsageError(`--batch "${values.batch}" must be a whole number of rows from 1 to 100000`);
  }
  if (location(from) === location(to))
    throw new UsageError(`--from and --to are the same database (${show(from)})`);
  if (!POSTGRES.test(from) && !existsSync(from)) throw new Error(`no SQLite database at ${from}`);

  const source = await open(from);
  const controller = new AbortController();
  let summary: CopySummary;
  const started = performance.now();
  try {
    const target = await open(to);
    const release = abortOnStopSignal(controller, () =>
      process.stderr.write('migrate-data: stopping after the current batch (run again to resume)\n'),
    );
    try {
      process.stderr.write(`migrate-data: copying ${show(from)} into ${show(to)}\n`);
      summary = await copyDatabase(source.db, target.db, {
        batchRows,
        sourceName: show(from),
        signal: controller.signal,
        onProgress: progressPrinter(),
      });
    } finally {
      release();
      await target.close();
    }
  } finally {
    await source.close();
  }
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const verified = summary.mismatches.length === 0;
  output(values.json, { from: show(from), to: show(to), seconds, verified, ...summary }, () =>
    human(summary),
  );
  if (!verified) {
    const differing = summary.tables
      .filter((t) => summary.mismatches.includes(t.table))
      .map((t) => `${t.table} has ${t.source} rows in the source and ${t.target} in the target`);
    throw new Error(`counts differ after the copy: ${differing.join('; ')}`);
  }
}

async function open(where: string) {
  try {
    return await (POSTGRES.test(where) ? openPostgres(where, { maxConnections: 2 }) : openDatabase(where));
  } catch (e) {
    throw new Error(`cannot open ${show(where)}: ${(e as Error).message}`, { cause: e });
  }
}

/** Identifies a database for the same-database check. */
function location(where: string): string {
  return POSTGRES.test(where) ? show(where) : resolve(where);
}

/** A URL without its password, for messages and the resume cursor. */
function show(where: string): string {
  if (!POSTGRES.test(where)) return where;
  const url = new URL(where);
  if (url.password) url.password = '***';
  return url.toString();
}

/** One line per table every second at most, and one when it is done. */
function progressPrinter(): (p: CopyProgress) => void {
  const n = (x: number) => x.toLocaleString('en-GB');
  let table = '';
  let since = 0;
  let lastLine = 0;
  return (p) => {
    const now = performance.now();
    if (p.table !== table) [table, since, lastLine] = [p.table, now, now];
    let line: string | undefined;
    if (p.skipped) line = `${p.table}: ${n(p.total)} rows, ${p.skipped}`;
    else if (p.done) {
      line = `${p.table}: ${n(p.scanned)} rows read, ${n(p.inserted)} copied in ${((now - since) / 1000).toFixed(1)} s`;
    } else if (now - lastLine >= 1000) {
      const pct = p.total ? Math.min(100, Math.floor((100 * p.scanned) / p.total)) : 100;
      const rate = Math.round(p.inserted / ((now - since) / 1000));
      line = `${p.table}: ${n(p.scanned)} / ${n(p.total)} rows (${pct}%), ${n(rate)} rows/s`;
    }
    if (line) {
      lastLine = now;
      process.stderr.write(`${line}\n`);
    }
  };
}

function human(summary: CopySummary): string {
  const head = ['table', 'source', 'target', 'copied now'];
  const rows = summary.tables.map((t) => [
    t.table,
    String(t.source),
    String(t.target),
    t.skipped ? 'already there' : String(t.copied),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const verdict = summary.mismatches.length
    ? `Counts differ: ${summary.mismatches.join(', ')}.`
    : 'Verified: every table has as many rows in the target as in the source.';
  return [line(head), ...rows.map(line), '', verdict].join('\n');
}
