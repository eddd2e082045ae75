import { describe, expect, it } from 'vitest';
import {
  DISPLAY_ORDER,
  MOLAR_VOLUME_L,
  PHENOMENA,
  PHENOMENON_CODES,
  formatValue,
  isPhenomenonCode,
  toCanonical,
} from '../../data/phenomena.js';

// Molar volume at 20 °C and 1013 hPa, computed here independently of the registry: R·T/p in litres.
const VM = ((8.314462618 * 293.15) / 101_300) * 1000;

const converted = (code: string, value: number, unit?: string) => {
  const r = toCanonical(code, value, unit);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

describe('the phenomenon registry', () => {
  it('lists every phenomenon the platform measures, each with a unit, range, decimals and labels', () => {
    for (const code of [
      'pm1',
      'pm25',
      'pm10',
      'no2',
      'o3',
      'so2',
      'co',
      'co2',
      'temperature',
      'humidity',
      'pressure',
      'noise',
      'voc_index',
      'nox_index',
      'pm25_cf1',
      'pm03_count',
    ]) {
      expect(PHENOMENON_CODES).toContain(code);
      const p = PHENOMENA[code as keyof typeof PHENOMENA];
      expect(p.unit).not.toBe('');
      expect(p.range[0]).toBeLessThan(p.range[1]);
      expect(p.label.fr).not.toBe('');
      expect(p.label.en).not.toBe('');
    }
    expect(PHENOMENA.pm25.unit).toBe('µg/m³');
    expect(PHENOMENA.co2.unit).toBe('ppm');
    expect(PHENOMENA.temperature.unit).toBe('°C');
    expect(PHENOMENA.pressure.unit).toBe('hPa');
    expect(PHENOMENA.noise.unit).toBe('dB(A)');
    expect(PHENOMENA.pm25_cf1.unit).toBe('µg/m³');
    expect(PHENOMENA.pm03_count.unit).toBe('particles/0.1 L');
  });

  it('gives every phenomenon exactly one place in the display order', () => {
    expect([...DISPLAY_ORDER].sort()).toEqual([...PHENOMENON_CODES].sort());
  });

  it('uses the molar volume at 20 °C and 1013 hPa (24.061 L/mol)', () => {
    expect(MOLAR_VOLUME_L).toBeCloseTo(24.0611, 4);
  });

  it.each([
    // ppb → µg/m³ = ppb × M / Vm (M: NO2 46.0055, O3 47.9982, SO2 64.066)
    ['no2', 1, 'ppb', 46.0055 / VM],
    ['no2', 21, 'ppb', (21 * 46.0055) / VM],
    ['o3', 50, 'ppb', (50 * 47.9982) / VM],
    ['so2', 10, 'ppb', (10 * 64.066) / VM],
    ['no2', 0.1, 'ppm', (100 * 46.0055) / VM],
    // CO is canonical in mg/m³: ppm × 28.01 / VM
    ['co', 1, 'ppm', 28.01 / VM],
    ['co', 1000, 'ppb', 28.01 / VM],
    ['pressure', 100520.25, 'Pa', 1005.2025],
    ['temperature', 77, '°F', 25],
    ['temperature', 32, '°F', 0],
    ['temperature', 293.15, 'K', 20],
    ['pm25', 12.3, 'µg-m3', 12.3],
  ])('converts %s %d %s to the canonical unit', (code, value, unit, expected) => {
    expect(converted(code, value, unit)).toBeCloseTo(expected, 9);
  });

  it('keeps a value given in the canonical unit as it is', () => {
    expect(converted('pm25', 12.3)).toBe(12.3);
    expect(converted('pm25', 12.3, 'µg/m³')).toBe(12.3);
  });

  it('rejects impossible values with a reason naming the value and the range', () => {
    const humid = toCanonical('humidity', 120);
    expect(humid).toEqual({ ok: false, reason: expect.stringContaining('120 %') });
    expect(toCanonical('pm25', -1)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('outside the physical range'),
    });
    // 2000 hPa in Pa is 20 hPa: below the range, and the reason shows both
    expect(toCanonical('pressure', 2000, 'Pa')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('2000 Pa (20 hPa)'),
    });
  });

  it('rejects non-finite values, unknown units and unknown phenomena by name', () => {
    expect(toCanonical('pm25', Number.NaN)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not a finite number'),
    });
    expect(toCanonical('pm25', Number.POSITIVE_INFINITY)).toMatchObject({ ok: false });
    expect(toCanonical('no2', 3, 'furlongs')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('unit "furlongs" is not accepted'),
    });
    expect(toCanonical('pm2_5', 3)).toEqual({ ok: false, reason: 'unknown phenomenon "pm2_5"' });
    expect(isPhenomenonCode('toString')).toBe(false);
  });

  it('formats values with the display decimals of the phenomenon and the reader’s language', () => {
    expect(formatValue('pm25', 12.345, 'en')).toBe('12.3');
    expect(formatValue('pm25', 12.345, 'fr')).toBe('12,3');
    expect(formatValue('co2', 447.4, 'en')).toBe('447');
  });
});
