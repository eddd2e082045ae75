// What every wire-format decoder takes and returns. Decoders are pure: the same topic, payload and
// receive time always give the same readings and rejections, so the simulator's tests can check
// its wire formats against them and the worker can retry a message without side effects.
import type { PhenomenonCode } from '../phenomena.js';

/** A message as the broker delivered it. */
export type RawMessage = {
  topic: string;
  payload: Uint8Array;
  /** When the worker received it (epoch ms): the reading time of formats that carry none. */
  receivedAt: number;
};

/** One value in its phenomenon's canonical unit, ready to store. */
export type DecodedReading = {
  phenomenon: PhenomenonCode;
  /** Sensor model and channel, e.g. "SDS011", "PMS5003:2": part of the series key. */
  sensor: string;
  /** The phenomenon's canonical unit (what `value` is in). */
  unit: string;
  value: number;
  /** Epoch ms UTC. */
  time: number;
  /** Bit set of data/flags.ts. */
  flags: number;
};

/**
 * Why something was rejected, as a metric label. `unknown_device`, `too_large` and `malformed`
 * usually reject a whole message; the others reject one value (or one reading's values) and keep
 * the rest of the message.
 */
export const REJECTION_CODES = [
  'unknown_device',
  'too_large',
  'malformed',
  'unknown_phenomenon',
  'not_numeric',
  'unit',
  'range',
  'future',
  'past',
  /** The worker could not store a message after retries (a bug or a corrupt database): logged. */
  'internal',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export type Rejection = {
  code: RejectionCode;
  /** Names the offending value, e.g. `pm25: 2500 µg/m³ is outside the physical range 0–2000 µg/m³`. */
  reason: string;
  /** How many values this rejection drops (a reading in the future drops all of its values). */
  values: number;
};

/** Where a mobile device was when it sent a message (airrohr kits with a GPS module). */
export type DecodedLocation = { lat: number; lon: number; time: number };

export type DecodeResult = {
  readings: DecodedReading[];
  rejections: Rejection[];
  /**
   * The value types the message carried that are neither stored nor known diagnostics, sorted
   * (e.g. "SPS30_N05", "pm005Count"): shown in the device's status so that its owner knows
   * which of the sensor's values Souffle does not keep.
   */
  ignored?: string[];
  /** A GPS fix sent with the readings: kept as the device's track when it is marked mobile. */
  location?: DecodedLocation;
};

export type Decoder = (message: RawMessage) => DecodeResult;
