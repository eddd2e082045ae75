// Sensor.Community "airrohr" firmware (docs/ingest.md, "Wire formats"): the JSON body the kit POSTs
// to the API, forwarded unchanged on `souffle/v1/<deviceId>/airrohr`. Every value is a string; the
// value_type's prefix names the sensor; there is no timestamp (the receive time is used).
import { flagHumid } from './quality-flags.js';
import type { DecodedReading, DecodeResult, RawMessage, Rejection } from './types.js';
import { checkValue, parsePayload } from './validation.js';

/** value_type prefix → sensor model. DHT22 values come unprefixed. */
const SENSORS: Readonly<Record<string, string>> = {
  SDS_: 'SDS011',
  PMS_: 'PMS',
  HPM_: 'HPM',
  NPM_: 'NPM',
  SPS30_: 'SPS30',
  BME280_: 'BME280',
  BMP280_: 'BMP280',
  BMP_: 'BMP180',
  HTU21D_: 'HTU21D',
  SHT3X_: 'SHT3X',
  SCD30_: 'SCD30',
  DS18B20_: 'DS18B20',
  DNMS_: 'DNMS',
};
const PREFIXES = Object.keys(SENSORS).sort((a, b) => b.length - a.length); // BMP280_ before BMP_

/** value_type suffix → phenomenon and unit as sent. P4 (PM4) and particle counts are not stored. */
const MEASURES: Readonly<Record<string, { phenomenon: string; unit?: string }>> = {
  P0: { phenomenon: 'pm1' },
  P1: { phenomenon: 'pm10' },
  P2: { phenomenon: 'pm25' },
  temperature: { phenomenon: 'temperature' },
  humidity: { phenomenon: 'humidity' },
  pressure: { phenomenon: 'pressure', unit: 'Pa' },
  co2_ppm: { phenomenon: 'co2' },
  noise_LAeq: { phenomenon: 'noise' },
};

/** A decimal number as airrohr prints it; anything else in a measurement is rejected. */
const NUMBER = /^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function decodeAirrohr(message: RawMessage): DecodeResult {
  const parsed = parsePayload(message.payload);
  if (!parsed.ok) return { readings: [], rejections: [parsed.rejection] };
  const body = parsed.json;
  if (!isObject(body) || !Array.isArray(body.sensordatavalues)) {
    return { readings: [], rejections: [malformed('payload has no "sensordatavalues" array')] };
  }
  const time = message.receivedAt;
  const readings: DecodedReading[] = [];
  const rejections: Rejection[] = [];
  body.sensordatavalues.forEach((entry: unknown, index: number) => {
    if (!isObject(entry) || typeof entry.value_type !== 'string') {
      rejections.push(malformed(`sensordatavalues[${index}] has no "value_type" string`));
      return;
    }
    const type = entry.value_type;
    const known = measureOf(type);
    if (!known) return; // diagnostics (samples, signal, …) and unknown types are ignored
    // A non-numeric string stays a string, so checkValue rejects it naming what was sent.
    const value =
      typeof entry.value === 'string' && NUMBER.test(entry.value) ? Number(entry.value) : entry.value;
    const checked = checkValue({ ...known, value, time }, type);
    if (checked.ok) readings.push(checked.reading);
    else rejections.push(checked.rejection);
  });
  if (readings.length === 0 && rejections.length === 0) {
    rejections.push(
      malformed('payload has no measurement this platform stores (PM, temperature, humidity, …)'),
    );
  }
  flagHumid(readings);
  return { readings, rejections };
}

function measureOf(type: string): { phenomenon: string; unit?: string; sensor: string } | undefined {
  const prefix = PREFIXES.find((p) => type.startsWith(p));
  const sensor = prefix ? SENSORS[prefix]! : 'DHT22';
  const measure = MEASURES[prefix ? type.slice(prefix.length) : type];
  if (!measure) return undefined;
  // DHT22 reports only temperature and humidity unprefixed; a bare "P1" is not a known sensor.
  if (!prefix && measure.phenomenon !== 'temperature' && measure.phenomenon !== 'humidity') return undefined;
  return { ...measure, sensor };
}

function malformed(reason: string): Rejection {
  return { code: 'malformed', reason, values: 1 };
}
