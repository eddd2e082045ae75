import { describe, expect, it } from 'vitest';
import { FLAGS } from '../../data/flags.js';
import { decodeAirGradient } from '../../data/decoders/airgradient.js';
import { decodeAirrohr } from '../../data/decoders/airrohr.js';
import { decodeNative } from '../../data/decoders/native.js';
import type { RawMessage } from '../../data/decoders/types.js';

const NOW = Date.parse('2026-11-28T08:01:00Z');
const msg = (topic: string, body: unknown): RawMessage => ({
  topic,
  payload: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  receivedAt: NOW,
});
const byCode = (readings: { phenomenon: string; sensor: string; value: number }[]) =>
  Object.fromEntries(readings.map((r) => [`${r.phenomenon}@${r.sensor}`, r.value]));

describe('the native decoder', () => {
  const topic = 'souffle/v1/ecole/readings';

  it('reads the reference example with its timestamp', () => {
    const { readings, rejections } = decodeNative(
      msg(topic, {
        ts: '2026-11-28T08:00:00Z',
        seq: 1842,
        values: { pm25: 12.3, pm10: 20.1, temperature: 21.5, humidity: 55.2 },
      }),
    );
    expect(rejections).toEqual([]);
    expect(readings).toHaveLength(4);
    expect(readings.every((r) => r.time === Date.parse('2026-11-28T08:00:00Z'))).toBe(true);
    expect(byCode(readings)).toEqual({
      'pm25@native': 12.3,
      'pm10@native': 20.1,
      'temperature@native': 21.5,
      'humidity@native': 55.2,
    });
  });

  it('accepts epoch seconds, arrays, alternative units and uses the receive time without ts', () => {
    const { readings, rejections } = decodeNative(
      msg(topic, [
        { ts: NOW / 1000 - 60, values: { no2: 21 }, units: { no2: 'ppb' } },
        { values: { pressure: 101325 }, units: { pressure: 'Pa' } },
      ]),
    );
    expect(rejections).toEqual([]);
    expect(readings[0]!.time).toBe(NOW - 60_000);
    expect(readings[0]!.value).toBeCloseTo((21 * 46.0055) / 24.0616, 2);
    expect(readings[1]).toMatchObject({ phenomenon: 'pressure', value: 1013.25, time: NOW, unit: 'hPa' });
  });

  it('says that a number too large to represent (1e309) is not a finite number, not "null"', () => {
    // JSON.parse reads 1e309 as Infinity, which JSON.stringify writes as null.
    const { readings, rejections } = decodeNative(
      msg(topic, '{"values":{"pm25":1e309,"pm10":-1e309,"co2":400}}'),
    );
    expect(byCode(readings)).toEqual({ 'co2@native': 400 });
    expect(rejections.map((r) => [r.code, r.reason])).toEqual([
      ['not_numeric', 'pm25: value Infinity (too large to represent) is not a finite number'],
      ['not_numeric', 'pm10: value -Infinity (too large to represent) is not a finite number'],
    ]);
  });

  it('keeps the good values of a partly bad message and names each bad one', () => {
    const { readings, rejections } = decodeNative(
      msg(topic, { values: { pm25: 12, pm2_5: 3, pm10: 'high', temperature: 300, co2: 400 } }),
    );
    expect(byCode(readings)).toEqual({ 'pm25@native': 12, 'co2@native': 400 });
    expect(rejections.map((r) => [r.code, r.reason])).toEqual([
      ['unknown_phenomenon', 'unknown phenomenon "pm2_5"'],
      ['not_numeric', 'pm10: value "high" is not a finite number'],
      ['range', 'temperature: 300 °C is outside the physical range -40–85 °C'],
    ]);
  });

  it('rejects readings more than 5 minutes in the future, from unset clocks, and unknown units', () => {
    const { readings, rejections } = decodeNative(
      msg(topic, [
        { ts: '2026-11-28T08:10:00+00:00', values: { pm25: 1, pm10: 2 } },
        { ts: 12, values: { pm25: 1 } },
        { values: { pm25: 5 }, units: { pm25: 'grains' } },
        { ts: '2026-11-28T08:04:00Z', values: { pm25: 4 } },
      ]),
    );
    expect(readings.map((r) => r.value)).toEqual([4]);
    expect(rejections.map((r) => [r.code, r.values])).toEqual([
      ['future', 2],
      ['past', 1],
      ['unit', 1],
    ]);
    expect(rejections[0]!.reason).toContain('"2026-11-28T08:10:00+00:00" is 9 min in the future');
  });

  it('rejects malformed JSON, wrong shapes and oversized payloads as a whole', () => {
    expect(decodeNative(msg(topic, '{"values":')).rejections[0]).toMatchObject({ code: 'malformed' });
    expect(decodeNative(msg(topic, { value: { pm25: 1 } })).rejections[0]!.reason).toMatch(
      /reading is not a Souffle reading: values/,
    );
    expect(decodeNative(msg(topic, { ts: '28/11/2026', values: { pm25: 1 } })).rejections[0]!.reason).toMatch(
      /not an ISO 8601 time/,
    );
    const big = decodeNative(msg(topic, { values: { pm25: 1 }, pad: 'x'.repeat(70_000) }));
    expect(big.readings).toEqual([]);
    expect(big.rejections[0]).toMatchObject({ code: 'too_large' });
    expect(big.rejections[0]!.reason).toMatch(/payload of \d+ bytes is over the 64 KiB limit/);
  });

  it('flags optical PM measured at 75 % relative humidity or more', () => {
    const humid = decodeNative(msg(topic, { values: { pm25: 30, humidity: 75, temperature: 12 } })).readings;
    expect(humid.find((r) => r.phenomenon === 'pm25')!.flags).toBe(FLAGS.humid);
    expect(humid.find((r) => r.phenomenon === 'temperature')!.flags).toBe(0);
    const dry = decodeNative(msg(topic, { values: { pm25: 30, humidity: 74.9 } })).readings;
    expect(dry.find((r) => r.phenomenon === 'pm25')!.flags).toBe(0);
  });
});

