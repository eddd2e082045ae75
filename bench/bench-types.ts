// What every benchmark suite returns: a figure beside a baseline measured in the same run, because
// absolute times on shared machines drift (docs/architecture.md, Conventions).

export type BenchResult = {
  name: string;
  value: number;
  unit: string;
  /** The bare baseline measured in the same run (same unit), or null where none applies. */
  baseline: number | null;
  /** value / baseline, or null without a baseline. */
  ratio: number | null;
  /** The target for `ratio` (or for `value` where there is no baseline), or null. */
  target: number | null;
  higherIsBetter: boolean;
  /** What the figure means, printed under the table. */
  note?: string;
};

export type BenchContext = {
  /** A scratch folder for this suite (databases, broker persistence), removed afterwards. */
  dir: string;
  /** Progress for long suites, printed on stderr. */
  log: (line: string) => void;
};

export type BenchSuite = {
  name: string;
  run: (ctx: BenchContext) => Promise<BenchResult[]>;
};

export function result(
  r: Omit<BenchResult, 'ratio' | 'baseline' | 'target'> & {
    baseline?: number | null;
    target?: number | null;
  },
): BenchResult {
  const baseline = r.baseline ?? null;
  return { ...r, baseline, target: r.target ?? null, ratio: baseline ? r.value / baseline : null };
}

/** Whether a figure meets its target (ratio when there is a baseline, else the value). */
export function meetsTarget(r: BenchResult): boolean | null {
  if (r.target === null) return null;
  const x = r.ratio ?? r.value;
  return r.higherIsBetter ? x >= r.target : x <= r.target;
}
