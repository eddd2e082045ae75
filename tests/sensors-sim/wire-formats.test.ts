// Each wire format the simulator emits, checked against the ingest decoder it targets: accepted
// entirely when healthy, rejected with reasons when broken, and history sent through the native
// topic lands in the same series (phenomenon × sensor) with the same values as live data.
import { describe, expect, it } from 'vitest';
import { airgradientTopic, airrohrTopic, nativeTopic } from '../../data/topics.js';
import { decodeAirGradient } from '../../data/decoders/airgradient.js';
import { decodeAirrohr } from '../../data/decoders/airrohr.js';
import { decodeNative } from '../../data/decoders/native.js';
import type { DecodedReading, DecodeResult, RawMessage } from '../../data/decoders/types.js';
import { composeLive, newDeviceState, type Outgoing } from '../../sensors-sim/compose.js';
import { buildFleet, type SimDevice } from '../../sensors-sim/fleet.js';
import { malformedAirGradient, malformedAirrohr, malformedNative } from '../../sensors-sim/malformed.js';
import { historyReadings, sample } from '../../sensors-sim/sample.js';
import { airgradientPayload } from '../../sensors-sim/wire/airgradient.js';
import { airrohrRequest } from '../../sensors-sim/wire/airrohr.js';
import { encodeNative, nativeReading } from '../../sensors-sim/wire/native.js';

const SEED = 1;
const T = Date.UTC(2026, 10, 24, 7, 30); // a humid November morning rush hour
const fleet = buildFleet({ devices: 60, seed: SEED });
const first = (predicate: (d: SimDevice) => boolean) => {
  const d = fleet.find(predicate);
  if (!d) throw new Error('the test fleet lacks a device of that kind');
  return d;
};
const native = first((d) => d.format === 'native' && d.gasUnit === 'ppb');
const nativeUg = first((d) => d.format === 'native' && d.gasUnit === 'µg/m³');
const dual = first((d) => d.model === 'O-1PPT');
const single = first((d) => d.model === 'O-1PST');
const bme = first((d) => d.model === 'SDS011+BME280');
const dht = first((d) => d.model === 'SDS011+DHT22');
const creds = { username: 'dev', password: 'tok' };

const message = (topic: string, payload: string | Uint8Array, receivedAt = T + 1500): RawMessage => ({
  topic,
  payload: typeof payload === 'string' ? new TextEncoder().encode(payload) : payload,
  receivedAt,
});
const series = (r: DecodedReading[]) => r.map((x) => `${x.phenomenon}@${x.sensor}`).sort();
const values = (r: DecodedReading[]) => r.map((x) => `${x.phenomenon}@${x.sensor}=${x.value}`).sort();
const accepted = (result: DecodeResult) => {
  expect(result.rejections).toEqual([]);
  return result.readings;
};

/** What the firmware would send live, decoded by the decoder of its format. */
function decodeLive(device: SimDevice, t = T): DecodeResult {
  const [out] = composeLive({
    device,
    t,
    seed: SEED,
    action: { kind: 'none' },
    state: newDeviceState(device),
    intervalMs: 60_000,
    credentials: creds,
  });
  if (out!.via === 'http') return decodeAirrohr(message(airrohrTopic(device.id), out!.body));
  return device.format === 'native'
    ? decodeNative(message(out!.topic, out!.payload))
    : decodeAirGradient(message(out!.topic, out!.payload));
}

describe('the native format', () => {
  it('is accepted whole by the native decoder, with gases in ppb converted back to µg/m³', () => {
    const s = sample(native, T, SEED);
    const readings = accepted(
      decodeNative(message(nativeTopic(native.id), encodeNative(nativeReading(native, s.ch1, T, 7)))),
    );
    expect(series(readings)).toEqual([
      'humidity@native',
      'no2@native',
      'o3@native',
      'pm10@native',
      'pm1@native',
      'pm25@native',
      'pressure@native',
      'temperature@native',
    ]);
    expect(readings.every((r) => r.time === T)).toBe(true);
    expect(readings.find((r) => r.phenomenon === 'no2')!.value).toBeCloseTo(s.ch1.no2, 0);
    expect(
      accepted(
        decodeNative(message(nativeTopic(nativeUg.id), encodeNative(nativeReading(nativeUg, s.ch1, T, 7)))),
      ),
    ).toHaveLength(8);
  });

  it('prints times as ISO 8601 UTC to the second, with milliseconds only when it has them', () => {
    const payload = JSON.parse(encodeNative(nativeReading(native, sample(native, T, SEED).ch1, T, 1))) as {
      ts: string;
      seq: number;
    };
    expect(payload.ts).toBe('2026-11-24T07:30:00Z');
    expect(payload.seq).toBe(1);
    expect((JSON.parse(encodeNative({ ts: T + 5, values: { pm25: 1 } })) as { ts: string }).ts).toBe(
      '2026-11-24T07:30:00.005Z',
    );
  });
});

