// Each firmware case of issue 15, with the message built as the firmware builds it
// (tests/ingest/firmware-requests.ts cites the source files and commits): stored, or explained.
import { describe, expect, it } from 'vitest';
import { decodeAirGradient } from '../../data/decoders/airgradient.js';
import { decodeAirrohr } from '../../data/decoders/airrohr.js';
import type { RawMessage } from '../../data/decoders/types.js';
import { airgradientPayload, airgradientTopicOf, airrohrBody } from './firmware-requests.js';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const message = (topic: string, payload: string): RawMessage => ({
  topic,
  payload: Buffer.from(payload),
  receivedAt: NOW,
});
const byKey = (readings: { phenomenon: string; sensor: string; value: number }[]) =>
  Object.fromEntries(readings.map((r) => [`${r.phenomenon}@${r.sensor}`, r.value]));

describe('airrohr firmware', () => {
  const topic = 'souffle/v1/kit/airrohr';
  const kit = { softwareVersion: 'NRZ-2024-135' };

  it('stores the PM of an IPS-7100 and lists its finer size classes as ignored', () => {
    const body = airrohrBody(kit, [
      ['IPS_P0', 3.1],
      ['IPS_P1', 9.87],
      ['IPS_P2', 6.02],
      ['IPS_P01', 0.4],
      ['IPS_P03', 1.2],
      ['IPS_N1', 312],
      ['BME280_temperature', 12.5],
      ['samples', '612345'],
      ['signal', '-61'],
    ]);
    const { readings, rejections, ignored } = decodeAirrohr(message(topic, body));
    expect(rejections).toEqual([]);
    expect(byKey(readings)).toEqual({
      'pm1@IPS-7100': 3.1,
      'pm10@IPS-7100': 9.87,
      'pm25@IPS-7100': 6.02,
      'temperature@BME280': 12.5,
    });
    expect(ignored).toEqual(['IPS_N1', 'IPS_P01', 'IPS_P03']);
  });

  it('stores every value of a SEN5X (beta firmware), VOC and NOx as indices', () => {
    const body = airrohrBody(kit, [
      ['SEN5X_P0', 4],
      ['SEN5X_P1', 7.5],
      ['SEN5X_P2', 5.25],
      ['SEN5X_P4', 6.1],
      ['SEN5X_temperature', 19.4],
      ['SEN5X_humidity', 48.2],
      ['SEN5X_voc', 102],
      ['SEN5X_nox', 1],
    ]);
    const { readings, rejections, ignored } = decodeAirrohr(message(topic, body));
    expect(rejections).toEqual([]);
    expect(byKey(readings)).toEqual({
      'pm1@SEN5X': 4,
      'pm10@SEN5X': 7.5,
      'pm25@SEN5X': 5.25,
      'temperature@SEN5X': 19.4,
      'humidity@SEN5X': 48.2,
      'voc_index@SEN5X': 102,
      'nox_index@SEN5X': 1,
    });
    expect(ignored).toEqual(['SEN5X_P4']);
  });

  it('explains a message with nothing storable by naming what it sent', () => {
    const body = airrohrBody(kit, [
      ['XYZ_P1', 3],
      ['samples', '1'],
    ]);
    const { readings, rejections } = decodeAirrohr(message(topic, body));
    expect(readings).toEqual([]);
    expect(rejections.map((r) => r.reason)).toEqual([
      'payload has no measurement this platform stores (PM, temperature, humidity, …) (it sent XYZ_P1)',
    ]);
  });

  it("reads a GPS kit's fix as the message's location, not as ignored values", () => {
    const body = airrohrBody(kit, [
      ['SDS_P1', 12],
      ['SDS_P2', 7],
      ['GPS_lat', '43.296482'],
      ['GPS_lon', '5.369780'],
      ['GPS_height', 41.3],
      ['GPS_timestamp', '2026-12-01T09:59:58.000'],
    ]);
    const decoded = decodeAirrohr(message(topic, body));
    expect(decoded.location).toEqual({ lat: 43.296482, lon: 5.36978, time: NOW });
    expect(decoded.ignored).toBeUndefined();
    // Without a fix the module's initial values are sent, which are no location.
    const noFix = airrohrBody(kit, [
      ['SDS_P1', 12],
      ['GPS_lat', '-200.000000'],
      ['GPS_lon', '-200.000000'],
    ]);
    expect(decodeAirrohr(message(topic, noFix)).location).toBeUndefined();
  });
});

describe('AirGradient firmware', () => {
  const topic = airgradientTopicOf('EC:DA:3B:1E:AA:AF');

  it('publishes to the lowercase MAC topic', () => {
    expect(topic).toBe('airgradient/readings/ecda3b1eaaaf');
  });

  it('3.0.x: reads tvoc_index, nox_index and pm003_count; 3.0.4: noxIndex', () => {
    const v30 = airgradientPayload({
      wifi: -52,
      rco2: 512,
      pm01: 2,
      pm02: 4,
      pm10: 5,
      pm003_count: 388,
      atmp: 23.456,
      rhum: 41,
      tvoc_index: 97,
      nox_index: 1,
      boot: 3,
    });
    expect(byKey(decodeAirGradient(message(topic, v30)).readings)).toMatchObject({
      'voc_index@SGP41': 97,
      'nox_index@SGP41': 1,
      'pm03_count@PMS5003': 388,
      'temperature@SHT4x': 23.46,
    });
    const v304 = airgradientPayload({ pm02: 4, tvoc_index: 97, noxIndex: 2 });
    expect(byKey(decodeAirGradient(message(topic, v304)).readings)).toMatchObject({
      'voc_index@SGP41': 97,
      'nox_index@SGP41': 2,
    });
  });

  it('3.1.0 Open Air: keeps the average as its own series when only channel 1 is sent', () => {
    const payload = airgradientPayload({
      pm01: 3,
      pm02: 8.5,
      pm10: 10,
      pm003Count: 500,
      atmp: 14.2,
      rhum: 62,
      channels: { '1': { pm01: 2, pm02: 6, pm10: 7, pm003Count: 420, atmp: 14, rhum: 61 } },
      boot: 1,
      bootCount: 1,
      wifi: -70,
      model: 'O-1PPT',
      firmware: '3.1.0',
    });
    const { readings, rejections } = decodeAirGradient(message(topic, payload));
    expect(rejections).toEqual([]);
    expect(byKey(readings)).toMatchObject({
      'pm25@PMS5003T:1': 6,
      'pm25@PMS5003T:avg': 8.5,
      'pm10@PMS5003T:avg': 10,
      'humidity@PMS5003T:avg': 62,
    });
  });

  it('with both channels stores each channel and not their average', () => {
    const payload = airgradientPayload({
      pm02: 7,
      channels: { '1': { pm02: 6 }, '2': { pm02: 8 } },
    });
    expect(byKey(decodeAirGradient(message(topic, payload)).readings)).toEqual({
      'pm25@PMS5003T:1': 6,
      'pm25@PMS5003T:2': 8,
    });
  });

  it('lists keys it does not store as ignored, and skips diagnostics silently', () => {
    const payload = airgradientPayload({
      pm02: 4,
      pm005Count: 120,
      tvocRaw: 31000,
      pm02Compensated: 3.1,
      wifi: -40,
      serialno: 'ecda3b1eaaaf',
    });
    expect(decodeAirGradient(message(topic, payload)).ignored).toEqual(['pm005Count', 'tvocRaw']);
  });
});
