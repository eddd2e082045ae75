import { describe, expect, it } from 'vitest';
import { quantileSorted, quantilesOf } from '../../../data/stats/quantiles.js';

describe('quantiles (Hyndman–Fan type 7)', () => {
  it('gives what R quantile(1:10, c(.02, .25, .5, .75, .98)) gives: 1.18 3.25 5.5 7.75 9.82', () => {
    const q = quantilesOf([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(q.q02).toBeCloseTo(1.18, 12);
    expect(q.q25).toBeCloseTo(3.25, 12);
    expect(q.median).toBe(5.5);
    expect(q.q75).toBeCloseTo(7.75, 12);
    expect(q.q98).toBeCloseTo(9.82, 12);
  });

  it('is the value itself for one value, and null for none', () => {
    expect(quantilesOf([4.2])).toEqual({ q02: 4.2, q25: 4.2, median: 4.2, q75: 4.2, q98: 4.2 });
    expect(quantilesOf([])).toEqual({ q02: null, q25: null, median: null, q75: null, q98: null });
  });

  it('sorts numbers as numbers (not as text) and leaves its input alone', () => {
    const values = [100, 9, 20];
    expect(quantilesOf(values).median).toBe(20);
    expect(values).toEqual([100, 9, 20]);
  });

  it('reaches the extremes at p = 0 and p = 1', () => {
    expect(quantileSorted([1, 2, 3], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3], 1)).toBe(3);
  });
});
