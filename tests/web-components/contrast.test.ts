import { describe, expect, it } from 'vitest';
import { ATMO_LEVELS, EAQI_LEVELS, UNAVAILABLE, US_AQI_CATEGORIES } from '../../data/indices.js';
import { contrastRatio, parseHex, relativeLuminance, textColourFor } from '../../data/contrast.js';

const palettes = {
  atmo: ATMO_LEVELS.map((l) => l.colour),
  eaqi: EAQI_LEVELS.map((l) => l.colour),
  usaqi: US_AQI_CATEGORIES.map((l) => l.colour),
  unavailable: [UNAVAILABLE.colour],
};

describe('colour contrast of the index badges', () => {
  it('computes the WCAG extremes: black on white is 21:1, a colour on itself 1:1', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#50F0E6', '#50f0e6')).toBe(1);
    expect(relativeLuminance('#fff')).toBe(1);
  });

  for (const [scheme, colours] of Object.entries(palettes)) {
    it(`gives text meeting WCAG AA (4.5:1) on every ${scheme} colour`, () => {
      for (const colour of colours) {
        const text = textColourFor(colour);
        expect(contrastRatio(colour, text), `${text} on ${colour}`).toBeGreaterThanOrEqual(4.5);
      }
    });
  }

  it('writes black on light colours and white on dark ones', () => {
    expect(textColourFor('#50F0E6')).toBe('#000000'); // ATMO Bon
    expect(textColourFor('#FF0000')).toBe('#000000'); // US Unhealthy: white would be 4.0:1
    expect(textColourFor('#960032')).toBe('#ffffff'); // ATMO Très mauvais
    expect(textColourFor('#7E0023')).toBe('#ffffff'); // US Hazardous
  });

  it('rejects a colour that is not hex, naming it', () => {
    expect(() => parseHex('red')).toThrow(/"red"/);
  });
});
