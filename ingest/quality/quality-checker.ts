// The quality-control pass of the ingest worker: every decoded reading goes through the stuck and
// spike detectors of its series, in arrival order, before its batch is written. Flags found at
// once are set on the reading; a stuck run found after the fact asks the store to flag its
// earlier readings too (data/store/reading-flags.ts). State is per series, in memory: a restarted
// worker starts afresh (a run or a window is then rebuilt from the next readings).
import { FLAGS } from '../../data/flags.js';
import type { DecodedMessage, EarlierFlags } from '../decode-message.js';
import { DEFAULT_QUALITY_OPTIONS, type QualityOptions } from './quality-options.js';
import { isSpikeChecked, SpikeWindow } from './spike-detector.js';
import { checkStuck, isStuckChecked, type StuckRun } from './stuck-detector.js';

type SeriesState = { last: number; run: StuckRun | undefined; window: SpikeWindow | undefined };

/** Series tracked beyond which the state is dropped and rebuilt (bounded memory, like the worker's stamps). */
const MAX_SERIES = 200_000;

export class QualityChecker {
  readonly options: QualityOptions;
  /**
   * Station → sensor → phenomenon → state. Nested rather than one joined key: the decoders' sensor
   * and phenomenon strings are constants whose hashes are cached, where a joined key is a new
   * string to hash for every value (measured: most of the detectors' cost).
   */
  private readonly series = new Map<string, Map<string, Map<string, SeriesState>>>();
  private tracked = 0;

  constructor(options: Partial<QualityOptions> = {}) {
    this.options = { ...DEFAULT_QUALITY_OPTIONS, ...options };
  }

  /** Flags the readings of a batch in place, and records on each message what to flag after the fact. */
  check(messages: readonly DecodedMessage[]): void {
    if (!this.options.enabled) return;
    for (const m of messages) {
      if (!m.device || m.readings.length === 0) continue;
      const station = this.stationState(m.device.station_id);
      // A message's readings in time order (a native batch resent after an outage may not be).
      const readings = inTimeOrder(m.readings) ? m.readings : [...m.readings].sort((a, b) => a.time - b.time);
      for (const r of readings) {
        const stuckChecked = isStuckChecked(r.phenomenon);
        const spikeChecked = isSpikeChecked(r.phenomenon);
        if (!stuckChecked && !spikeChecked) continue;
        const state = this.state(station, r.sensor, r.phenomenon, spikeChecked);
        // A duplicate or a reading older than the last one seen cannot be placed in the run or
        // the window: it is stored unjudged (a redelivered duplicate is not stored at all).
        if (r.time <= state.last) continue;
        state.last = r.time;
        if (stuckChecked) {
          const { run, verdict } = checkStuck(state.run, r.phenomenon, r.time, r.value, this.options);
          state.run = run;
          if (verdict.stuck) r.flags |= FLAGS.stuck;
          if (verdict.earlier) {
            const earlier: EarlierFlags = {
              phenomenon: r.phenomenon,
              sensor: r.sensor,
              unit: r.unit,
              ...verdict.earlier,
              flags: FLAGS.stuck,
            };
            (m.flagEarlier ??= []).push(earlier);
          }
        }
        if (state.window?.check(r.time, r.value, this.options)) r.flags |= FLAGS.spike;
      }
    }
  }

  private stationState(station: string): Map<string, Map<string, SeriesState>> {
    let sensors = this.series.get(station);
    if (!sensors) {
      if (this.tracked >= MAX_SERIES) {
        this.series.clear();
        this.tracked = 0;
      }
      sensors = new Map();
      this.series.set(station, sensors);
    }
    return sensors;
  }

  private state(
    station: Map<string, Map<string, SeriesState>>,
    sensor: string,
    phenomenon: string,
    spike: boolean,
  ): SeriesState {
    let phenomena = station.get(sensor);
    if (!phenomena) station.set(sensor, (phenomena = new Map()));
    let state = phenomena.get(phenomenon);
    if (!state) {
      this.tracked += 1;
      state = {
        last: -Infinity,
        run: undefined,
        window: spike ? new SpikeWindow(this.options.spikeWindow) : undefined,
      };
      phenomena.set(phenomenon, state);
    }
    return state;
  }
}

function inTimeOrder(readings: readonly { time: number }[]): boolean {
  for (let i = 1; i < readings.length; i++) if (readings[i]!.time < readings[i - 1]!.time) return false;
  return true;
}