describe('the AirGradient decoder', () => {
  const topic = 'airgradient/readings/ecda3b1eaaaf';

  it('reads the reference ONE payload at the receive time and ignores diagnostics', () => {
    const { readings, rejections } = decodeAirGradient(
      msg(topic, {
        wifi: -46,
        serialno: 'ecda3b1eaaaf',
        rco2: 447,
        pm01: 3,
        pm02: 7,
        pm10: 8,
        pm003Count: 442,
        atmp: 25.87,
        rhum: 43,
        tvocIndex: 100,
        tvocRaw: 33051,
        noxIndex: 1,
        noxRaw: 16307,
        boot: 6,
        bootCount: 6,
        pm02Compensated: 5,
      }),
    );
    expect(rejections).toEqual([]);
    expect(byCode(readings)).toEqual({
      'co2@S8': 447,
      'pm1@PMS5003': 3,
      'pm25@PMS5003': 7,
      'pm10@PMS5003': 8,
      'pm03_count@PMS5003': 442,
      'temperature@SHT4x': 25.87,
      'humidity@SHT4x': 43,
      'voc_index@SGP41': 100,
      'nox_index@SGP41': 1,
    });
    expect(readings.every((r) => r.time === NOW)).toBe(true);
  });

  it('stores both channels of an outdoor model as separate PMS5003T sensors and flags their disagreement', () => {
    const { readings, rejections } = decodeAirGradient(
      msg(topic, {
        pm02: 25,
        atmp: 20,
        rco2: -1,
        channels: {
          '1': { pm01: 2, pm02: 10, pm10: 12, pm02Standard: 11, pm003Count: 900, atmp: 20.1, rhum: 80 },
          '2': { pm01: 2, pm02: 40, pm10: 13, atmp: 19.9, rhum: 50 },
        },
      }),
    );
    expect(byCode(readings)).toEqual({
      'pm1@PMS5003T:1': 2,
      'pm25@PMS5003T:1': 10,
      'pm10@PMS5003T:1': 12,
      'pm25_cf1@PMS5003T:1': 11,
      'pm03_count@PMS5003T:1': 900,
      'temperature@PMS5003T:1': 20.1,
      'humidity@PMS5003T:1': 80,
      'pm1@PMS5003T:2': 2,
      'pm25@PMS5003T:2': 40,
      'pm10@PMS5003T:2': 13,
      'temperature@PMS5003T:2': 19.9,
      'humidity@PMS5003T:2': 50,
    });
    expect(rejections.map((r) => r.reason)).toEqual([
      'rco2 (co2): -1 ppm is outside the physical range 0–40000 ppm',
    ]);
    const flags = (sensor: string, p: string) =>
      readings.find((r) => r.sensor === sensor && r.phenomenon === p)!.flags;
    expect(flags('PMS5003T:1', 'pm25')).toBe(FLAGS.channel_disagreement | FLAGS.humid);
    expect(flags('PMS5003T:2', 'pm25')).toBe(FLAGS.channel_disagreement);
    expect(flags('PMS5003T:1', 'pm10')).toBe(FLAGS.humid);
    expect(flags('PMS5003T:2', 'pm10')).toBe(0); // raw 50 % is 70.3 % compensated: not humid
  });

  it("labels an Open Air's sensor PMS5003T, keeps CF=1 PM2.5 and the 0.3 µm count, and tests humidity compensated", () => {
    // An O-1PST on firmware 3.3 (src/AgValue.cpp, buildOutdoor with the compensated values).
    const openAir = (rhum: number) =>
      decodeAirGradient(
        msg(topic, {
          pm01: 4.5,
          pm02: 8.17,
          pm10: 9.33,
          pm01Standard: 4.5,
          pm02Standard: 8.5,
          pm10Standard: 9.8,
          pm003Count: 611.5,
          pm005Count: 540.17,
          pm01Count: 120,
          pm02Count: 4.33,
          atmp: 24.16,
          atmpCompensated: 23.42,
          rhum,
          rhumCompensated: 76.6,
          pm02Compensated: 6.35,
          rco2: 431,
          tvocIndex: 99,
          tvocRaw: 31012,
          noxIndex: 1,
          noxRaw: 16800,
          boot: 12,
          bootCount: 12,
          wifi: -61,
          serialno: 'ecda3b1eaaaf',
          firmware: '3.3.9',
          model: 'O-1PST',
        }),
      );
    const { readings, rejections } = openAir(55);
    expect(rejections).toEqual([]);
    expect(byCode(readings)).toEqual({
      'pm1@PMS5003T': 4.5,
      'pm25@PMS5003T': 8.17,
      'pm10@PMS5003T': 9.33,
      'pm25_cf1@PMS5003T': 8.5,
      'pm03_count@PMS5003T': 611.5,
      'temperature@PMS5003T': 24.16,
      'humidity@PMS5003T': 55,
      'co2@S8': 431,
      'voc_index@SGP41': 99,
      'nox_index@SGP41': 1,
    });
    // Raw 55 % is 1.259 × 55 + 7.34 = 76.6 % outside: humid, though the raw value is below 75.
    const pm = (r: typeof readings) =>
      r.filter((x) => x.phenomenon.startsWith('pm') && x.phenomenon !== 'pm03_count');
    expect(pm(readings).map((r) => r.flags)).toEqual([FLAGS.humid, FLAGS.humid, FLAGS.humid, FLAGS.humid]);
    // Raw 52 % is 72.8 %: not humid.
    expect(pm(openAir(52).readings).every((r) => r.flags === 0)).toBe(true);
  });

  it('reads the names of firmware 3.0 (tvoc_index, nox_index, pm003_count)', () => {
    const { readings } = decodeAirGradient(
      msg(topic, { pm02: 5, pm003_count: 300, tvoc_index: 120, nox_index: 2 }),
    );
    expect(byCode(readings)).toEqual({
      'pm25@PMS5003': 5,
      'pm03_count@PMS5003': 300,
      'voc_index@SGP41': 120,
      'nox_index@SGP41': 2,
    });
  });

  it('rejects a payload that is not an object of readings', () => {
    expect(decodeAirGradient(msg(topic, [1, 2])).rejections[0]!.code).toBe('malformed');
    expect(decodeAirGradient(msg(topic, { wifi: -40 })).rejections[0]!.reason).toMatch(
      /no AirGradient measurement/,
    );
  });
});

