import { describe, expect, it } from 'vitest';
import { extent, sparklinePath } from '../../web-components/sparkline.js';

const H = 3_600_000;
const g = { width: 100, height: 20, from: 0, to: 4 * H, padding: 0 };

describe('the card’s sparkline', () => {
  it('draws one run from the first to the last hour, zero at the bottom', () => {
    const d = sparklinePath(
      [
        { t: H, value: 5 },
        { t: 0, value: 0 },
        { t: 2 * H, value: 10 },
      ],
      { ...g, to: 2 * H },
    );
    expect(d).toBe('M0,20 L50,10 L100,0');
  });

  it('breaks the line across a gap of more than an hour and a half', () => {
    const d = sparklinePath(
      [
        { t: 0, value: 1 },
        { t: H, value: 1 },
        { t: 4 * H, value: 1 },
      ],
      g,
    );
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d).toMatch(/M100,0 h1$/); // a lone point still shows
  });

  it('draws nothing without points, and reports the extent', () => {
    expect(sparklinePath([], g)).toBe('');
    expect(
      extent([
        { t: 0, value: 3 },
        { t: 1, value: -1 },
      ]),
    ).toEqual({ min: -1, max: 3 });
    expect(extent([])).toBeNull();
  });
});
