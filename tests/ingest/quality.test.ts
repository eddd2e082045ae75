// The quality-control detectors (ingest/quality/): on the simulator's injected faults, on clean
// simulated sensors, on a real co-location month, and once end to end through Mosquitto.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import type { DeviceStatusResponse } from '../../data/api-types.js';
import { FLAGS } from '../../data/flags.js';
import { createDevice } from '../../data/store/devices.js';
import type { DecodedMessage } from '../../ingest/decode-message.js';
import { decodeNative } from '../../data/decoders/native.js';
import { QualityChecker } from '../../ingest/quality/quality-checker.js';
import { isStuckChecked } from '../../ingest/quality/stuck-detector.js';
import { IngestWorker } from '../../ingest/worker.js';
import { FaultInjector } from '../../sensors-sim/faults.js';
import { buildFleet } from '../../sensors-sim/fleet.js';
import { COLOCATION_UNITS, sensorRows, type ColocationUnit } from '../helpers/colocation-rows.js';
import { judgeSimulated, type JudgedReading } from '../helpers/simulated-quality.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import {
  connectAs,
  startGeneratedMosquitto,
  waitFor,
  workerLogin,
  type GeneratedMosquitto,
} from './ingest-helpers.js';

const START = Date.UTC(2026, 10, 2);
const SEED = 7;
const fleet = buildFleet({ devices: 12, seed: SEED });
const PM = new Set(['pm1', 'pm25', 'pm10', 'pm25_cf1']);
const has = (r: JudgedReading, flag: number) => (r.flags & flag) !== 0;

/** One series' values through a checker, one message each, minute by minute unless times are given. */
function judge(
  phenomenon: string,
  values: readonly number[],
  times?: readonly number[],
  checker = new QualityChecker(),
) {
  const messages: DecodedMessage[] = values.map((value, i) => {
    const time = times?.[i] ?? START + i * 60_000;
    const message = { topic: 'souffle/v1/s/readings', payload: Buffer.from('{}'), receivedAt: time };
    const reading = { phenomenon: phenomenon as 'pm25', sensor: 'X', unit: 'u', value, time, flags: 0 };
    return {
      message,
      device: { id: 's', station_id: 's', format: 'native', serial: null },
      format: 'native',
      readings: [reading],
      rejections: [],
    };
  });
  for (const m of messages) checker.check([m]);
  const flags = messages.map((m) => m.readings[0]!.flags);
  // What the store would flag after the fact.
  for (const m of messages)
    for (const f of m.flagEarlier ?? [])
      messages.forEach((x, i) => {
        const r = x.readings[0]!;
        if (r.time >= f.from && r.time <= f.to && r.value === f.value) flags[i]! |= f.flags;
      });
  return flags.map((f) => (f & FLAGS.stuck ? 'S' : '') + (f & FLAGS.spike ? 'P' : '') || '.').join('');
}

describe('the quality rules', () => {
  const wiggle = (n: number, base = 20) => Array.from({ length: n }, (_, i) => base + (i % 3) / 10);

  it('calls a value repeated 30 times stuck, from the first, but not 29 times', () => {
    expect(judge('temperature', [...wiggle(5), ...Array(30).fill(12.5), 13])).toBe(
      '.'.repeat(5) + 'S'.repeat(30) + '.',
    );
    expect(judge('temperature', [...wiggle(5), ...Array(29).fill(12.5), 13])).toBe('.'.repeat(35));
  });

  it('calls a value repeated for an hour stuck however few readings (3 or more), unless a longer gap breaks the run', () => {
    const every20min = [0, 1, 2, 3].map((k) => START + k * 20 * 60_000);
    expect(judge('humidity', [50, 50, 50, 50], every20min)).toBe('SSSS');
    const gap = [START, START + 61 * 60_000, START + 62 * 60_000, START + 63 * 60_000];
    expect(judge('humidity', [50, 50, 50, 50], gap)).toBe('....');
  });

  it('leaves PM at exactly 0 alone for 3 hours, then calls it stuck from the first zero', () => {
    expect(judge('pm25', Array(180).fill(0))).toBe('.'.repeat(180));
    expect(judge('pm25', Array(181).fill(0))).toBe('S'.repeat(181));
    // Temperature at 0.0 °C is an ordinary value: 30 in a row are stuck.
    expect(judge('temperature', Array(30).fill(0))).toBe('S'.repeat(30));
  });

  it('does not judge pressure nor the VOC and NOx indices, which may rightly stay flat', () => {
    for (const p of ['pressure', 'voc_index', 'nox_index'])
      expect(judge(p, Array(40).fill(100))).toBe('.'.repeat(40));
  });

  it('calls a PM value far above the median of the 15 before it a spike, not one below, nor a small step', () => {
    const base = wiggle(15, 10);
    expect(judge('pm25', [...base, 80, 10])).toBe('.'.repeat(15) + 'P.');
    expect(judge('pm25', [...base, 0.5, 10])).toBe('.'.repeat(17));
    // Over a median of 10.1 the bar is 3 × max(MAD 0.1, 1 µg/m³, 15 % of 10.1) = 4.5: 14.5 is under it, 15 over.
    expect(judge('pm25', [...base, 14.5])).toBe('.'.repeat(16));
    expect(judge('pm25', [...base, 15])).toBe('.'.repeat(15) + 'P');
    expect(judge('temperature', [...base, 80])).toBe('.'.repeat(16));
  });

  it('judges nothing before 5 values, nor a reading older than the newest seen (a resent buffer, a duplicate)', () => {
    expect(judge('pm25', [10, 10.2, 10.1, 10, 90])).toBe('.....');
    const times = [...wiggle(15).map((_, i) => START + i * 60_000), START + 3 * 60_000];
    expect(judge('pm25', [...wiggle(15, 10), 90], times)).toBe('.'.repeat(16));
  });
});

