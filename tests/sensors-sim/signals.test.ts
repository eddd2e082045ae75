import { describe, expect, it } from 'vitest';
import { toCanonical } from '../../data/phenomena.js';
import { localTime, parisOffsetHours } from '../../sensors-sim/clock.js';
import { buildFleet } from '../../sensors-sim/fleet.js';
import { PLACES, type Place } from '../../sensors-sim/places.js';
import { ambientAt, trafficIntensity, type Ambient } from '../../sensors-sim/pollution.js';
import { sample } from '../../sensors-sim/sample.js';
import { hygroscopicGrowth } from '../../sensors-sim/sensor-model.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SEED = 1;
const place = (name: string) => PLACES.find((p) => p.name === name)!;
const castellane = place('Place Castellane'); // roadside, central Marseille
const longchamp = place('Jardin Longchamp'); // background, central Marseille
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Mean of `pick` at local hour `hour` over the days of [from, from + days) that `keep` selects. */
function meanAt(
  p: Place,
  from: number,
  days: number,
  hour: number,
  pick: (a: Ambient) => number,
  keep = (_weekday: number) => true,
) {
  const values: number[] = [];
  for (let d = 0; d < days; d++) {
    const t = from + d * DAY + (hour - parisOffsetHours(from + d * DAY)) * HOUR;
    if (keep(localTime(t).weekday)) values.push(pick(ambientAt(p, t, SEED)));
  }
  return mean(values);
}

const weekday = (w: number) => w >= 1 && w <= 5;
const weekend = (w: number) => w === 0 || w === 6;
const JAN = Date.UTC(2026, 0, 1);
const MAR = Date.UTC(2026, 2, 1);
const JUL = Date.UTC(2026, 6, 1);

