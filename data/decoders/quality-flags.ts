// Quality flags a decoder can set from one message alone: humidity (optical PM over-reads in humid
// air) and the agreement of a dual-sensor monitor's two channels.
import { FLAGS, HUMID_THRESHOLD } from '../flags.js';
import { getPhenomenon } from '../phenomena.js';
import { compensatePms5003tHumidity, isPms5003t } from '../pms5003t.js';
import type { DecodedReading } from './types.js';

/**
 * Flags optical PM readings `humid` when relative humidity measured at the same time is ≥ 75 %
 * (hygroscopic growth; docs/ingest.md, "Validation"). The humidity of the same sensor (a PMS5003T channel)
 * is preferred; otherwise the highest humidity the device reported at that time. A PMS5003T's
 * humidity is compensated first, as AirGradient's firmware does (data/pms5003t.ts): it measures
 * the enclosure's warmer air and reads low.
 */
export function flagHumid(readings: DecodedReading[]): void {
  const humidity = readings
    .filter((r) => r.phenomenon === 'humidity')
    .map((h) => (isPms5003t(h.sensor) ? { ...h, value: compensatePms5003tHumidity(h.value) } : h));
  if (humidity.length === 0) return;
  for (const r of readings) {
    if (!getPhenomenon(r.phenomenon)?.opticalPm) continue;
    const sameTime = humidity.filter((h) => h.time === r.time);
    const own = sameTime.find((h) => h.sensor === r.sensor);
    const rh = own ? own.value : Math.max(-Infinity, ...sameTime.map((h) => h.value));
    if (rh >= HUMID_THRESHOLD) r.flags |= FLAGS.humid;
  }
}

// PurpleAir A/B channel screening used by the US EPA correction: a pair is suspect when the two
// channels differ by more than 5 µg/m³ AND by more than 70 % of their mean (Barkjohn et al. 2021,
// "Development and application of a United States-wide correction for PM2.5 data collected with
// the PurpleAir sensor", AMT 14, 4617–4637).
const ABSOLUTE_TOLERANCE = 5;
const RELATIVE_TOLERANCE = 0.7;

/** Flags both channels' PM values `channel_disagreement` where they disagree beyond tolerance. */
export function flagChannelDisagreement(a: DecodedReading[], b: DecodedReading[]): void {
  for (const ra of a) {
    if (!getPhenomenon(ra.phenomenon)?.opticalPm) continue;
    const rb = b.find((x) => x.phenomenon === ra.phenomenon && x.time === ra.time);
    if (!rb) continue;
    const diff = Math.abs(ra.value - rb.value);
    const mean = (ra.value + rb.value) / 2;
    if (diff > ABSOLUTE_TOLERANCE && diff > RELATIVE_TOLERANCE * mean) {
      ra.flags |= FLAGS.channel_disagreement;
      rb.flags |= FLAGS.channel_disagreement;
    }
  }
}