describe('the quality detectors on simulated sensors', () => {
  it('flag no reading of clean sensors stuck or spiking, over a day of a dozen sensors of every format', () => {
    const readings = judgeSimulated(fleet, {
      start: START,
      readings: 1440,
      seed: SEED,
      faults: new FaultInjector({ kinds: [], rate: 0, seed: SEED }),
    });
    expect(new Set(fleet.map((d) => d.format))).toEqual(new Set(['native', 'airgradient', 'airrohr']));
    expect(readings.length).toBeGreaterThan(100_000);
    expect(readings.filter((r) => has(r, FLAGS.stuck | FLAGS.spike))).toEqual([]);
  });

  it('flag every reading of a stuck sensor, from the first of the run, and every PM spike', () => {
    const readings = judgeSimulated(fleet, {
      start: START,
      readings: 1440,
      seed: SEED,
      faults: new FaultInjector({ kinds: ['stuck', 'spikes'], rate: 0.005, seed: SEED }),
    });
    // Pressure and the VOC/NOx indices are not judged: they may rightly stay flat for an hour.
    // A run still short of 30 readings when the day ends is not stuck yet: runs last up to 3 h.
    const complete = START + 21 * 3_600_000;
    const stuck = readings.filter(
      (r) => r.fault === 'stuck' && isStuckChecked(r.phenomenon) && r.time < complete,
    );
    // A spike among a device's first readings has no window to be judged against (SPIKE_MIN_VALUES).
    const judged = START + 15 * 60_000;
    const spikes = readings.filter((r) => r.fault === 'spikes' && PM.has(r.phenomenon) && r.time >= judged);
    expect(stuck.length).toBeGreaterThan(1000);
    expect(spikes.length).toBeGreaterThan(20);
    const hours = detectorHours(readings);
    const total = (h: Record<string, number>) => Object.values(h).reduce((a, b) => a + b, 0);
    console.info(
      `simulated faults: ${new Set(stuck.map((r) => `${r.device}/${Math.floor(r.time / 3_600_000)}`)).size} device-hours with an injected stuck run, ${new Set(spikes.map((r) => `${r.device}/${Math.floor(r.time / 3_600_000)}`)).size} with an injected spike; series-hours flagged: stuck ${total(hours.stuck)}, spike ${total(hours.spike)}, zero run ${total(hours.zero)}`,
    );
    expect(stuck.filter((r) => !has(r, FLAGS.stuck))).toEqual([]);
    expect(spikes.filter((r) => !has(r, FLAGS.spike))).toEqual([]);
    // Outside the faults, a stuck reading only next to a run, equal to the frozen value (values
    // rounded to 0.1 °C or 1 µg/m³ often are): indistinguishable from the run, and part of it.
    const clean = readings.filter((r) => r.fault === undefined);
    for (const r of clean.filter((x) => has(x, FLAGS.stuck))) {
      const all = readings.filter(
        (x) => x.device === r.device && x.sensor === r.sensor && x.phenomenon === r.phenomenon,
      );
      let [a, b] = [all.indexOf(r), all.indexOf(r)];
      while (all[a - 1]?.value === r.value) a--;
      while (all[b + 1]?.value === r.value) b++;
      const run = all.slice(a, b + 1);
      expect(
        run.some((x) => x.fault === 'stuck'),
        `${r.device} ${r.phenomenon} ${r.time}`,
      ).toBe(true);
    }
    // And a spike only where the air changed during a stuck run (the first real value after it is
    // far from the frozen window's median): a handful in 150 000 readings.

    expect(clean.filter((r) => has(r, FLAGS.spike)).length).toBeLessThan(0.001 * clean.length);
  });
});

