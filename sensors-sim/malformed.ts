// Broken payloads, one family per wire format, modelled on what real devices get wrong: truncated
// JSON (a dropped connection), firmware error sentinels (PMS5003 "-1", a BME280 that answers
// "nan"), unknown phenomena, text where a number belongs, impossible values, unknown units and
// unreadable times. Each must be rejected with a reason, never stop the worker.
import type { SimDevice } from './fleet.js';
import type { Sample } from './sample.js';
import { airgradientPayload, type AirGradientStatus } from './wire/airgradient.js';
import { airrohrValues, type AirrohrStatus } from './wire/airrohr.js';
import { encodeNative, nativeReading } from './wire/native.js';

export type Malformed = { payload: string | Uint8Array; what: string };

const truncate = (text: string) => text.slice(0, Math.max(1, Math.floor(text.length / 2)));

export function malformedNative(device: SimDevice, s: Sample, seq: number, variant: number): Malformed {
  const reading = nativeReading(device, s.ch1, s.t, seq);
  const variants: (() => Malformed)[] = [
    () => ({ payload: truncate(encodeNative(reading)), what: 'truncated JSON' }),
    () => ({
      payload: encodeNative({ ...reading, values: { ...reading.values, pm2_5: reading.values.pm25 ?? 0 } }),
      what: 'unknown phenomenon "pm2_5" beside good values',
    }),
    () => ({
      payload: JSON.stringify({
        ts: new Date(s.t).toISOString(),
        values: { ...reading.values, pm25: String(reading.values.pm25).replace('.', ',') },
      }),
      what: 'pm25 sent as text with a decimal comma',
    }),
    () => ({
      payload: encodeNative({ ...reading, values: { ...reading.values, humidity: 140 } }),
      what: 'humidity 140 %',
    }),
    () => ({
      payload: encodeNative({ ...reading, units: { ...reading.units, no2: 'mg/L' } }),
      what: 'no2 in an unknown unit "mg/L"',
    }),
    () => ({
      payload: JSON.stringify({ ts: '28/11/2026 08:00', values: reading.values }),
      what: 'ts "28/11/2026 08:00" is not ISO 8601',
    }),
  ];
  return variants[variant % variants.length]!();
}

export function malformedAirGradient(
  device: SimDevice,
  s: Sample,
  status: AirGradientStatus,
  variant: number,
): Malformed {
  const good = airgradientPayload(device, s.ch1, s.ch2, status);
  const variants: (() => Malformed)[] = [
    () => ({ payload: truncate(JSON.stringify(good)), what: 'truncated JSON' }),
    // utils::getInvalidPmValue() is -1: firmware bugs have let it escape (airgradienthq/arduino forks).
    () => ({
      payload: JSON.stringify({ ...good, pm02: -1, channels: undefined }),
      what: 'pm02 -1 (the PMS5003 error sentinel)',
    }),
    () => ({
      payload: JSON.stringify({ ...good, atmp: -1000, channels: undefined }),
      what: 'atmp -1000 °C (the temperature error sentinel)',
    }),
    () => ({ payload: JSON.stringify([good]), what: 'an array instead of an object' }),
    () => ({ payload: new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0xc3]), what: 'bytes that are not UTF-8' }),
  ];
  return variants[variant % variants.length]!();
}

export function malformedAirrohr(
  device: SimDevice,
  s: Sample,
  status: AirrohrStatus,
  variant: number,
): Malformed {
  const values = airrohrValues(device, s.ch1, status);
  const body = (v: typeof values) =>
    JSON.stringify({ esp8266id: device.chipId, software_version: 'NRZ-2024-135', sensordatavalues: v });
  const temperature = values.find((v) => v.value_type.endsWith('temperature'))!.value_type;
  const variants: (() => Malformed)[] = [
    () => ({ payload: truncate(body(values)), what: 'truncated JSON' }),
    () => ({
      payload: body(values.map((v) => (v.value_type === temperature ? { ...v, value: 'nan' } : v))),
      what: `${temperature} "nan" (a sensor that did not answer)`,
    }),
    () => ({
      payload: body(values.map((v) => (v.value_type === 'SDS_P2' ? { ...v, value: '-1.00' } : v))),
      what: 'SDS_P2 "-1.00"',
    }),
    () => ({
      payload: body(values.filter((v) => !/^(SDS_|BME280_|temperature|humidity)/.test(v.value_type))),
      what: 'diagnostics only, no measurement',
    }),
  ];
  return variants[variant % variants.length]!();
}
