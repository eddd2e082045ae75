// The default simulated city is plausible beside AtmoSud's published levels for Marseille (urban
// background PM2.5 around 10 µg/m³ as an annual mean, higher in winter; NO2 around 25–30): it was a
// permanent pollution emergency, every citizen station "Mauvais" to "Extrêmement mauvais" with
// PM2.5 peaks near 130–200 µg/m³ (issue 20, defect 6). Humid over-reading stays, for the ingest to flag.
import { describe, expect, it } from 'vitest';
import { buildFleet } from '../../sensors-sim/fleet.js';
import { ambientAt } from '../../sensors-sim/pollution.js';
import { measure } from '../../sensors-sim/sensor-model.js';

const DAY = 86_400_000;

/** Two weeks of late November, hourly, every device of the default fleet. */
function twoWinterWeeks() {
  const start = Date.UTC(2026, 10, 20);
  const rows: { truth: number; pm25: number; humidity: number; no2: number }[] = [];
  for (const d of buildFleet())
    for (let t = start; t < start + 14 * DAY; t += 3_600_000) {
      const air = ambientAt(d.place, t, 1);
      const m = measure(d.key, d.traits, air, t);
      if (m.pm25 !== undefined)
        rows.push({ truth: air.pm25, pm25: m.pm25, humidity: m.humidity, no2: air.no2 });
    }
  return rows;
}

const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

describe('the default simulated city in winter', () => {
  const rows = twoWinterWeeks();

  it('has true PM2.5 and NO2 at Marseille’s urban background levels', () => {
    expect(mean(rows.map((r) => r.truth))).toBeGreaterThan(8);
    expect(mean(rows.map((r) => r.truth))).toBeLessThan(18);
    expect(mean(rows.map((r) => r.no2))).toBeGreaterThan(20);
    expect(mean(rows.map((r) => r.no2))).toBeLessThan(35);
  });

  it('reads PM2.5 plausibly in dry air, and never at emergency levels', () => {
    const dry = rows.filter((r) => r.humidity < 75).map((r) => r.pm25);
    expect(mean(dry)).toBeLessThan(22);
    expect(
      quantile(
        rows.map((r) => r.pm25),
        0.99,
      ),
    ).toBeLessThan(75);
    expect(Math.max(...rows.map((r) => r.pm25))).toBeLessThan(120);
  });

  it('still over-reads in humid air, where the ingest flags it', () => {
    const humid = rows.filter((r) => r.humidity >= 85);
    expect(humid.length).toBeGreaterThan(0);
    expect(mean(humid.map((r) => r.pm25 / Math.max(r.truth, 1)))).toBeGreaterThan(1.5);
  });
});
