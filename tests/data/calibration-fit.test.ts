// The calibration's arithmetic on numbers worked out by hand: least squares, the standardised
// major axis, the agreement statistics, the blocked split, and the EPA PurpleAir formula.
import { describe, expect, it } from 'vitest';
import { epaPurpleAir } from '../../data/calibration/epa-purpleair.js';
import {
  agreement,
  dailyMeans,
  fitAndEvaluate,
  meetsTargets,
  splitTime,
} from '../../data/calibration/evaluate.js';
import { applyModel, fit, FitError, leastSquares, type Pair } from '../../data/calibration/fit.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

/** Hours of a sensor reading 0.5·ref − 0.1·RH + 1 exactly, with varied ref and RH. */
function exactPairs(n: number): Pair[] {
  return Array.from({ length: n }, (_, i) => {
    const ref = 5 + ((i * 7) % 23);
    const rh = 40 + ((i * 11) % 50);
    return { t: T0 + i * H, raw: 0.5 * ref - 0.1 * rh + 1, ref, rh };
  });
}

describe('fitting', () => {
  it('solves least squares exactly: y = 2x + 3, and y = 2x − 0.5z + 1', () => {
    const x = [1, 2, 3, 4, 5];
    expect(
      leastSquares(
        x.map((v) => [v]),
        x.map((v) => 2 * v + 3),
      ),
    ).toEqual([expect.closeTo(2, 12), expect.closeTo(3, 12)]);
    const rows = [
      [1, 10],
      [2, 30],
      [3, 20],
      [4, 50],
      [5, 40],
    ];
    const beta = leastSquares(
      rows,
      rows.map(([a, b]) => 2 * a! - 0.5 * b! + 1),
    )!;
    expect(beta.map((b) => Number(b.toFixed(9)))).toEqual([2, -0.5, 1]);
  });

  it('refuses a constant column rather than divide by zero', () => {
    expect(leastSquares([[1], [1], [1]], [1, 2, 3])).toBeNull();
  });

  it('recovers the humidity term a sensor was built with, and needs the humidity to apply it', () => {
    const pairs = exactPairs(48);
    const c = fit(pairs, 'linear-rh');
    // ref = (raw + 0.1·RH − 1) / 0.5 = 2·raw + 0.2·RH − 2
    expect(c.a).toBeCloseTo(2, 9);
    expect(c.b).toBeCloseTo(0.2, 9);
    expect(c.c).toBeCloseTo(-2, 9);
    expect(applyModel(c, 10, 50)).toBeCloseTo(28, 9);
    expect(applyModel(c, 10, null)).toBeNull();
  });

  it('fits the standardised major axis: the slope is the ratio of spreads, through both means', () => {
    // raw = ref / 2 exactly: spreads in the ratio 2, the line through the means has no intercept.
    const pairs: Pair[] = Array.from({ length: 40 }, (_, i) => ({
      t: T0 + i * H,
      ref: 10 + (i % 10),
      raw: 5 + (i % 10) / 2,
      rh: null,
    }));
    const c = fit(pairs, 'sma');
    expect(c.a).toBeCloseTo(2, 9);
    expect(c.c).toBeCloseTo(0, 9);
  });

  it('says why it cannot fit: too few pairs, or no humidity for linear-rh', () => {
    expect(() => fit(exactPairs(10), 'linear')).toThrow(FitError);
    const noRh = exactPairs(48).map((p) => ({ ...p, rh: null }));
    expect(() => fit(noRh, 'linear-rh')).toThrow(/0 usable hourly pairs.*valid humidity hour/);
    expect(fit(noRh, 'linear').a).toBeGreaterThan(0);
  });
});

describe('evaluating', () => {
  it('computes RMSE, bias, R², and the slope and intercept of sensor on reference', () => {
    // Sensor = 2·ref + 1 exactly: slope 2, intercept 1, R² 1; differences ref + 1.
    const a = agreement([1, 2, 3].map((y) => ({ x: 2 * y + 1, y })));
    expect(a.n).toBe(3);
    expect(a.slope).toBeCloseTo(2, 12);
    expect(a.intercept).toBeCloseTo(1, 12);
    expect(a.r2).toBeCloseTo(1, 12);
    expect(a.bias).toBeCloseTo(3, 12); // mean of 2, 3, 4
    expect(a.rmse).toBeCloseTo(Math.sqrt((4 + 9 + 16) / 3), 12);
    expect(meetsTargets(a)).toEqual({ r2: true, slope: false, intercept: true, rmse: true, all: false });
  });

  it('makes 24-hour means of local days with 18 hours or more', () => {
    // 20 hours from local midnight in Paris (23:00 UTC in winter), then 10 of the next day.
    const start = Date.UTC(2026, 0, 1, 23);
    const values = Array.from({ length: 30 }, (_, i) => ({ t: start + i * H, x: i, y: 1 }));
    expect(dailyMeans(values, 'Europe/Paris')).toEqual([{ date: '2026-01-02', x: 11.5, y: 1 }]);
  });

  it('cuts the window in time, trains on the first part and reports the later one', () => {
    const pairs = exactPairs(96);
    const window = { from: T0, to: T0 + 96 * H };
    const split = splitTime(window, 0.5);
    expect(split).toBe(T0 + 48 * H);
    const e = fitAndEvaluate(pairs, {
      model: 'linear-rh',
      window,
      split,
      phenomenon: 'pm25',
      timeZone: 'UTC',
    });
    expect(e.training).toEqual({ from: T0, to: split, n: 48 });
    expect(e.evaluation).toEqual({ from: split, to: window.to, n: 48 });
    expect(e.corrected.hourly.rmse).toBeCloseTo(0, 9);
    expect(e.raw.hourly.rmse).toBeGreaterThan(5);
    expect(e.corrected.daily.n).toBe(2);
    expect(e.epa?.hourly.n).toBe(48);
  });
});

describe('the US EPA PurpleAir correction (Barkjohn 2021, extended 2022)', () => {
  it('gives the published formula below 30 µg/m³ and joins its pieces without jumps', () => {
    expect(epaPurpleAir(20, 50)).toBeCloseTo(0.524 * 20 - 0.0862 * 50 + 5.75, 12);
    expect(epaPurpleAir(100, 50)).toBeCloseTo(0.786 * 100 - 0.0862 * 50 + 5.75, 12);
    expect(epaPurpleAir(300, 50)).toBeCloseTo(2.966 + 0.69 * 300 + 8.84e-4 * 300 * 300, 9);
    for (const edge of [30, 50, 210, 260])
      expect(epaPurpleAir(edge - 1e-9, 60)).toBeCloseTo(epaPurpleAir(edge, 60), 5);
    expect(epaPurpleAir(0, 100)).toBe(0);
  });
});