describe('the AirGradient format', () => {
  it('publishes the dual Open Air payload the firmware builds, both channels stored by the decoder', () => {
    const s = sample(dual, T, SEED);
    const payload = airgradientPayload(dual, s.ch1, s.ch2, { bootCount: 3, wifi: -61 });
    expect(payload).toMatchObject({
      serialno: dual.serial,
      model: 'O-1PPT',
      boot: 3,
      bootCount: 3,
      wifi: -61,
    });
    expect(Object.keys(payload as object)).toEqual(
      expect.arrayContaining([
        'pm01',
        'pm02',
        'pm10',
        'pm003Count',
        'atmp',
        'rhum',
        'channels',
        'tvocIndex',
        'noxIndex',
        'pm02Compensated',
      ]),
    );
    expect(Object.keys((payload as { channels: object }).channels)).toEqual(['1', '2']);
    const readings = accepted(
      decodeAirGradient(message(airgradientTopic(dual.serial!), JSON.stringify(payload))),
    );
    expect(series(readings)).toEqual([
      'humidity@PMS5003T:1',
      'humidity@PMS5003T:2',
      'nox_index@SGP41',
      'pm03_count@PMS5003T:1',
      'pm03_count@PMS5003T:2',
      'pm10@PMS5003T:1',
      'pm10@PMS5003T:2',
      'pm1@PMS5003T:1',
      'pm1@PMS5003T:2',
      'pm25@PMS5003T:1',
      'pm25@PMS5003T:2',
      'pm25_cf1@PMS5003T:1',
      'pm25_cf1@PMS5003T:2',
      'temperature@PMS5003T:1',
      'temperature@PMS5003T:2',
      'voc_index@SGP41',
    ]);
  });

  it('publishes the single-sensor payload flat, accepted whole', () => {
    expect(series(accepted(decodeLive(single)))).toEqual([
      'humidity@PMS5003T',
      'nox_index@SGP41',
      'pm03_count@PMS5003T',
      'pm10@PMS5003T',
      'pm1@PMS5003T',
      'pm25@PMS5003T',
      'pm25_cf1@PMS5003T',
      'temperature@PMS5003T',
      'voc_index@SGP41',
    ]);
  });
});

