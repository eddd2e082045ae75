// `souffle bench` (npm run bench): runs every suite, prints a table of figures beside their
// baselines, and writes bench-results.json for tools.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { meetsTarget, type BenchResult } from '../bench/bench-types.js';
import { suites } from '../bench/suites.js';
import { output, parseCommandArgs, UsageError } from './args.js';
import type { Config } from './config.js';

export const usage = `souffle bench [--only <suite,...>] [--out bench-results.json] [--json]
  Runs the benchmarks (${suites.map((s) => s.name).join(', ')}); each figure is printed beside a
  bare baseline measured in the same run, as a ratio, and written to bench-results.json.`;

export async function run(argv: string[], _config: Config): Promise<void> {
  const { values } = parseCommandArgs(argv, { only: { type: 'string' }, out: { type: 'string' } });
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
  output(values.json, results, () => table(results));
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
