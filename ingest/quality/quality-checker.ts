// The quality-control pass of the ingest worker: every decoded reading goes through the stuck and
// spike detectors of its series, in arrival order, before its batch is written. Flags found at
// once are set on the reading; a stuck run found after the fact asks the store to flag its
// earlier readings too (data/store/reading-flags.ts). State is per series, in memory: a restarted
// worker starts afresh (a run or a window is then rebuilt from the next readings).
import { FLAGS } from '../../data/flags.js';
import { seriesCacheKey } from '../../data/store/series.js';
import type { DecodedMessage, EarlierFlags } from '../decode-message.js';
import { DEFAULT_QUALITY_OPTIONS, type QualityOptions } from './quality-options.js';
import { isSpikeChecked, SpikeWindow } from './spike-detector.js';
import { checkStuck, isStuckChecked, type StuckRun } from './stuck-detector.js';

type SeriesState = { last: number; run: StuckRun | undefined; window: SpikeWindow | undefined };

/** Series tracked beyond which the state is dropped and rebuilt (bounded memory, like the worker's stamps). */
const MAX_SERIES = 200_000;

export class QualityChecker {
  readonly options: QualityOptions;
  private readonly series = new Map<string, SeriesState>();

  constructor(options: Partial<QualityOptions> = {}) {
    this.options = { ...DEFAULT_QUALITY_OPTIONS, ...options };
  }

  /** Flags the readings of a batch in place, and records on each message what to flag after the fact. */
  check(messages: readonly DecodedMessage[]): void {
    if (!this.options.enabled) return;
    for (const m of messages) {
      if (!m.device || m.readings.length === 0) continue;
      const station = m.device.station_id;
      // A message's readings in time order (a native batch resent after an outage may not be).
      const readings = m.readings.length > 1 ? [...m.readings].sort((a, b) => a.time - b.time) : m.readings;
      for (const r of readings) {
        const stuckChecked = isStuckChecked(r.phenomenon);
        const spikeChecked = isSpikeChecked(r.phenomenon);
        if (!stuckChecked && !spikeChecked) continue;
        const state = this.state(seriesCacheKey(station, r.phenomenon, r.sensor), spikeChecked);
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

  private state(key: string, spike: boolean): SeriesState {
    let state = this.series.get(key);
    if (!state) {
      if (this.series.size >= MAX_SERIES) this.series.clear();
      state = {
        last: -Infinity,
        run: undefined,
        window: spike ? new SpikeWindow(this.options.spikeWindow) : undefined,
      };
      this.series.set(key, state);
    }
    return state;
  }
}
