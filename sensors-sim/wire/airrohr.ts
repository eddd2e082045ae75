// Sensor.Community "airrohr" firmware, "Send data to own API" (docs/ingest.md, "Wire formats";
// opendata-stuttgart/sensors-software, airrohr-firmware.ino `sendData`): every 145 s an HTTP POST
// with Basic auth and the X-Sensor / X-MAC-ID / User-Agent headers, a JSON body whose values are
// all strings printed with two decimals (`Float2String`), pressure in Pa, and no timestamp.
import type { SimDevice } from '../fleet.js';
import type { Measured } from '../sensor-model.js';
import type { NativeReading } from './native.js';

/** Recent firmware; older kits (`NRZ-2020-133`) print the Wi-Fi signal as "-59 dBm". */
export const AIRROHR_FIRMWARE = 'NRZ-2024-135';
export const AIRROHR_OLD_FIRMWARE = 'NRZ-2020-133';
export const AIRROHR_INTERVAL_MS = 145_000;

export type AirrohrStatus = { signal: number; oldFirmware: boolean; intervalMs: number; samples: number };

export type AirrohrRequest = { headers: Record<string, string>; body: string };

const two = (v: number) => v.toFixed(2);

export function airrohrValues(
  device: SimDevice,
  m: Measured,
  status: AirrohrStatus,
): { value_type: string; value: string }[] {
  const values = [
    { value_type: 'SDS_P1', value: two(m.pm10) },
    { value_type: 'SDS_P2', value: two(m.pm25) },
  ];
  if (device.model === 'SDS011+DHT22') {
    values.push({ value_type: 'temperature', value: two(m.temperature) });
    values.push({ value_type: 'humidity', value: two(m.humidity) });
  } else {
    values.push({ value_type: 'BME280_temperature', value: two(m.temperature) });
    values.push({ value_type: 'BME280_pressure', value: two(m.pressure * 100) });
    values.push({ value_type: 'BME280_humidity', value: two(m.humidity) });
  }
  values.push(
    { value_type: 'samples', value: String(status.samples) },
    { value_type: 'min_micro', value: String(200 + (status.samples % 50)) },
    { value_type: 'max_micro', value: String(3_400_000 + (status.samples % 200_000)) },
    { value_type: 'interval', value: String(status.intervalMs) },
    { value_type: 'signal', value: status.oldFirmware ? `${status.signal} dBm` : String(status.signal) },
  );
  return values;
}

/** The firmware's request: headers (Basic auth with the device's id and token) and body. */
export function airrohrRequest(
  device: SimDevice,
  m: Measured,
  status: AirrohrStatus,
  credentials: { username: string; password: string },
): AirrohrRequest {
  const software = status.oldFirmware ? AIRROHR_OLD_FIRMWARE : AIRROHR_FIRMWARE;
  const body = JSON.stringify({
    esp8266id: device.chipId,
    software_version: software,
    sensordatavalues: airrohrValues(device, m, status),
  });
  return { headers: airrohrHeaders(device, software, credentials), body };
}

export function airrohrHeaders(
  device: SimDevice,
  software: string,
  credentials: { username: string; password: string },
): Record<string, string> {
  const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  return {
    'Content-Type': 'application/json',
    'X-Sensor': `esp8266-${device.chipId}`,
    'X-MAC-ID': `esp8266-${device.mac}`,
    'User-Agent': `${software}/${device.chipId}/${device.mac}`,
    Authorization: `Basic ${basic}`,
  };
}

/**
 * The same measurements as native readings named after the sensors the airrohr decoder stores
 * ("SDS011", "BME280" or "DHT22"), so that history sent through the native topic joins the live
 * series. Pressure goes in hPa, the canonical unit, rounded as the firmware rounds Pa.
 */
export function airrohrHistory(device: SimDevice, m: Measured, ts: number): NativeReading[] {
  // Number(toFixed(2)) is exactly what the decoder reads back from the firmware's "24.98".
  const n = (v: number) => Number(two(v));
  const pm = { ts, sensor: 'SDS011', values: { pm10: n(m.pm10), pm25: n(m.pm25) } };
  const th = { temperature: n(m.temperature), humidity: n(m.humidity) };
  if (device.model === 'SDS011+DHT22') return [pm, { ts, sensor: 'DHT22', values: th }];
  return [pm, { ts, sensor: 'BME280', values: { ...th, pressure: n(m.pressure * 100) / 100 } }];
}
