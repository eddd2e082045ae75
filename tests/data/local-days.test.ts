import { describe, expect, it } from 'vitest';
import {
  hoursIn,
  isIsoDate,
  isTimeZone,
  localDate,
  localDay,
  localDayOf,
  localDaysBetween,
  zoneOffset,
} from '../../data/local-days.js';

const PARIS = 'Europe/Paris';
const H = 3_600_000;

describe('local days', () => {
  it('starts a Paris winter day at 23:00 UTC the day before and a summer day at 22:00 UTC', () => {
    expect(localDay('2026-01-15', PARIS)).toEqual({
      date: '2026-01-15',
      start: Date.parse('2026-01-14T23:00:00Z'),
      end: Date.parse('2026-01-15T23:00:00Z'),
    });
    expect(localDay('2026-07-14', PARIS).start).toBe(Date.parse('2026-07-13T22:00:00Z'));
  });

  it('has 23 hours on 29 March 2026 and 25 on 25 October 2026 (EU clock changes)', () => {
    const spring = localDay('2026-03-29', PARIS);
    expect(hoursIn(spring)).toBe(23);
    expect(spring.start).toBe(Date.parse('2026-03-28T23:00:00Z'));
    expect(spring.end).toBe(Date.parse('2026-03-29T22:00:00Z'));
    const autumn = localDay('2026-10-25', PARIS);
    expect(hoursIn(autumn)).toBe(25);
    expect(autumn.start).toBe(Date.parse('2026-10-24T22:00:00Z'));
    expect(autumn.end).toBe(Date.parse('2026-10-25T23:00:00Z'));
    expect(hoursIn(localDay('2026-10-26', PARIS))).toBe(24);
  });

  it('counts a reading at 23:30 UTC in July in the next Paris day', () => {
    const t = Date.parse('2026-07-14T23:30:00Z');
    expect(localDate(t, PARIS)).toBe('2026-07-15');
    expect(localDayOf(t, PARIS).date).toBe('2026-07-15');
    expect(localDate(t, 'UTC')).toBe('2026-07-14');
  });

  it('gives the zone offset in force at an instant', () => {
    expect(zoneOffset(Date.parse('2026-01-01T12:00:00Z'), PARIS)).toBe(H);
    expect(zoneOffset(Date.parse('2026-07-01T12:00:00Z'), PARIS)).toBe(2 * H);
    expect(zoneOffset(Date.parse('2026-07-01T12:00:00Z'), 'UTC')).toBe(0);
  });

  it('finds the first instant of a day whose midnight the clocks skip', () => {
    // Chile moved its clocks from 00:00 to 01:00 on 7 September 2025 (America/Santiago).
    const day = localDay('2025-09-07', 'America/Santiago');
    expect(localDate(day.start, 'America/Santiago')).toBe('2025-09-07');
    expect(localDate(day.start - 1, 'America/Santiago')).toBe('2025-09-06');
    expect(hoursIn(day)).toBe(23);
  });

  it('lists the days overlapping a range, clock changes included', () => {
    const days = localDaysBetween(
      Date.parse('2026-03-28T12:00:00Z'),
      Date.parse('2026-03-30T00:00:00Z'),
      PARIS,
    );
    expect(days.map((d) => [d.date, hoursIn(d)])).toEqual([
      ['2026-03-28', 24],
      ['2026-03-29', 23],
      ['2026-03-30', 24],
    ]);
    expect(localDaysBetween(10, 10, PARIS)).toEqual([]);
  });

  it('validates zones and dates', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(() => localDay('2026-13-01', PARIS)).toThrow(RangeError);
  });
});