/** The unit's rows as the native messages a citizen device would publish, one per minute. */
function colocationMessages(unit: ColocationUnit): DecodedMessage[] {
  return sensorRows(unit).map((row) => {
    const values: Record<string, number> = {};
    for (const p of ['pm25', 'no2', 'o3', 'temperature', 'humidity'] as const)
      if (row[p] !== null) values[p] = row[p];
    const payload = { ts: row.time / 1000, sensor: 'toco', values, units: { no2: 'ppb', o3: 'ppb' } };
    const message = {
      topic: `souffle/v1/${unit}/readings`,
      payload: Buffer.from(JSON.stringify(payload)),
      receivedAt: row.time,
    };
    const { readings, rejections } = decodeNative(message);
    return {
      message,
      device: { id: unit, station_id: unit, format: 'native', serial: null },
      format: 'native',
      readings,
      rejections,
    };
  });
}

/** Hours (UTC) holding at least one reading of each phenomenon with the flag. */
function flaggedHours(messages: readonly DecodedMessage[], flag: number): Record<string, number> {
  const hours = new Map<string, Set<number>>();
  const mark = (phenomenon: string, time: number) => {
    const set = hours.get(phenomenon) ?? new Set<number>();
    set.add(Math.floor(time / 3_600_000));
    hours.set(phenomenon, set);
  };
  for (const m of messages) {
    for (const r of m.readings) if (r.flags & flag) mark(r.phenomenon, r.time);
    for (const f of m.flagEarlier ?? [])
      if (f.flags & flag) for (let t = f.from; t <= f.to; t += 60_000) mark(f.phenomenon, t);
  }
  return Object.fromEntries([...hours].map(([p, s]) => [p, s.size]).sort());
}

/**
 * Hours each detector flagged, per phenomenon: spike, stuck (a repeated non-zero value) and the
 * zero run (exactly 0 for hours), told apart by the flagged readings' value.
 */
function detectorHours(
  readings: readonly { phenomenon: string; time: number; value: number; flags: number }[],
): { spike: Record<string, number>; stuck: Record<string, number>; zero: Record<string, number> } {
  const count = (keep: (r: (typeof readings)[number]) => boolean) => {
    const hours = new Map<string, Set<number>>();
    for (const r of readings.filter(keep)) {
      const set = hours.get(r.phenomenon) ?? new Set<number>();
      set.add(Math.floor(r.time / 3_600_000));
      hours.set(r.phenomenon, set);
    }
    return Object.fromEntries([...hours].map(([p, h]) => [p, h.size]).sort());
  };
  return {
    spike: count((r) => (r.flags & FLAGS.spike) !== 0),
    stuck: count((r) => (r.flags & FLAGS.stuck) !== 0 && r.value !== 0),
    zero: count((r) => (r.flags & FLAGS.stuck) !== 0 && r.value === 0),
  };
}

/** The readings of decoded messages with the flags set on them, later ones (flagEarlier) included. */
function flaggedReadings(messages: readonly DecodedMessage[]) {
  const all = messages.flatMap((m) => m.readings.map((r) => ({ ...r })));
  const byPhenomenon = new Map<string, typeof all>();
  for (const r of all) {
    const list = byPhenomenon.get(r.phenomenon);
    if (list) list.push(r);
    else byPhenomenon.set(r.phenomenon, [r]);
  }
  for (const list of byPhenomenon.values()) list.sort((a, b) => a.time - b.time);
  for (const m of messages)
    for (const f of m.flagEarlier ?? []) {
      const list = byPhenomenon.get(f.phenomenon) ?? [];
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid]!.time < f.from) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < list.length && list[i]!.time <= f.to; i++) list[i]!.flags |= f.flags;
    }
  return all;
}

