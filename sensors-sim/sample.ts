// One device at one instant: the air at its place, as its sensor(s) see it, and the same instant
// as native readings for history (backfill), whatever the device's live format.
import type { SimDevice } from './fleet.js';
import { ambientAt } from './pollution.js';
import { measure, type Measured } from './sensor-model.js';
import { airgradientHistory } from './wire/airgradient.js';
import { airrohrHistory } from './wire/airrohr.js';
import { nativeReading, type NativeReading } from './wire/native.js';

export type Sample = {
  t: number;
  ch1: Measured;
  /** The second PM channel of a dual AirGradient monitor, else null. */
  ch2: Measured | null;
};

export function sample(device: SimDevice, t: number, seed: number): Sample {
  const air = ambientAt(device.place, t, seed);
  const ch1 = measure(device.key, device.traits, air, t, 1);
  const ch2 = device.model === 'O-1PPT' ? measure(device.key, device.traits, air, t, 2) : null;
  return { t, ch1, ch2 };
}

/** The sample as native readings landing in the same series as the device's live format. */
export function historyReadings(device: SimDevice, s: Sample, seq: number): NativeReading[] {
  if (device.format === 'airgradient') return airgradientHistory(device, s.ch1, s.ch2, s.t);
  if (device.format === 'airrohr') return airrohrHistory(device, s.ch1, s.t);
  return [nativeReading(device, s.ch1, s.t, seq)];
}
