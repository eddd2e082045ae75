// The chart.js configuration of <souffle-chart>, built as plain data so that it can be tested
// without a canvas (tests/web-components/chart-config.test.ts). The x axis is linear over epoch
// ms with our own ticks and labels: no date adapter to ship.
import type { ChartConfiguration, Scale, TooltipItem } from 'chart.js';
import { WHO_GUIDELINES, indexBands, type IndexBand, type IndexScheme } from '../data/indices.js';
import { formatNumber, formatReading, formatTime } from './format.js';
import { ct } from './chart-messages.js';
import { shortLabel, type Lang } from './i18n.js';

export const RANGES = {
  '24h': { ms: 86_400_000, step: '1h' },
  '7d': { ms: 7 * 86_400_000, step: '1h' },
  '30d': { ms: 30 * 86_400_000, step: '1d' },
  '1y': { ms: 365 * 86_400_000, step: '1d' },
} as const;
export type ChartRange = keyof typeof RANGES;
export const RANGE_NAMES = Object.keys(RANGES) as ChartRange[];
export const DEFAULT_RANGE: ChartRange = '7d';

export function toRange(value: string | null | undefined): ChartRange {
  return RANGE_NAMES.find((r) => r === value?.trim().toLowerCase()) ?? DEFAULT_RANGE;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The interval a range shows, ending now, in whole hours: the API gives the daily values of the
 * local days that start in it. */
export function rangeWindow(range: ChartRange, now: number): { from: number; to: number; step: '1h' | '1d' } {
  const { ms, step } = RANGES[range];
  const to = Math.ceil(now / HOUR_MS) * HOUR_MS;
  const from = to - ms;
  return { from, to, step };
}

export type XY = { x: number; y: number | null };

/** Points in time order with a null wherever more than 1.5 steps pass without data, so the line
 * breaks across an outage instead of bridging it. */
export function withGaps(points: ReadonlyArray<{ t: number; value: number | null }>, stepMs: number): XY[] {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  const out: XY[] = [];
  let previous: number | undefined;
  for (const p of sorted) {
    if (previous !== undefined && p.t - previous > 1.5 * stepMs) out.push({ x: previous + stepMs, y: null });
    out.push({ x: p.t, y: p.value });
    previous = p.t;
  }
  return out;
}

/** The WHO guideline drawn as a line: the 24 h value where there is one (it matches hourly and
 * daily means best), else the 8 h one (ozone). */
export function whoGuideline(phenomenon: string): { value: number; averaging: string } | null {
  const list = (WHO_GUIDELINES as Record<string, ReadonlyArray<{ averaging: string; value: number }>>)[
    phenomenon
  ];
  if (!list) return null;
  return list.find((g) => g.averaging === '24h') ?? list.find((g) => g.averaging === '8h') ?? list[0] ?? null;
}

/**
 * Tick positions (epoch ms) between from and to, on round local times: every 3 hours (24 h),
 * each midnight (7 days), each Monday (30 days), each first of the month (1 year). Local calendar
 * arithmetic, so ticks stay on round hours across daylight-saving changes.
 */
export function timeTicks(from: number, to: number, range: ChartRange): number[] {
  const d = new Date(from);
  const out: number[] = [];
  const advance: Record<ChartRange, () => void> = {
    '24h': () => d.setHours(d.getHours() + 1),
    '7d': () => d.setDate(d.getDate() + 1),
    '30d': () => d.setDate(d.getDate() + 1),
    '1y': () => d.setMonth(d.getMonth() + 1),
  };
  const accept: Record<ChartRange, () => boolean> = {
    '24h': () => d.getHours() % 3 === 0,
    '7d': () => true,
    '30d': () => d.getDay() === 1,
    '1y': () => true,
  };
  if (range === '24h') d.setMinutes(0, 0, 0);
  else d.setHours(0, 0, 0, 0);
  if (range === '1y') d.setDate(1);
  for (let guard = 0; d.getTime() <= to && guard < 1000; guard++) {
    if (d.getTime() >= from && accept[range]()) out.push(d.getTime());
    advance[range]();
  }
  return out;
}

/** A tick's label: hours (and the day at midnight) for 24 h, weekday for 7 days, date for 30 days,
 * month (with the year in January) for 1 year. */
export function formatTick(t: number, range: ChartRange, lang: Lang, timeZone?: string): string {
  switch (range) {
    case '24h':
      return new Date(t).getHours() === 0
        ? formatTime(t, lang, 'day', timeZone)
        : formatTime(t, lang, 'time', timeZone);
    case '7d':
      return formatTime(t, lang, 'day', timeZone);
    case '30d':
      return formatTime(t, lang, 'date', timeZone);
    case '1y': {
      const month = formatTime(t, lang, 'month', timeZone);
      return new Date(t).getMonth() === 0 ? `${month} ${new Date(t).getFullYear()}` : month;
    }
  }
}

export type BandsOptions = {
  bands: Array<Pick<IndexBand, 'from' | 'to' | 'colour'> & { label: string }>;
  opacity: number;
};

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- must match chart.js's declaration
  interface PluginOptionsByType<TType> {
    souffleBands?: BandsOptions;
  }
}