describe('the airrohr decoder', () => {
  const topic = 'souffle/v1/kit-1/airrohr';
  const body = {
    esp8266id: '12345678',
    software_version: 'NRZ-2024-135',
    sensordatavalues: [
      { value_type: 'SDS_P1', value: '5.38' },
      { value_type: 'SDS_P2', value: '4.98' },
      { value_type: 'BME280_temperature', value: '24.98' },
      { value_type: 'BME280_pressure', value: '100520.25' },
      { value_type: 'BME280_humidity', value: '39.60' },
      { value_type: 'samples', value: '580590' },
      { value_type: 'min_micro', value: '216' },
      { value_type: 'max_micro', value: '3503442' },
      { value_type: 'interval', value: '145000' },
      { value_type: 'signal', value: '-59 dBm' },
      { value_type: 'SPS30_N05', value: '12' },
    ],
  };

  it('reads the reference body: strings, Pa, prefixes, diagnostics ignored', () => {
    const { readings, rejections } = decodeAirrohr(msg(topic, body));
    expect(rejections).toEqual([]);
    expect(byCode(readings)).toEqual({
      'pm10@SDS011': 5.38,
      'pm25@SDS011': 4.98,
      'temperature@BME280': 24.98,
      'pressure@BME280': 1005.2025,
      'humidity@BME280': 39.6,
    });
    expect(readings.every((r) => r.time === NOW)).toBe(true);
  });

  it('reads unprefixed DHT22 values and SCD30 CO2, and names bad strings', () => {
    const { readings, rejections } = decodeAirrohr(
      msg(topic, {
        sensordatavalues: [
          { value_type: 'temperature', value: '18.2' },
          { value_type: 'humidity', value: '81' },
          { value_type: 'PMS_P2', value: '14' },
          { value_type: 'SCD30_co2_ppm', value: '612' },
          { value_type: 'SDS_P1', value: 'nan' },
          { value_type: 'BMP280_pressure', value: '5' },
        ],
      }),
    );
    expect(byCode(readings)).toEqual({
      'temperature@DHT22': 18.2,
      'humidity@DHT22': 81,
      'pm25@PMS': 14,
      'co2@SCD30': 612,
    });
    expect(readings.find((r) => r.phenomenon === 'pm25')!.flags).toBe(FLAGS.humid);
    expect(rejections.map((r) => r.reason)).toEqual([
      'SDS_P1: value "nan" is not a finite number',
      'BMP280_pressure (pressure): 5 Pa (0.05 hPa) is outside the physical range 300–1100 hPa',
    ]);
  });

  it('rejects a body without sensordatavalues', () => {
    expect(decodeAirrohr(msg(topic, { esp8266id: '1' })).rejections[0]!.code).toBe('malformed');
  });
});