describe('the quality detectors on a real co-location month (two units, one-minute rows)', () => {
  // Measured on this data (docs/methods.md, "Quality control"): per unit, about 47 hours hold a
  // PM2.5 spike; the humidity sensor sits at 99.9 % for 180–360 hours while the reference reads
  // 63–95 % (a saturated, wet sensor), which the stuck rule flags; PM2.5 is never stuck.
  for (const unit of COLOCATION_UNITS) {
    it(`flags a few dozen hours of PM2.5 spikes and the saturated humidity of ${unit}, nothing else of note`, () => {
      const messages = colocationMessages(unit);
      new QualityChecker().check(messages);
      const spikes = flaggedHours(messages, FLAGS.spike);
      const stuck = flaggedHours(messages, FLAGS.stuck);
      const hours = detectorHours(flaggedReadings(messages));
      console.info(
        `${unit}: hours flagged by each detector: spike ${JSON.stringify(hours.spike)}, stuck ${JSON.stringify(hours.stuck)}, zero run ${JSON.stringify(hours.zero)}`,
      );
      // The zero rule fires only on a gas cell reading exactly 0 for hours, never on PM here.
      expect(hours.zero.pm25 ?? 0).toBe(0);
      expect(Object.values(hours.zero).every((n) => n < 10)).toBe(true);
      expect(Object.keys(spikes)).toEqual(['pm25']);
      expect(spikes.pm25).toBeGreaterThan(20);
      expect(spikes.pm25).toBeLessThan(100); // of 714 hours: a broken detector flags most of them
      expect(stuck.pm25 ?? 0).toBe(0);
      expect(stuck.temperature ?? 0).toBe(0);
      expect(stuck.humidity).toBeGreaterThan(100);
      expect(stuck.humidity).toBeLessThan(450);
      expect(stuck.o3 ?? 0).toBeLessThan(10);
      expect(stuck.no2 ?? 0).toBeLessThan(10);
    });
  }
});

describe('the quality detectors in the ingest worker, through Mosquitto', () => {
  let db: TempDb;
  let broker: GeneratedMosquitto;
  let worker: IngestWorker;
  let token: string;

  beforeAll(async () => {
    db = await tempDb();
    token = (
      await createDevice(db.db, { id: 'balcon', name: 'Balcon', lat: 43.3, lon: 5.4, format: 'native' })
    ).token;
    broker = await startGeneratedMosquitto(db.db);
    worker = new IngestWorker({ db: db.db, mqttUrl: broker.url, ...workerLogin('souffle-ingest') });
    await worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await broker?.cleanup();
    await db?.cleanup();
  });

  it('flags a spike at once and a stuck run from its first reading, rollups recomputed; status and export show them', async () => {
    // An hour of one-minute readings ending a few minutes ago: 20 varying, a spike, 5 varying,
    // then 35 frozen at 6.4 µg/m³ (stuck from the 30th, its first 29 flagged after the fact).
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 70 * 60_000;
    const pm = (k: number) => (k === 20 ? 80 : k >= 26 ? 6.4 : 5 + ((k * 7) % 5) / 10);
    const client = await connectAs(broker.url, {
      username: 'balcon',
      password: token,
      clientId: 'balcon-quality',
    });
    for (let k = 0; k < 61; k++) {
      const payload = { ts: (start + k * 60_000) / 1000, values: { pm25: pm(k), temperature: 15 + k / 10 } };
      await client.publishAsync('souffle/v1/balcon/readings', JSON.stringify(payload), { qos: 1 });
    }
    await client.endAsync();
    const rows = await waitFor(async () => {
      const r = await db.db
        .selectFrom('readings')
        .innerJoin('series', 'series.id', 'readings.series_id')
        .select(['readings.time', 'readings.value', 'readings.flags'])
        .where('series.phenomenon', '=', 'pm25')
        .orderBy('readings.time')
        .execute();
      return r.length === 61 ? r : null;
    });
    const named = rows.map((r) =>
      r.flags === FLAGS.stuck ? 'stuck' : r.flags === FLAGS.spike ? 'spike' : r.flags,
    );
    expect(named).toEqual([...Array(20).fill(0), 'spike', ...Array(5).fill(0), ...Array(35).fill('stuck')]);
    // The owner's status counts them by reason; the export names them.
    const app = createApp({
      db: db.db,
      adminToken: 'admin-token-of-the-quality-test',
      publicUrl: 'http://localhost',
      mqttUrl: broker.url,
      webDir: '/nonexistent-souffle-web',
    });
    const status = await app.request('/api/v1/devices/balcon/status', {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(((await status.json()) as DeviceStatusResponse).flagged24h).toEqual({
      humid: 0,
      channel_disagreement: 0,
      stuck: 35,
      spike: 1,
    });
    const csv = (await (await app.request('/api/v1/export?format=csv&phenomenon=pm25')).text()).split('\n');
    expect(csv.filter((line) => line.includes(',stuck,'))).toHaveLength(35);
    expect(csv.filter((line) => line.includes(',spike,'))).toHaveLength(1);
    // The rollups were rebuilt over the run, not counted twice.
    const hourly = await db.db
      .selectFrom('rollups_hourly')
      .innerJoin('series', 'series.id', 'rollups_hourly.series_id')
      .select((eb) => [eb.fn.sum<number>('n').as('n'), eb.fn.sum<number>('n_flagged').as('flagged')])
      .where('series.phenomenon', '=', 'pm25')
      .executeTakeFirstOrThrow();
    // The 35 stuck readings and the spike leave the means, counted as flagged: 25 + 36 = 61.
    expect([Number(hourly.n), Number(hourly.flagged)]).toEqual([25, 36]);
  });
});
