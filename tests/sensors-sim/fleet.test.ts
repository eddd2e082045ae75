import { describe, expect, it } from 'vitest';
import { DEVICE_ID_PATTERN } from '../../data/store/devices.js';
import { buildFleet } from '../../sensors-sim/fleet.js';
import { slotAtOrAfter, slotTime } from '../../sensors-sim/schedule.js';

// The metropolis: from Istres and Fos in the west to La Ciotat in the east, Puyricard in the north.
const inMetropolis = (lat: number, lon: number) => lat > 43.15 && lat < 43.62 && lon > 4.9 && lon < 5.7;

describe('the simulated fleet', () => {
  it('places 25 devices by default over the metropolis, with realistic names and a mix of formats and sites', () => {
    const fleet = buildFleet();
    expect(fleet).toHaveLength(25);
    expect(new Set(fleet.map((d) => d.id)).size).toBe(25);
    for (const d of fleet) {
      expect(d.id).toMatch(DEVICE_ID_PATTERN);
      expect(d.id.startsWith('sim-')).toBe(true);
      expect(inMetropolis(d.lat, d.lon), `${d.name} at ${d.lat},${d.lon}`).toBe(true);
      expect(d.name.length).toBeGreaterThan(4);
    }
    const formats = new Set(fleet.map((d) => d.format));
    expect(formats).toEqual(new Set(['native', 'airgradient', 'airrohr']));
    expect(fleet.some((d) => d.place.kind === 'roadside')).toBe(true);
    expect(fleet.some((d) => d.place.kind === 'background')).toBe(true);
    expect(new Set(fleet.map((d) => d.place.commune.split(' ')[0])).size).toBeGreaterThan(2);
  });

  it('is the same fleet for the same seed, and another for another seed', () => {
    expect(buildFleet({ seed: 3 })).toEqual(buildFleet({ seed: 3 }));
    expect(buildFleet({ seed: 3 }).map((d) => d.name)).not.toEqual(
      buildFleet({ seed: 4 }).map((d) => d.name),
    );
  });

  it('gives other seeds and single-format fleets their own ids, so registrations never collide', () => {
    expect(buildFleet({ devices: 1, seed: 1 })[0]!.id).toMatch(/^sim-[a-z]/);
    expect(buildFleet({ devices: 1, seed: 42, format: 'airgradient' })[0]!.id).toMatch(/^sim-s42-ag-/);
    expect(buildFleet({ devices: 1, format: 'native' })[0]!.id).toMatch(/^sim-n-/);
  });

  it('gives each format the identity its firmware has', () => {
    const fleet = buildFleet({ devices: 30 });
    for (const d of fleet) {
      if (d.format === 'airgradient') {
        expect(d.serial).toMatch(/^[0-9a-f]{12}$/);
        expect(['O-1PPT', 'O-1PST']).toContain(d.model);
      } else expect(d.serial).toBeNull();
      // An ESP8266's chip id is the last three bytes of its MAC.
      expect(d.mac.slice(6)).toBe(Number(d.chipId).toString(16).padStart(6, '0'));
    }
  });

  it('grows beyond the named places with generated names, still unique', () => {
    const fleet = buildFleet({ devices: 300 });
    expect(new Set(fleet.map((d) => d.id)).size).toBe(300);
    expect(fleet.every((d) => inMetropolis(d.lat, d.lon))).toBe(true);
  });

  it('refuses a fleet size or seed that makes no sense, naming it', () => {
    expect(() => buildFleet({ devices: 0 })).toThrow(/--devices 0/);
    expect(() => buildFleet({ seed: -1 })).toThrow(/--seed -1/);
  });

  it('schedules each device on its own grid so that history and live readings continue each other', () => {
    const [d] = buildFleet({ devices: 1 });
    const now = Date.UTC(2026, 10, 28, 8, 0, 17);
    const k = slotAtOrAfter(d!, 60_000, now);
    expect(slotTime(d!, 60_000, k)).toBeGreaterThanOrEqual(now);
    expect(slotTime(d!, 60_000, k - 1)).toBeLessThan(now);
    expect(slotTime(d!, 60_000, k) % 1000).toBe(0); // whole seconds, like an NTP-synchronised clock
  });
});