describe('every decoder, given a value nested thousands deep', () => {
  // 60 kB of brackets: under the 64 KiB limit, and deep enough to overflow any recursion.
  const deep = '['.repeat(30_000) + ']'.repeat(30_000);
  const cases = [
    ['native', decodeNative, 'souffle/v1/a/readings', `{"values":{"pm25":${deep}}}`],
    ['native (ts)', decodeNative, 'souffle/v1/a/readings', `{"ts":${deep},"values":{"pm25":1}}`],
    ['native (array)', decodeNative, 'souffle/v1/a/readings', `[{"values":{"pm25":1}},${deep}]`],
    [
      'airrohr',
      decodeAirrohr,
      'souffle/v1/a/airrohr',
      `{"sensordatavalues":[{"value_type":"SDS_P2","value":${deep}}]}`,
    ],
    ['airgradient', decodeAirGradient, 'airgradient/readings/x', `{"pm02":${deep}}`],
    [
      'airgradient (channel)',
      decodeAirGradient,
      'airgradient/readings/x',
      `{"channels":{"1":{"pm02":${deep}}}}`,
    ],
  ] as const;

  for (const [name, decode, topic, body] of cases) {
    it(`${name}: returns a rejection with its reason instead of throwing`, () => {
      const { readings, rejections } = decode(msg(topic, body));
      expect(readings).toEqual([]);
      expect(rejections).toEqual([
        { code: 'malformed', reason: 'payload nests arrays or objects deeper than 8 levels', values: 1 },
      ]);
    });
  }

  it('quotes at most 40 characters of a huge rejected value in its reason', () => {
    const wide = JSON.stringify({ values: { pm25: [[['x'.repeat(60_000)]]] } });
    const { rejections } = decodeNative(msg('souffle/v1/a/readings', wide));
    expect(rejections).toHaveLength(1);
    expect(rejections[0]!.reason).toMatch(
      /^pm25: value \[\[\["x{36}… \(60008 characters\) is not a finite number$/,
    );
  });
});
