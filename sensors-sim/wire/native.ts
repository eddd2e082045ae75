// Souffle's own wire format (docs/ingest.md, "Wire formats"): JSON on `souffle/v1/<id>/readings`,
// QoS 1, one reading or an array of readings, each with its time (`ts`), the device's counter
// (`seq`) and values in canonical units unless `units` says otherwise. Devices whose gas cells
// report ppb say so.
import { MOLAR_VOLUME_L } from '../../data/phenomena.js';
import type { SimDevice } from '../fleet.js';
import { round } from '../random.js';
import type { Measured } from '../sensor-model.js';

export type NativeReading = {
  /** Epoch ms; printed as ISO 8601 UTC. */
  ts?: number;
  seq?: number;
  /** Optional: the sensor model, part of the series key (the receiver's default is "native"). */
  sensor?: string;
  values: Record<string, number>;
  units?: Record<string, string>;
};

export const NATIVE_QOS = 1;

/** ISO 8601 in UTC, to the second like an NTP-synchronised device, or to the ms when it has them. */
export function isoTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.replace(/\.000Z$/, 'Z') : iso;
}

// Molar masses (g/mol) to print gas concentrations in ppb, the unit electrochemical cells speak.
const GRAMS = { no2: 46.0055, o3: 47.9982 } as const;
const toPpb = (ugm3: number, gas: keyof typeof GRAMS) => (ugm3 * MOLAR_VOLUME_L) / GRAMS[gas];

/** A native device's reading: PM (SPS30), temperature, humidity, pressure (BME280), NO2 and O3. */
export function nativeReading(device: SimDevice, m: Measured, ts: number, seq: number): NativeReading {
  const ppb = device.gasUnit === 'ppb';
  const reading: NativeReading = {
    ts,
    seq,
    values: {
      pm1: round(m.pm1, 1),
      pm25: round(m.pm25, 1),
      pm10: round(m.pm10, 1),
      no2: ppb ? round(toPpb(m.no2, 'no2'), 1) : round(m.no2, 0),
      o3: ppb ? round(toPpb(m.o3, 'o3'), 1) : round(m.o3, 0),
      temperature: round(m.temperature, 1),
      humidity: round(m.humidity, 1),
      pressure: round(m.pressure, 1),
    },
  };
  if (ppb) reading.units = { no2: 'ppb', o3: 'ppb' };
  return reading;
}

/** The JSON a native device publishes: one object, or an array for a batch (backfill, catch-up). */
export function encodeNative(readings: NativeReading | readonly NativeReading[]): string {
  const one = (r: NativeReading) => ({
    ...(r.ts !== undefined ? { ts: isoTime(r.ts) } : {}),
    ...(r.seq !== undefined ? { seq: r.seq } : {}),
    ...(r.sensor !== undefined ? { sensor: r.sensor } : {}),
    values: r.values,
    ...(r.units ? { units: r.units } : {}),
  });
  return JSON.stringify(Array.isArray(readings) ? readings.map(one) : one(readings as NativeReading));
}
