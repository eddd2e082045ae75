// Sensor.Community "airrohr" firmware (docs/ingest.md, "Wire formats"): the JSON body the kit POSTs
// to the API, forwarded unchanged on `souffle/v1/<deviceId>/airrohr`. Every value is a string; the
// value_type's prefix names the sensor; there is no timestamp (the receive time is used).
// Value types as the firmware names them: opendata-stuttgart/sensors-software,
// airrohr-firmware/airrohr-firmware.ino (add_Value2Json calls of each sensor's reader; IPS-7100
// since NRZ-2024, SEN5X in the beta firmware) and tests/ingest/firmware-requests.ts.
import { flagHumid } from './quality-flags.js';
import type { DecodedLocation, DecodedReading, DecodeResult, RawMessage, Rejection } from './types.js';
import { checkTime, checkValue, parsePayload, shownValue } from './validation.js';

/**
 * The key under which the API adds the time it accepted a push (epoch ms) before forwarding it
 * (api/push-outbox.ts): a push kept in the outbox through a broker outage keeps its own time.
 */
export const RECEIVED_AT_KEY = 'souffle_received_at';

/** value_type prefix → sensor model. DHT22 values come unprefixed. */
const SENSORS: Readonly<Record<string, string>> = {
  SDS_: 'SDS011',
  PMS_: 'PMS',
  IPS_: 'IPS-7100',
  SEN5X_: 'SEN5X',
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

/**
 * value_type suffix → phenomenon and unit as sent. P4 (PM4), particle counts (N05, N1, …) and
 * the IPS-7100's finer classes (P01, P03, P05, P5) are not stored: they are listed as ignored.
 * The SEN5X's VOC and NOx are Sensirion indices; the reference spelling is `SEN5X_voc` and
 * `SEN5X_nox`, and integrations of the kit's own JSON spell them upper case, so both are read.
 */
export const AIRROHR_MEASURES: Readonly<Record<string, { phenomenon: string; unit?: string }>> = {
  P0: { phenomenon: 'pm1' },
  P1: { phenomenon: 'pm10' },
  P2: { phenomenon: 'pm25' },
  temperature: { phenomenon: 'temperature' },
  humidity: { phenomenon: 'humidity' },
  pressure: { phenomenon: 'pressure', unit: 'Pa' },
  co2_ppm: { phenomenon: 'co2' },
  noise_LAeq: { phenomenon: 'noise' },
  voc: { phenomenon: 'voc_index' },
  VOC: { phenomenon: 'voc_index' },
  nox: { phenomenon: 'nox_index' },
  NOX: { phenomenon: 'nox_index' },
};

/**
 * The kit's diagnostics (loop timing, Wi-Fi signal) and the GPS fields, which are read as the
 * message's location rather than as measurements: never listed as ignored.
 */
const DIAGNOSTICS: ReadonlySet<string> = new Set([
  'samples',
  'min_micro',
  'max_micro',
  'interval',
  'signal',
  'GPS_lat',
  'GPS_lon',
  'GPS_height',
  'GPS_timestamp',
  'GPS_date',
  'GPS_time',
]);

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
  const accepted = body[RECEIVED_AT_KEY];
  let time = message.receivedAt;
  if (typeof accepted === 'number' && Number.isFinite(accepted)) {
    const bad = checkTime(accepted, message.receivedAt, shownValue(accepted), body.sensordatavalues.length);
    if (bad) return { readings: [], rejections: [bad] };
    time = accepted;
  }
  const readings: DecodedReading[] = [];
  const rejections: Rejection[] = [];
  const ignored = new Set<string>();
  const gps: Record<string, unknown> = {};
  body.sensordatavalues.forEach((entry: unknown, index: number) => {
    if (!isObject(entry) || typeof entry.value_type !== 'string') {
      rejections.push(malformed(`sensordatavalues[${index}] has no "value_type" string`));
      return;
    }
    const type = entry.value_type;
    if (type === 'GPS_lat' || type === 'GPS_lon') gps[type] = entry.value;
    const known = measureOf(type);
    if (!known) {
      // Diagnostics are skipped silently; anything else is named in the device's status.
      if (!DIAGNOSTICS.has(type)) ignored.add(type.slice(0, 64));
      return;
    }
    // A non-numeric string stays a string, so checkValue rejects it naming what was sent.
    const value =
      typeof entry.value === 'string' && NUMBER.test(entry.value) ? Number(entry.value) : entry.value;
    const checked = checkValue({ ...known, value, time }, type);
    if (checked.ok) readings.push(checked.reading);
    else rejections.push(checked.rejection);
  });
  const location = locationOf(gps, time);
  if (readings.length === 0 && rejections.length === 0 && !location) {
    const names = ignored.size > 0 ? ` (it sent ${[...ignored].slice(0, 10).join(', ')})` : '';
    rejections.push(
      malformed(`payload has no measurement this platform stores (PM, temperature, humidity, …)${names}`),
    );
  }
  flagHumid(readings);
  const result: DecodeResult = { readings, rejections };
  if (ignored.size > 0) result.ignored = [...ignored].sort();
  if (location) result.location = location;
  return result;
}

/**
 * The GPS fix of the message, if it has one: the firmware prints GPS_lat and GPS_lon with six
 * decimals, and keeps sending its initial values while the module has no fix (out of range, or
 * 0,0 in the Gulf of Guinea), which are not a location.
 */
function locationOf(gps: Record<string, unknown>, time: number): DecodedLocation | undefined {
  const lat = typeof gps.GPS_lat === 'string' && NUMBER.test(gps.GPS_lat) ? Number(gps.GPS_lat) : NaN;
  const lon = typeof gps.GPS_lon === 'string' && NUMBER.test(gps.GPS_lon) ? Number(gps.GPS_lon) : NaN;
  if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180) || (lat === 0 && lon === 0)) return undefined;
  return { lat, lon, time };
}

function measureOf(type: string): { phenomenon: string; unit?: string; sensor: string } | undefined {
  const prefix = PREFIXES.find((p) => type.startsWith(p));
  const sensor = prefix ? SENSORS[prefix]! : 'DHT22';
  const measure = AIRROHR_MEASURES[prefix ? type.slice(prefix.length) : type];
  if (!measure) return undefined;
  // DHT22 reports only temperature and humidity unprefixed; a bare "P1" is not a known sensor.
  if (!prefix && measure.phenomenon !== 'temperature' && measure.phenomenon !== 'humidity') return undefined;
  return { ...measure, sensor };
}

function malformed(reason: string): Rejection {
  return { code: 'malformed', reason, values: 1 };
}
