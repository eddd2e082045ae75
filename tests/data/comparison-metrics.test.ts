import { describe, expect, it } from 'vitest';
import { agreement, comparisonMetrics } from '../../data/comparison-metrics.js';

const HOUR = 3_600_000;

describe('agreement', () => {
  it('computes bias, MAE, RMSE, R², slope and intercept of sensor against reference', () => {
    const pairs = [
      { reference: 1, sensor: 2 },
      { reference: 2, sensor: 3 },
      { reference: 3, sensor: 5 },
      { reference: 4, sensor: 5 },
    ];
    const a = agreement(pairs, 1);
    expect(a.bias).toBeCloseTo(1.25, 12); // (1 + 1 + 2 + 1) / 4
    expect(a.mae).toBeCloseTo(1.25, 12);
    expect(a.rmse).toBeCloseTo(Math.sqrt(7 / 4), 12);
    // x̄ 2.5, ȳ 3.75; Sxx 5, Sxy 5.5, Syy 6.75.
    expect(a.slope).toBeCloseTo(1.1, 12);
    expect(a.intercept).toBeCloseTo(3.75 - 1.1 * 2.5, 12);
    expect(a.r2).toBeCloseTo((5.5 * 5.5) / (5 * 6.75), 12);
  });

  it('gives no slope or R² when the reference does not vary, and nothing below the minimum', () => {
    const flat = agreement(
      [
        { reference: 5, sensor: 4 },
        { reference: 5, sensor: 6 },
      ],
      1,
    );
    expect(flat).toMatchObject({ slope: null, r2: null, bias: 0, rmse: 1 });
    expect(agreement([{ reference: 5, sensor: 4 }], 2)).toMatchObject({ n: 1, enough: false, rmse: null });
  });
});

describe('comparisonMetrics', () => {
  it('keeps a local day of 23 hours (spring forward in Paris) when 18 of its hours are paired', () => {
    // 29 March 2026, Paris: 00:00 local = 23:00 UTC the day before; 23 hours long.
    const start = Date.UTC(2026, 2, 28, 23);
    const points = Array.from({ length: 18 }, (_, i) => ({ t: start + i * HOUR, value: 2, reference: 1 }));
    const m = comparisonMetrics(points, {
      from: start,
      to: start + 23 * HOUR,
      now: start + 30 * HOUR,
      timeZone: 'Europe/Paris',
    });
    expect(m.daily.days).toBe(1);
    expect(m.coverage).toMatchObject({ hours: 23, pairedHours: 18 });
    const fewer = comparisonMetrics(points.slice(1), {
      from: start,
      to: start + 23 * HOUR,
      now: start + 30 * HOUR,
      timeZone: 'Europe/Paris',
    });
    expect(fewer.daily.days).toBe(0);
  });

  it('counts only hours that are over', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const m = comparisonMetrics(
      [
        { t: t0, value: 1, reference: 1 },
        { t: t0 + HOUR, value: 1, reference: 1 },
      ],
      {
        from: t0,
        to: t0 + 5 * HOUR,
        now: t0 + HOUR + 1,
        timeZone: 'UTC',
      },
    );
    expect(m.coverage).toMatchObject({ hours: 1, pairedHours: 1 });
  });
});
