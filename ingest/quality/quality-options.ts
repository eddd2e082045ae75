// The settings of the quality-control detectors (docs/methods.md, "Quality control"), with the
// defaults the README lists as SOUFFLE_QC_*. Read once by the CLI and passed to the worker.

export type QualityOptions = {
  /** Run the detectors at all (SOUFFLE_QC). */
  enabled: boolean;
  /** A non-zero value repeated this many times in a row is stuck (SOUFFLE_QC_STUCK_READINGS). */
  stuckReadings: number;
  /**
   * Or repeated for this long, ms, over at least STUCK_MIN_READINGS readings
   * (SOUFFLE_QC_STUCK_DURATION): a sensor reporting every 145 s (airrohr) reaches it first.
   */
  stuckDurationMs: number;
  /** PM or a gas reading exactly 0 for this long, ms, is stuck (SOUFFLE_QC_ZERO_DURATION). */
  zeroDurationMs: number;
  /** Values before the current one that the spike test's median and MAD are taken over (SOUFFLE_QC_SPIKE_WINDOW). */
  spikeWindow: number;
  /** A PM value more than k·MAD above the median is a spike (SOUFFLE_QC_SPIKE_K). */
  spikeK: number;
  /**
   * The least MAD the spike test uses, µg/m³ (SOUFFLE_QC_SPIKE_FLOOR): on a flat series the MAD
   * is 0 and every change of one count would otherwise be a spike.
   */
  spikeFloor: number;
  /**
   * And at least this fraction of the median (SOUFFLE_QC_SPIKE_RELATIVE_FLOOR): optical counters'
   * noise grows with the concentration (PMS5003: ±10 % above 100 µg/m³; SDS011: ±15 %), so a
   * departure within the sensor's own precision is noise, not a spike.
   */
  spikeRelativeFloor: number;
};

export const DEFAULT_QUALITY_OPTIONS: QualityOptions = {
  enabled: true,
  stuckReadings: 30,
  stuckDurationMs: 60 * 60_000,
  zeroDurationMs: 3 * 3_600_000,
  spikeWindow: 15,
  spikeK: 3,
  spikeFloor: 1,
  spikeRelativeFloor: 0.15,
};

/** A run shorter than this is never stuck, however long it lasts: two equal values a while apart prove nothing. */
export const STUCK_MIN_READINGS = 3;
