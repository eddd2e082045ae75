// Stuck sensors: a value that does not change for a run of readings. A real measurement of a
// phenomenon that varies is never exactly the same for half an hour at one-minute resolution; a
// sensor whose fan stopped, whose firmware froze its last reading or whose cell died does that.
// openSenseMap and Sensor.Community treat such runs the same way (docs/methods.md, "Quality
// control"). State is one small record per series, kept by the worker: no history is read.
import { STUCK_MIN_READINGS, type QualityOptions } from './quality-options.js';

/**
 * Phenomena that vary from minute to minute outdoors. Left out: pressure (0.1 hPa resolution and
 * slow weather make a flat hour normal), and Sensirion's VOC and NOx indices, which sit at their
 * baseline (100, 1) by design for hours in clean air.
 */
const VARYING = new Set([
  'pm1',
  'pm25',
  'pm10',
  'pm25_cf1',
  'pm03_count',
  'no2',
  'o3',
  'so2',
  'co',
  'co2',
  'temperature',
  'humidity',
  'noise',
]);

/**
 * Where exactly 0 is a plausible reading for a while (clean air through an optical counter that
 * reports whole µg/m³, a gas below its cell's resolution): a zero run is stuck only after
 * `zeroDurationMs`, however many readings it holds.
 */
const ZERO_PLAUSIBLE = new Set(['pm1', 'pm25', 'pm10', 'pm25_cf1', 'pm03_count', 'no2', 'o3', 'so2', 'co']);

export function isStuckChecked(phenomenon: string): boolean {
  return VARYING.has(phenomenon);
}

export type StuckRun = {
  value: number;
  /** Time of the run's first reading. */
  start: number;
  /** Time of its latest reading. */
  last: number;
  count: number;
  /** Whether the run was found stuck (its earlier readings then flagged once). */
  stuck: boolean;
};

/** What a reading tells: whether it is stuck, and the earlier readings of its run to flag too. */
export type StuckVerdict = { stuck: boolean; earlier?: { from: number; to: number; value: number } };

/**
 * Feeds one reading (in time order) to the run of its series and says whether it is stuck. The
 * first time a run is found stuck, its earlier readings are returned, to be flagged after the fact.
 */
export function checkStuck(
  run: StuckRun | undefined,
  phenomenon: string,
  time: number,
  value: number,
  options: QualityOptions,
): { run: StuckRun; verdict: StuckVerdict } {
  // A gap longer than the duration rule breaks the run: equal values either side of an outage
  // say nothing about the sensor during it.
  const continues = run !== undefined && run.value === value && time - run.last <= options.stuckDurationMs;
  const previous = continues ? run.last : time;
  // Mutated in place: this runs for every value ingested.
  const current: StuckRun = continues ? run : { value, start: time, last: time, count: 0, stuck: false };
  current.last = time;
  current.count += 1;
  const lasted = time - current.start;
  const stuck =
    value === 0 && ZERO_PLAUSIBLE.has(phenomenon)
      ? lasted >= options.zeroDurationMs && current.count >= STUCK_MIN_READINGS
      : current.count >= options.stuckReadings ||
        (lasted >= options.stuckDurationMs && current.count >= STUCK_MIN_READINGS);
  if (!stuck) return { run: current, verdict: { stuck: false } };
  const first = !current.stuck;
  current.stuck = true;
  return {
    run: current,
    verdict:
      first && current.count > 1
        ? { stuck: true, earlier: { from: current.start, to: previous, value } }
        : { stuck: true },
  };
}
