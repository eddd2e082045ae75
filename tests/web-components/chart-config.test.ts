// Ticks are placed on the reader's local calendar: pin the zone before any date is made.
process.env.TZ = 'Europe/Paris';

import type { Scale } from 'chart.js';
import { describe, expect, it } from 'vitest';
import { indexBands } from '../../data/indices.js';
import {
  buildChartConfig,
  formatTick,
  rangeWindow,
  summary,
  timeTicks,
  toRange,
  whoGuideline,
  withGaps,
} from '../../web-components/chart-config.js';

const H = 3_600_000;
const D = 24 * H;

describe('chart ranges', () => {
  it('uses hourly means for 24 h and 7 days, daily means for 30 days and a year', () => {
    const now = Date.UTC(2026, 4, 10, 14, 20);
    expect(rangeWindow('24h', now)).toEqual({
      from: Date.UTC(2026, 4, 9, 15),
      to: Date.UTC(2026, 4, 10, 15),
      step: '1h',
    });
    expect(rangeWindow('7d', now).step).toBe('1h');
    const month = rangeWindow('30d', now);
    expect(month.step).toBe('1d');
    // the API answers the local days that start in the window: no client-side day boundaries
    expect(month.to - month.from).toBe(30 * D);
    expect(rangeWindow('1y', now).step).toBe('1d');
  });

  it('defaults to 7 days for an unknown range', () => {
    expect(toRange('30D')).toBe('30d');
    expect(toRange('2w')).toBe('7d');
  });
});

describe('chart data', () => {
  it('breaks the line where hours are missing', () => {
    const points = [0, 1, 4].map((h) => ({ t: h * H, value: h }));
    expect(withGaps(points, H)).toEqual([
      { x: 0, y: 0 },
      { x: H, y: 1 },
      { x: 2 * H, y: null },
      { x: 4 * H, y: 4 },
    ]);
  });

  it('draws the WHO 24 h guideline, or the 8 h one for ozone, and none for temperature', () => {
    expect(whoGuideline('pm25')).toMatchObject({ value: 15, averaging: '24h' });
    expect(whoGuideline('o3')).toMatchObject({ value: 100, averaging: '8h' });
    expect(whoGuideline('temperature')).toBeNull();
  });

  it('summarises min, mean and max for the accessible description', () => {
    expect(summary([{ value: 1 }, { value: null }, { value: 5 }])).toEqual({ min: 1, mean: 3, max: 5 });
    expect(summary([])).toBeNull();
  });
});

describe('time ticks without a date adapter', () => {
  it('puts 24 h ticks every 3 local hours and labels midnight with the day', () => {
    const from = Date.UTC(2026, 0, 5, 10, 0); // 11:00 Paris
    const ticks = timeTicks(from, from + D, '24h');
    expect(ticks).toHaveLength(8);
    expect(ticks.map((t) => new Date(t).getHours() % 3)).toEqual(new Array(8).fill(0));
    expect(formatTick(ticks[0]!, '24h', 'fr')).toBe('12:00');
    const midnight = ticks.find((t) => new Date(t).getHours() === 0)!;
    expect(formatTick(midnight, '24h', 'fr')).toBe('mar. 6');
  });

  it('stays on round hours across the spring daylight-saving change', () => {
    const from = Date.UTC(2026, 2, 28, 23); // 00:00 Paris on 29 March, a 23-hour day
    const ticks = timeTicks(from, from + D, '24h');
    expect(ticks.map((t) => new Date(t).getHours())).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 0]);
  });

  it('puts 7-day ticks at midnight, 30-day ticks on Mondays and 1-year ticks on the first of the month', () => {
    const from = Date.UTC(2026, 0, 1, 12);
    expect(timeTicks(from, from + 7 * D, '7d')).toHaveLength(7);
    const mondays = timeTicks(from, from + 30 * D, '30d');
    expect(mondays.every((t) => new Date(t).getDay() === 1)).toBe(true);
    expect(mondays).toHaveLength(4);
    const months = timeTicks(Date.UTC(2025, 0, 10), Date.UTC(2026, 0, 10), '1y');
    expect(months).toHaveLength(12);
    expect(formatTick(months.at(-1)!, '1y', 'en')).toBe('Jan 2026');
    expect(formatTick(months[0]!, '1y', 'fr')).toBe('févr.');
  });
});

describe('the chart.js configuration', () => {
  const from = Date.UTC(2026, 0, 1);
  const to = from + D;
  const points = [
    { t: from, value: 8 },
    { t: from + H, value: 30 },
  ];

  it('has the series, the WHO line across the range, and the index bands of the scheme', () => {
    const config = buildChartConfig({
      phenomenon: 'pm25',
      unit: 'µg/m³',
      range: '24h',
      from,
      to,
      points,
      scheme: 'atmo',
      lang: 'fr',
    });
    const [series, who] = config.data.datasets;
    expect(series!.label).toBe('PM2.5');
    expect(series!.data).toEqual([
      { x: from, y: 8 },
      { x: from + H, y: 30 },
    ]);
    expect(who!.label).toBe('Seuil OMS (24 h) : 15 µg/m³');
    expect(who!.data).toEqual([
      { x: from, y: 15 },
      { x: to, y: 15 },
    ]);
    const bands = config.options!.plugins!.souffleBands!.bands;
    expect(bands!.map((b) => b.colour)).toEqual(indexBands('atmo', 'pm25').map((b) => b.colour));
    expect(bands![0]).toMatchObject({ from: 0, to: 10, label: 'Bon' });
    expect(config.options!.scales!.y!.suggestedMax).toBeCloseTo(34.5);
  });

  it('overlays the reference station when comparing, labelled with its distance', () => {
    const config = buildChartConfig({
      phenomenon: 'no2',
      unit: 'µg/m³',
      range: '7d',
      from,
      to,
      points,
      reference: { name: 'Marseille Longchamp', distanceMetres: 1234, points: [{ t: from, value: 20 }] },
      scheme: 'eaqi',
      lang: 'en',
    });
    expect(config.data.datasets.map((d) => d.label)).toEqual([
      'This station',
      'AtmoSud Marseille Longchamp (1.2 km)',
      'WHO guideline (24 h): 25 µg/m³',
    ]);
  });

  it('builds its own x ticks and formats them in the chart’s language', () => {
    const config = buildChartConfig({
      phenomenon: 'pm10',
      unit: 'µg/m³',
      range: '24h',
      from,
      to,
      points,
      scheme: 'atmo',
      lang: 'en',
    });
    const x = config.options!.scales!.x!;
    const scale = { ticks: [] } as unknown as Scale;
    (x.afterBuildTicks as (s: Scale) => void)(scale);
    expect(scale.ticks.map((t) => t.value)).toEqual(timeTicks(from, to, '24h'));
    const callback = x.ticks!.callback as (v: number) => string;
    expect(callback(Date.UTC(2026, 0, 1, 5))).toBe('06:00');
  });

  it('has no bands for a phenomenon the scheme does not class, and a sane scale without data', () => {
    const config = buildChartConfig({
      phenomenon: 'temperature',
      unit: '°C',
      range: '30d',
      from,
      to,
      points: [],
      scheme: 'atmo',
      lang: 'fr',
    });
    expect(config.options!.plugins!.souffleBands!.bands).toEqual([]);
    expect(config.data.datasets).toHaveLength(1);
    expect(config.options!.scales!.y!.suggestedMax).toBe(10);
  });
});
