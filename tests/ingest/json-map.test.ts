// The json-map format (issue 15): third-party MQTT firmware decoded by a per-device mapping, with
// messages built as Tasmota and ESPHome build them (tests/ingest/firmware-requests.ts cites the
// source files). Registration refuses what the mapping cannot mean.
import { describe, expect, it } from 'vitest';
import { decodeJsonMap } from '../../data/decoders/json-map.js';
import { deviceRegistrationSchema } from '../../data/device-registration.js';
import { completeMapping, parseMapArgument } from '../../data/json-map.js';
import {
  esphomeState,
  esphomeStateTopic,
  tasmotaSensorPayload,
  tasmotaStatePayload,
} from './firmware-requests.js';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const raw = (payload: string) => ({
  topic: 'souffle/v1/x/json/…',
  payload: Buffer.from(payload),
  receivedAt: NOW,
});
const byKey = (readings: { phenomenon: string; sensor: string; value: number }[]) =>
  Object.fromEntries(readings.map((r) => [`${r.phenomenon}@${r.sensor}`, r.value]));
const mapping = (...args: string[]) =>
  completeMapping(args.map((a) => parseMapArgument(a) as { path: string; phenomenon: string }));

describe('a Tasmota SENSOR message', () => {
  const map = mapping(
    'SDS0X1.PM2.5=pm25',
    'SDS0X1.PM10=pm10',
    'BME280.Temperature=temperature:°F',
    'BME280.Humidity=humidity',
  );
  const sensor = tasmotaSensorPayload(
    '2026-12-01T11:00:00',
    { pm25: 4.2, pm10: 7.9 },
    { temperature: 68, humidity: 45.6, dewPoint: 5.1, pressure: 1013.2 },
    'F',
  );

  it('stores the mapped fields, converted to canonical units, and lists the unmapped numbers as ignored', () => {
    const { readings, rejections, ignored } = decodeJsonMap(raw(sensor), 'tele/SENSOR', map);
    expect(rejections).toEqual([]);
    expect(byKey(readings)).toEqual({
      'pm25@SDS0X1': 4.2,
      'pm10@SDS0X1': 7.9,
      'temperature@BME280': 20,
      'humidity@BME280': 45.6,
    });
    expect(readings.every((r) => r.time === NOW)).toBe(true);
    expect(ignored).toEqual(['BME280.DewPoint', 'BME280.Pressure']);
  });

  it('names the topic as ignored for a message with no mapped field (STATE, the LWT text)', () => {
    expect(decodeJsonMap(raw(tasmotaStatePayload('2026-12-01T11:00:00')), 'tele/STATE', map)).toEqual({
      readings: [],
      rejections: [],
      ignored: ['tele/STATE'],
    });
    expect(decodeJsonMap(raw('Online'), 'tele/LWT', map)).toEqual({
      readings: [],
      rejections: [],
      ignored: ['tele/LWT'],
    });
  });

  it('rejects a mapped field that is no number, naming it, and keeps the others', () => {
    const broken = sensor.replace('"PM10":7.9', '"PM10":"err"');
    const { readings, rejections } = decodeJsonMap(raw(broken), 'tele/SENSOR', map);
    expect(Object.keys(byKey(readings))).toContain('pm25@SDS0X1');
    expect(rejections).toEqual([
      { code: 'not_numeric', reason: 'SDS0X1.PM10: value "err" is not a finite number', values: 1 },
    ]);
  });
});

describe('ESPHome state topics', () => {
  const map = mapping('sensor/pm_2_5/state=pm25', 'sensor/temperature/state=temperature');
  const suffix = (objectId: string) => esphomeStateTopic('', objectId).slice(1);

  it('stores one number per topic as its mapped phenomenon', () => {
    const { readings, rejections } = decodeJsonMap(raw(esphomeState(12.345, 1)), suffix('pm_2_5'), map);
    expect(rejections).toEqual([]);
    expect(byKey(readings)).toEqual({ 'pm25@json': 12.3 });
  });

  it('rejects "nan" (a sensor without a value yet) with the topic named', () => {
    const { readings, rejections } = decodeJsonMap(raw(esphomeState(NaN, 1)), suffix('temperature'), map);
    expect(readings).toEqual([]);
    expect(rejections[0]?.reason).toBe('sensor/temperature/state: payload "nan" is not a number');
  });

  it('lists an unmapped topic as ignored (status, another sensor)', () => {
    expect(decodeJsonMap(raw('online'), 'status', map).ignored).toEqual(['status']);
    expect(decodeJsonMap(raw('3.0'), suffix('wifi_signal'), map).ignored).toEqual([
      'sensor/wifi_signal/state',
    ]);
  });
});

describe('registering a json-map device', () => {
  const schema = deviceRegistrationSchema();
  const base = { name: 'Tasmota du collège', lat: 43.3, lon: 5.4, format: 'json-map' as const };
  const problems = (body: object) => {
    const r = schema.safeParse(body);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts a mapping with known phenomena and units', () => {
    expect(problems({ ...base, map: [{ path: 'SDS0X1.PM2.5', phenomenon: 'pm25' }] })).toEqual([]);
  });

  it('refuses an unknown unit, an unknown phenomenon, no mapping, and a mapping on another format', () => {
    expect(
      problems({
        ...base,
        map: [{ path: 'BME280.Temperature', phenomenon: 'temperature', unit: 'Réaumur' }],
      }),
    ).toEqual([
      'map: BME280.Temperature: unit "Réaumur" is not one Souffle converts temperature from (accepted: °C, C, °F, F, K)',
    ]);
    expect(problems({ ...base, map: [{ path: 'a', phenomenon: 'pm2_5' }] })).toEqual([
      'map: a: unknown phenomenon "pm2_5"',
    ]);
    expect(problems(base)).toEqual(['map: needs at least one entry (path=phenomenon[:unit])']);
    expect(problems({ ...base, format: 'native', map: [{ path: 'a', phenomenon: 'pm25' }] })).toEqual([
      'map: applies to format json-map only',
    ]);
  });

  it('refuses wildcards in a topic key and two values in one series', () => {
    expect(problems({ ...base, map: [{ path: 'sensor/+/state', phenomenon: 'pm25' }] })[0]).toContain(
      'must not contain "+"',
    );
    expect(
      problems({
        ...base,
        map: [
          { path: 'sensor/a/state', phenomenon: 'pm25' },
          { path: 'sensor/b/state', phenomenon: 'pm25' },
        ],
      })[0],
    ).toContain('one series cannot hold both');
  });
});
