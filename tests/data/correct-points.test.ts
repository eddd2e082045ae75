// Correcting points by hand-worked numbers: the version valid at each time, a humidity model on
// hourly points only, a negative gain turning min and max over, and points left as measured.
import { describe, expect, it } from 'vitest';
import {
  correctionAt,
  correctPointsInPlace,
  type Correction,
} from '../../data/calibration/correct-points.js';
import type { Point } from '../../data/store/series-points.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const first: Correction = {
  id: 1,
  model: 'linear',
  coefficients: { a: 2, c: 1 },
  validFrom: T0,
  validTo: T0 + 10 * H,
};
const second: Correction = {
  id: 2,
  model: 'linear',
  coefficients: { a: 3, c: 0 },
  validFrom: T0 + 10 * H,
  validTo: null,
};
const point = (t: number, value: number, extra: Partial<Point> = {}): Point => ({
  t,
  value,
  min: value - 1,
  max: value + 1,
  n: 1,
  ...extra,
});

describe('correcting points', () => {
  it('uses the version valid at each point, and leaves points before the first one as measured', () => {
    expect(correctionAt([first, second], T0 - 1)).toBeUndefined();
    expect(correctionAt([first, second], T0 + 9 * H)?.id).toBe(1);
    expect(correctionAt([first, second], T0 + 10 * H)?.id).toBe(2);
    const points = [point(T0 - H, 5), point(T0, 5), point(T0 + 12 * H, 5)];
    expect(correctPointsInPlace(points, [first, second])).toBe(2);
    expect(points.map((p) => [p.value, p.min, p.max, p.raw, p.calibrationId])).toEqual([
      [5, 4, 6, undefined, undefined],
      [11, 9, 13, 5, 1],
      [15, 12, 18, 5, 2],
    ]);
  });

  it('scales the spread and the quantiles, and turns them over for a negative gain', () => {
    const negative: Correction = { ...first, coefficients: { a: -1, c: 10 } };
    const p = point(T0, 4, { sd: 0.5, q02: 1, q25: 3, median: 4, q75: 5, q98: 7 });
    correctPointsInPlace([p], [negative]);
    expect(p).toMatchObject({ value: 6, min: 5, max: 7, sd: 0.5, q02: 3, q25: 5, median: 6, q75: 7, q98: 9 });
  });

  it('applies a humidity model with the hour humidity, to raw and hourly points only', () => {
    const rh: Correction = { ...first, model: 'linear-rh', coefficients: { a: 1, b: -0.1, c: 2 } };
    const humidityAt = (hour: number) => (hour === T0 ? 50 : null);
    const points = [point(T0 + 20 * 60_000, 10), point(T0 + H, 10)];
    expect(correctPointsInPlace(points, [rh], { humidityAt })).toBe(1);
    expect(points.map((p) => p.value)).toEqual([7, 10]);
    const day = [point(T0, 10)];
    expect(correctPointsInPlace(day, [rh], { humidityAt, aggregated: true })).toBe(0);
    expect(day[0]!.raw).toBeUndefined();
  });
});