describe('the airrohr format', () => {
  it('sends the firmware headers and string values, pressure in Pa, accepted by the airrohr decoder', () => {
    const s = sample(bme, T, SEED);
    const request = airrohrRequest(
      bme,
      s.ch1,
      { signal: -61, oldFirmware: false, intervalMs: 145_000, samples: 580_590 },
      { username: bme.id, password: 'secret' },
    );
    expect(request.headers).toEqual({
      'Content-Type': 'application/json',
      'X-Sensor': `esp8266-${bme.chipId}`,
      'X-MAC-ID': `esp8266-${bme.mac}`,
      'User-Agent': `NRZ-2024-135/${bme.chipId}/${bme.mac}`,
      Authorization: `Basic ${Buffer.from(`${bme.id}:secret`).toString('base64')}`,
    });
    const body = JSON.parse(request.body) as {
      esp8266id: string;
      sensordatavalues: { value_type: string; value: unknown }[];
    };
    expect(body.esp8266id).toBe(bme.chipId);
    expect(body.sensordatavalues.every((v) => typeof v.value === 'string')).toBe(true);
    expect(body.sensordatavalues.map((v) => v.value_type)).toEqual([
      'SDS_P1',
      'SDS_P2',
      'BME280_temperature',
      'BME280_pressure',
      'BME280_humidity',
      'samples',
      'min_micro',
      'max_micro',
      'interval',
      'signal',
    ]);
    const pa = Number(body.sensordatavalues.find((v) => v.value_type === 'BME280_pressure')!.value);
    expect(pa).toBeGreaterThan(95_000);
    const readings = accepted(decodeAirrohr(message(airrohrTopic(bme.id), request.body)));
    expect(series(readings)).toEqual([
      'humidity@BME280',
      'pm10@SDS011',
      'pm25@SDS011',
      'pressure@BME280',
      'temperature@BME280',
    ]);
    expect(readings.find((r) => r.phenomenon === 'pressure')!.value).toBeCloseTo(pa / 100, 6);
  });

  it('sends DHT22 values unprefixed and, on old firmware, the signal as "-59 dBm", still accepted', () => {
    const request = airrohrRequest(
      dht,
      sample(dht, T, SEED).ch1,
      { signal: -59, oldFirmware: true, intervalMs: 145_000, samples: 1 },
      creds,
    );
    expect(request.body).toContain('"value":"-59 dBm"');
    expect(request.headers['User-Agent']).toMatch(/^NRZ-2020-133\//);
    expect(series(accepted(decodeAirrohr(message(airrohrTopic(dht.id), request.body))))).toEqual([
      'humidity@DHT22',
      'pm10@SDS011',
      'pm25@SDS011',
      'temperature@DHT22',
    ]);
  });
});

describe('history through the native topic', () => {
  it('lands in the same series, with the same values, as each format’s live data', () => {
    for (const device of [native, dual, single, bme, dht]) {
      const live = accepted(decodeLive(device));
      const history = accepted(
        decodeNative(
          message(nativeTopic(device.id), encodeNative(historyReadings(device, sample(device, T, SEED), 1))),
        ),
      );
      expect(values(history), `${device.id} (${device.model})`).toEqual(values(live));
      expect(history.every((r) => r.time === T)).toBe(true);
    }
  });
});

describe('malformed payloads', () => {
  const s = sample(native, T, SEED);
  it('are each rejected by the native decoder with a reason, the good values of the message kept', () => {
    for (let variant = 0; variant < 6; variant++) {
      const bad = malformedNative(native, s, 1, variant);
      const result = decodeNative(message(nativeTopic(native.id), bad.payload));
      expect(result.rejections.length, bad.what).toBeGreaterThan(0);
      expect(result.rejections[0]!.reason.length).toBeGreaterThan(10);
      if (/beside good values|humidity 140|unknown unit/.test(bad.what))
        expect(result.readings.length, bad.what).toBeGreaterThan(5);
    }
  });

  it('are each rejected by the AirGradient decoder', () => {
    const g = sample(dual, T, SEED);
    for (let variant = 0; variant < 5; variant++) {
      const bad = malformedAirGradient(dual, g, { bootCount: 1, wifi: -50 }, variant);
      expect(
        decodeAirGradient(message(airgradientTopic(dual.serial!), bad.payload)).rejections.length,
        bad.what,
      ).toBeGreaterThan(0);
    }
  });

  it('are each rejected by the airrohr decoder', () => {
    for (const device of [bme, dht]) {
      for (let variant = 0; variant < 4; variant++) {
        const bad = malformedAirrohr(
          device,
          sample(device, T, SEED),
          { signal: -50, oldFirmware: false, intervalMs: 145_000, samples: 1 },
          variant,
        );
        expect(
          decodeAirrohr(message(airrohrTopic(device.id), bad.payload)).rejections.length,
          `${device.model}: ${bad.what}`,
        ).toBeGreaterThan(0);
      }
    }
  });
});

describe('faults on the wire', () => {
  const compose = (
    device: SimDevice,
    action: Parameters<typeof composeLive>[0]['action'],
    state = newDeviceState(device),
    t = T,
  ) => composeLive({ device, t, seed: SEED, action, state, intervalMs: 60_000, credentials: creds });
  const decodeOut = (o: Outgoing, receivedAt = T + 1000) =>
    o.via === 'mqtt'
      ? decodeNative(message(o.topic, o.payload, receivedAt))
      : decodeAirrohr(message('x', o.body, receivedAt));

  it('a clock in the future is rejected as such', () => {
    const [out] = compose(native, { kind: 'future-clock', aheadMs: 3 * 3_600_000 });
    const result = decodeOut(out!);
    expect(result.readings).toEqual([]);
    expect(result.rejections.map((r) => r.code)).toEqual(['future']);
  });

  it('duplicates are byte-identical copies, which the (series, time) key absorbs', () => {
    const out = compose(native, { kind: 'duplicates', copies: 3 });
    expect(out).toHaveLength(3);
    expect(new Set(out.map((o) => (o.via === 'mqtt' ? o.payload : '')))).toHaveProperty('size', 1);
  });

  it('a native device back from offline resends what it buffered, with its timestamps', () => {
    const state = newDeviceState(native);
    for (let i = 0; i < 3; i++)
      expect(compose(native, { kind: 'offline' }, state, T + i * 60_000)).toEqual([]);
    const [back] = compose(native, { kind: 'none' }, state, T + 3 * 60_000);
    expect(back!.readings).toBe(4);
    const readings = accepted(decodeOut(back!, T + 3 * 60_000 + 500));
    expect(new Set(readings.map((r) => r.time))).toEqual(new Set([0, 1, 2, 3].map((i) => T + i * 60_000)));
  });

  it('a stuck sensor repeats its values exactly; a spike is far above its neighbours but still storable', () => {
    const state = newDeviceState(bme);
    const a = compose(bme, { kind: 'stuck', first: true }, state, T)[0]!;
    const b = compose(bme, { kind: 'stuck', first: false }, state, T + 145_000)[0]!;
    // The measurements repeat; the firmware's diagnostics (samples, signal) still change.
    expect(values(accepted(decodeOut(b)))).toEqual(values(accepted(decodeOut(a))));
    const normal = decodeOut(compose(native, { kind: 'none' })[0]!).readings.find(
      (r) => r.phenomenon === 'pm25',
    )!.value;
    const spike = accepted(decodeOut(compose(native, { kind: 'spikes', factor: 10 })[0]!)).find(
      (r) => r.phenomenon === 'pm25',
    )!.value;
    expect(spike).toBeGreaterThan(8 * normal);
  });
});