export type ChartInput = {
  phenomenon: string;
  unit: string;
  range: ChartRange;
  from: number;
  to: number;
  points: ReadonlyArray<{ t: number; value: number | null }>;
  /** The compared AtmoSud station, with its points already at the chart's step. */
  reference?: {
    name: string;
    distanceMetres: number;
    points: ReadonlyArray<{ t: number; value: number | null }>;
  } | null;
  /** The measured values where `points` are corrected by a calibration (drawn thin, dotted). */
  raw?: ReadonlyArray<{ t: number; value: number | null }> | null;
  scheme: IndexScheme;
  lang: Lang;
  colours?: { line?: string; reference?: string; who?: string };
};

export const CHART_COLOURS = { line: '#1d5fbf', reference: '#4b5563', who: '#b42318' };

export function buildChartConfig(input: ChartInput): ChartConfiguration<'line', XY[]> {
  const { lang, range, from, to, unit } = input;
  const given = Object.entries(input.colours ?? {}).filter(([, v]) => v);
  const colours = { ...CHART_COLOURS, ...Object.fromEntries(given) };
  const stepMs = RANGES[range].step === '1h' ? HOUR_MS : DAY_MS;
  const pointRadius = stepMs === DAY_MS ? 2 : 0;
  const label = shortLabel(input.phenomenon, lang);
  const datasets: ChartConfiguration<'line', XY[]>['data']['datasets'] = [
    {
      label: input.raw ? ct(lang, 'thisStationCorrected') : input.reference ? ct(lang, 'thisStation') : label,
      data: withGaps(input.points, stepMs),
      borderColor: colours.line,
      backgroundColor: colours.line,
      borderWidth: 2,
      pointRadius,
      pointHoverRadius: 4,
      tension: 0.2,
      spanGaps: false,
    },
  ];
  if (input.raw) {
    datasets.push({
      label: ct(lang, 'thisStationRaw'),
      data: withGaps(input.raw, stepMs),
      borderColor: colours.line,
      backgroundColor: colours.line,
      borderWidth: 1,
      borderDash: [2, 3],
      pointRadius: 0,
      pointHoverRadius: 3,
      tension: 0.2,
      spanGaps: false,
    });
  }
  if (input.reference) {
    datasets.push({
      label: ct(lang, 'reference', {
        name: input.reference.name,
        km: formatNumber(input.reference.distanceMetres / 1000, lang),
      }),
      data: withGaps(input.reference.points, stepMs),
      borderColor: colours.reference,
      backgroundColor: colours.reference,
      borderWidth: 1.5,
      borderDash: [4, 3],
      pointRadius,
      pointHoverRadius: 4,
      tension: 0.2,
      spanGaps: false,
    });
  }
  const who = whoGuideline(input.phenomenon);
  if (who) {
    datasets.push({
      label: ct(lang, 'who', {
        avg: ct(lang, `avg.${who.averaging}` as 'avg.24h'),
        v: formatNumber(who.value, lang),
        unit,
      }),
      data: [
        { x: from, y: who.value },
        { x: to, y: who.value },
      ],
      borderColor: colours.who,
      backgroundColor: colours.who,
      borderWidth: 1.5,
      borderDash: [7, 5],
      pointRadius: 0,
      pointHoverRadius: 0,
    });
  }
  const values = [...input.points, ...(input.raw ?? []), ...(input.reference?.points ?? [])]
    .map((p) => p.value)
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const dataMax = values.length ? Math.max(...values) : 0;
  const bands = indexBands(input.scheme, input.phenomenon);
  const suggestedMax = Math.max(dataMax * 1.15, (who?.value ?? 0) * 1.3, bands[0]?.to ?? 0) || 10;
  return {
    type: 'line',
    data: { datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: {
          type: 'linear',
          min: from,
          max: to,
          afterBuildTicks: (scale: Scale) => {
            scale.ticks = timeTicks(from, to, range).map((value) => ({ value }));
          },
          ticks: {
            maxRotation: 0,
            autoSkip: true,
            autoSkipPadding: 12,
            callback: (value) => formatTick(Number(value), range, lang),
          },
          grid: { color: 'rgba(29, 36, 51, 0.08)' },
        },
        y: {
          type: 'linear',
          min: 0,
          suggestedMax,
          title: { display: true, text: unit },
          ticks: { callback: (value) => formatNumber(Number(value), lang) },
          grid: { color: 'rgba(29, 36, 51, 0.08)' },
        },
      },
      plugins: {
        legend: { position: 'bottom', labels: { usePointStyle: true, pointStyle: 'line', boxWidth: 28 } },
        tooltip: {
          callbacks: {
            title: (items: TooltipItem<'line'>[]) =>
              items[0]
                ? formatTime(items[0].parsed.x ?? 0, lang, stepMs === DAY_MS ? 'date' : 'datetime')
                : '',
            label: (item: TooltipItem<'line'>) =>
              `${item.dataset.label ?? ''}${lang === 'fr' ? ' : ' : ': '}${formatReading(input.phenomenon, item.parsed.y ?? 0, lang)} ${unit}`,
          },
        },
        souffleBands: {
          opacity: 0.16,
          bands: bands.map((b) => ({ from: b.from, to: b.to, colour: b.colour, label: b.label[lang] })),
        },
      },
    },
  };
}

/** min, mean and max of the non-null values, for the accessible summary. */
export function summary(
  points: ReadonlyArray<{ value: number | null }>,
): { min: number; mean: number; max: number } | null {
  const v = points.map((p) => p.value).filter((x): x is number => x !== null && Number.isFinite(x));
  if (!v.length) return null;
  return { min: Math.min(...v), mean: v.reduce((a, b) => a + b, 0) / v.length, max: Math.max(...v) };
}
