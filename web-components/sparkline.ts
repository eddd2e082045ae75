// A 24 h sparkline as SVG path data, so the card needs no chart library. Pure: tested in
// tests/web-components/sparkline.test.ts.

export type SparkPoint = { t: number; value: number };
export type SparkGeometry = { width: number; height: number; from: number; to: number; padding?: number };

/** A gap longer than this between two hourly means breaks the line instead of bridging it. */
const GAP_MS = 90 * 60_000;

/**
 * Path data for `points` (any order) over [from, to]: one "M … L …" run per stretch without gaps,
 * y scaled from 0 (or the minimum, if negative) to the maximum. Empty string without points.
 */
export function sparklinePath(points: readonly SparkPoint[], g: SparkGeometry): string {
  const pts = points.filter((p) => Number.isFinite(p.value) && p.t >= g.from && p.t <= g.to);
  if (pts.length === 0) return '';
  pts.sort((a, b) => a.t - b.t);
  const pad = g.padding ?? 2;
  const values = pts.map((p) => p.value);
  const lo = Math.min(0, ...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const x = (t: number) => pad + ((t - g.from) / (g.to - g.from || 1)) * (g.width - 2 * pad);
  const y = (v: number) => g.height - pad - ((v - lo) / span) * (g.height - 2 * pad);
  const round = (n: number) => Math.round(n * 10) / 10;
  let d = '';
  let previous: number | undefined;
  for (const p of pts) {
    const command = previous === undefined || p.t - previous > GAP_MS ? 'M' : 'L';
    d += `${d ? ' ' : ''}${command}${round(x(p.t))},${round(y(p.value))}`;
    previous = p.t;
  }
  // A lone point would draw nothing: give it a short horizontal stroke.
  return d.replace(/M([\d.]+),([\d.]+)(?= M|$)/g, (_, px: string, py: string) => `M${px},${py} h1`);
}

/** Minimum and maximum of the values, or null without points. */
export function extent(points: readonly SparkPoint[]): { min: number; max: number } | null {
  const values = points.map((p) => p.value).filter(Number.isFinite);
  return values.length ? { min: Math.min(...values), max: Math.max(...values) } : null;
}