describe('the simulated city', () => {
  it('has a local clock in Europe/Paris time, summer time included', () => {
    expect(localTime(Date.UTC(2026, 0, 5, 7)).hour).toBe(8); // 08:00 CET
    expect(localTime(Date.UTC(2026, 6, 6, 6)).hour).toBe(8); // 08:00 CEST
    expect(localTime(Date.UTC(2026, 0, 5, 12)).weekday).toBe(1); // Monday
  });

  it('has weekday traffic with a morning and an evening rush hour, and lighter weekends', () => {
    expect(trafficIntensity(8, 2)).toBeGreaterThan(2 * trafficIntensity(13, 2) * 0.9);
    expect(trafficIntensity(18, 2)).toBeGreaterThan(trafficIntensity(13, 2));
    expect(trafficIntensity(3, 2)).toBeLessThan(0.2);
    expect(trafficIntensity(8, 0)).toBeLessThan(trafficIntensity(8, 3) / 3);
  });

  it('puts NO2 peaks at the weekday rush hours at a roadside site', () => {
    const no2 = (h: number) => meanAt(castellane, JAN, 90, h, (a) => a.no2, weekday);
    expect(no2(8)).toBeGreaterThan(1.3 * no2(4));
    expect(no2(8)).toBeGreaterThan(no2(13));
    expect(no2(18)).toBeGreaterThan(1.3 * no2(13));
    const pm = (h: number) => meanAt(castellane, JAN, 90, h, (a) => a.pm25, weekday);
    expect(pm(18)).toBeGreaterThan(pm(4));
  });

  it('makes weekends quieter than weekdays', () => {
    for (const h of [8, 18]) {
      const weekdays = meanAt(castellane, MAR, 120, h, (a) => a.no2, weekday);
      const weekends = meanAt(castellane, MAR, 120, h, (a) => a.no2, weekend);
      expect(weekends).toBeLessThan(0.7 * weekdays);
    }
  });

  it('makes ozone peak on summer afternoons, when NO2 is low', () => {
    const o3 = (from: number, h: number) => meanAt(longchamp, from, 31, h, (a) => a.o3);
    expect(o3(JUL, 15)).toBeGreaterThan(100);
    expect(o3(JUL, 15)).toBeGreaterThan(1.8 * o3(JUL, 6));
    expect(o3(JUL, 15)).toBeGreaterThan(1.5 * o3(JAN, 15));
    // Hour by hour over a summer week at the roadside, O3 and NO2 move in opposite directions.
    const pairs = Array.from({ length: 7 * 24 }, (_, i) => ambientAt(castellane, JUL + i * HOUR, SEED));
    const mo = mean(pairs.map((a) => a.o3));
    const mn = mean(pairs.map((a) => a.no2));
    const covariance = mean(pairs.map((a) => (a.o3 - mo) * (a.no2 - mn)));
    expect(covariance).toBeLessThan(0);
  });

  it('follows daily and seasonal temperature cycles of the Marseille climate', () => {
    const t = (from: number, h: number) => meanAt(longchamp, from, 31, h, (a) => a.temperature);
    expect(t(JUL, 15)).toBeGreaterThan(t(JUL, 5) + 5);
    expect(t(JUL, 15)).toBeGreaterThan(26);
    expect(t(JUL, 15)).toBeLessThan(35);
    expect(t(JAN, 15)).toBeGreaterThan(7);
    expect(t(JAN, 15)).toBeLessThan(16);
    // Humidity runs the other way: highest before dawn.
    const rh = (h: number) => meanAt(longchamp, JUL, 31, h, (a) => a.humidity);
    expect(rh(5)).toBeGreaterThan(rh(15) + 10);
  });

  it('makes roadside sites dirtier than background ones under the same weather', () => {
    const year = Array.from({ length: 365 }, (_, d) => JAN + d * DAY + 8 * HOUR);
    expect(mean(year.map((t) => ambientAt(castellane, t, SEED).no2))).toBeGreaterThan(
      1.5 * mean(year.map((t) => ambientAt(longchamp, t, SEED).no2)),
    );
    expect(mean(year.map((t) => ambientAt(castellane, t, SEED).pm10))).toBeGreaterThan(
      mean(year.map((t) => ambientAt(longchamp, t, SEED).pm10)),
    );
  });

  it('makes low-cost optical PM sensors over-read in humid air', () => {
    expect(hygroscopicGrowth(50, 0.1)).toBeLessThan(1.15);
    expect(hygroscopicGrowth(90, 0.1)).toBeGreaterThan(1.8);
    const [device] = buildFleet({ devices: 1, seed: SEED, format: 'airrohr' });
    const humid: number[] = [];
    const dry: number[] = [];
    for (let t = JAN; t < JAN + 365 * DAY; t += 3 * HOUR) {
      const truth = ambientAt(device!.place, t, SEED);
      const ratio = sample(device!, t, SEED).ch1.pm25 / truth.pm25;
      if (truth.humidity >= 85) humid.push(ratio);
      else if (truth.humidity < 60) dry.push(ratio);
    }
    expect(humid.length).toBeGreaterThan(20);
    expect(mean(humid)).toBeGreaterThan(1.3 * mean(dry));
  });

  it('keeps every value of every device plausible and within its physical range for a year', () => {
    const fleet = buildFleet({ devices: 25, seed: SEED });
    const plausible: Record<string, [number, number]> = {
      pm1: [0, 300],
      pm25: [0, 400],
      pm10: [0, 500],
      no2: [0, 400],
      o3: [0, 300],
      temperature: [-12, 48],
      humidity: [0, 100],
      pressure: [950, 1050],
    };
    const outside: string[] = [];
    let checked = 0;
    for (const device of fleet) {
      for (let t = JAN; t < JAN + 365 * DAY; t += 7 * HOUR) {
        const m = sample(device, t, SEED).ch1 as unknown as Record<string, number>;
        for (const [code, [min, max]] of Object.entries(plausible)) {
          const v = m[code]!;
          checked++;
          if (!toCanonical(code, v).ok || !(v >= min && v <= max)) {
            outside.push(`${device.id} ${code}=${v} at ${new Date(t).toISOString()}`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(200_000);
    expect(outside).toEqual([]);
  });

  it('gives each sensor its own bias, noise and slow drift', () => {
    const [a, b] = buildFleet({ devices: 2, seed: SEED, format: 'native' });
    const t = Date.UTC(2026, 3, 10, 9);
    const sameAir = { ...a!, place: b!.place };
    expect(sample(sameAir, t, SEED).ch1.pm25).not.toBe(sample(b!, t, SEED).ch1.pm25);
    // Drift: the same hour of the same weekday a month apart differs beyond noise on average.
    const offset = (from: number) =>
      mean(
        Array.from(
          { length: 48 },
          (_, i) =>
            sample(a!, from + i * HOUR, SEED).ch1.no2 - ambientAt(a!.place, from + i * HOUR, SEED).no2,
        ),
      );
    const offsets = [0, 1, 2, 3].map((w) => offset(JAN + w * 14 * DAY));
    expect(Math.max(...offsets) - Math.min(...offsets)).toBeGreaterThan(1);
  });

  it('is deterministic for a seed, and another seed is another city', () => {
    const t = Date.UTC(2026, 4, 20, 17, 42);
    const [x] = buildFleet({ devices: 1, seed: 7 });
    const [y] = buildFleet({ devices: 1, seed: 7 });
    expect(sample(x!, t, 7)).toEqual(sample(y!, t, 7));
    expect(ambientAt(castellane, t, 7)).toEqual(ambientAt(castellane, t, 7));
    expect(ambientAt(castellane, t, 7).no2).not.toBe(ambientAt(castellane, t, 8).no2);
  });
});
