// The benchmarks' entry (`npm run bench`, which runs this file from the sources through tsx): runs
// every suite, prints a table of figures beside their baselines, and writes bench-results.json for
// tools. Not a souffle command: the benchmarks build the widgets with vite.config.ts and start
// Mosquitto through testing/, which the installed package neither needs nor ships (dist/node).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { meetsTarget, type BenchResult } from './bench-types.js';
import { suites } from './suites.js';

const usage = `npm run bench -- [--only <suite,...>] [--out bench-results.json] [--json]
  Runs the benchmarks (${suites.map((s) => s.name).join(', ')}); each figure is printed beside a
  bare baseline measured in the same run, as a ratio, and written to bench-results.json.`;

/** A bad option or suite name: printed with the usage, exit code 2. */
class UsageError extends Error {}

async function run(argv: string[]): Promise<void> {
  const values = parseOptions(argv);
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((name) => !suites.some((s) => s.name === name));
  if (unknown?.length)
    throw new UsageError(
      `unknown suite ${unknown.join(', ')} (known: ${suites.map((s) => s.name).join(', ')})`,
    );
  const results: BenchResult[] = [];
  for (const suite of suites.filter((s) => !only || only.includes(s.name))) {
    const dir = mkdtempSync(join(tmpdir(), `souffle-bench-${suite.name}-`));
    try {
      const started = performance.now();
      results.push(...(await suite.run({ dir, log: (line) => process.stderr.write(`${line}\n`) })));
      process.stderr.write(`${suite.name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  writeFileSync(
    values.out ?? 'bench-results.json',
    `${JSON.stringify(
      results.map(({ note: _n, ...r }) => r),
      null,
      2,
    )}\n`,
  );
  process.stdout.write(values.json ? `${JSON.stringify(results, null, 2)}\n` : `${table(results)}\n`);
}

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        only: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function fmt(x: number | null): string {
  if (x === null) return '—';
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-GB');
  return x.toPrecision(3);
}

function table(results: BenchResult[]): string {
  const rows = results.map((r) => {
    const ok = meetsTarget(r);
    return [
      r.name,
      `${fmt(r.value)} ${r.unit}`,
      r.baseline === null ? '—' : `${fmt(r.baseline)} ${r.unit}`,
      fmt(r.ratio),
      r.target === null ? '—' : `${r.higherIsBetter ? '≥' : '≤'} ${r.target}`,
      ok === null ? '' : ok ? 'ok' : 'MISSED',
    ];
  });
  const head = ['figure', 'value', 'baseline', 'ratio', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const notes = results.filter((r) => r.note).map((r) => `  ${r.name}: ${r.note}`);
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', ...notes].join('\n');
}

/** Exit codes as the souffle commands have them: 0 done, 1 failed, 2 bad usage. */
async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  try {
    await run(argv);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`bench: ${e.message}\n\n${usage}\n`);
      return 2;
    }
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    if (process.env.LOG_LEVEL === 'debug') process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
