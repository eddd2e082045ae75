import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, FaultInjector, parseFaults, type FaultAction } from '../../sensors-sim/faults.js';
import { buildFleet } from '../../sensors-sim/fleet.js';

const fleet = buildFleet({ devices: 12, seed: 5 });

function run(injector: FaultInjector, readings = 2000): FaultAction['kind'][][] {
  return fleet.map((device) => Array.from({ length: readings }, (_, k) => injector.next(device, k).kind));
}

describe('fault injection', () => {
  it('reads a list of faults or "all", and names an unknown one', () => {
    expect(parseFaults('all')).toEqual([...FAULT_KINDS]);
    expect(parseFaults('stuck, spikes,stuck')).toEqual(['stuck', 'spikes']);
    expect(() => parseFaults('stuck,gremlins')).toThrow(/unknown fault "gremlins"/);
  });

  it('injects nothing unless asked', () => {
    const injector = new FaultInjector({ kinds: [], rate: 0.5, seed: 1 });
    expect(
      run(injector, 200)
        .flat()
        .every((k) => k === 'none'),
    ).toBe(true);
  });

  it('starts faults at about the asked rate, every kind showing up, and counts what it injected', () => {
    const injector = new FaultInjector({ kinds: [...FAULT_KINDS], rate: 0.02, seed: 1 });
    const kinds = run(injector).flat();
    const events = Object.values(injector.counts).reduce((n, c) => n + c.events, 0);
    // Lasting faults (stuck, offline) pause new events while they last, so fewer than rate × readings.
    expect(events).toBeGreaterThan(0.004 * kinds.length);
    expect(events).toBeLessThan(0.02 * kinds.length * 1.2);
    for (const kind of FAULT_KINDS) {
      expect(injector.counts[kind].events, kind).toBeGreaterThan(0);
      expect(kinds.filter((k) => k === kind).length, kind).toBe(injector.counts[kind].messages);
    }
  });

  it('keeps a stuck sensor stuck and an offline device silent for a while, then lets them recover', () => {
    const injector = new FaultInjector({ kinds: ['stuck', 'offline'], rate: 0.05, seed: 2 });
    for (const sequence of run(injector, 3000)) {
      const runs = sequence
        .join(',')
        .split(/,?none,?/)
        .filter(Boolean);
      for (const r of runs) expect(r.split(',').length).toBeGreaterThanOrEqual(5);
    }
  });

  it('gives only native devices the faults that need a timestamp or a retry', () => {
    const injector = new FaultInjector({ kinds: ['future-clock', 'duplicates'], rate: 0.1, seed: 3 });
    const sequences = run(injector, 300);
    fleet.forEach((device, i) => {
      const faulty = sequences[i]!.some((k) => k !== 'none');
      expect(faulty, `${device.id} (${device.format})`).toBe(device.format === 'native');
    });
  });

  it('is the same for the same seed', () => {
    const a = run(new FaultInjector({ kinds: [...FAULT_KINDS], rate: 0.03, seed: 9 }), 500);
    const b = run(new FaultInjector({ kinds: [...FAULT_KINDS], rate: 0.03, seed: 9 }), 500);
    expect(a).toEqual(b);
  });
});
