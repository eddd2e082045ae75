// Property-based fuzzing: no payload, however malformed, makes a decoder throw or stops the
// worker; a good message sent after thousands of bad ones still lands.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
import { decodeAirGradient } from '../../data/decoders/airgradient.js';
import { decodeAirrohr } from '../../data/decoders/airrohr.js';
import { decodeNative } from '../../data/decoders/native.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../ingest/embedded-broker.js';
import { IngestWorker } from '../../ingest/worker.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { connectAs, publishAs, SERVICE, storedValues, waitFor } from './ingest-helpers.js';

const encode = (text: string) => new TextEncoder().encode(text);
const PHENOMENA = ['pm1', 'pm25', 'pm10', 'temperature', 'humidity', 'pressure', 'co2', 'no2', 'pm2_5', ''];
const AIRROHR_TYPES = [
  'SDS_P1',
  'SDS_P2',
  'BME280_pressure',
  'BME280_humidity',
  'temperature',
  'signal',
  'P4',
];
const AIRGRADIENT_KEYS = [
  'pm01',
  'pm02',
  'pm10',
  'atmp',
  'rhum',
  'rco2',
  'tvocIndex',
  'channels',
  'serialno',
];

const scalar = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.string(),
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom('12.5', ' 3 ', '-59 dBm', '1e400', 'NaN', ''),
);
const loose = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.string(), scalar, { maxKeys: 3 }),
);

/** Payloads shaped like each format but wrong in every way fast-check can think of. */
const nativeLike = fc.record(
  {
    ts: fc.oneof(
      fc.string(),
      fc.double(),
      fc.integer(),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    ),
    seq: loose,
    sensor: loose,
    values: fc.oneof(fc.dictionary(fc.constantFrom(...PHENOMENA), loose), loose),
    units: fc.oneof(
      fc.dictionary(fc.constantFrom(...PHENOMENA), fc.constantFrom('ppb', 'Pa', '°F', 'x')),
      loose,
    ),
  },
  { requiredKeys: [] },
);
const airrohrLike = fc.record(
  {
    esp8266id: loose,
    sensordatavalues: fc.oneof(
      fc.array(fc.record({ value_type: fc.oneof(fc.constantFrom(...AIRROHR_TYPES), loose), value: loose }), {
        maxLength: 12,
      }),
      loose,
    ),
  },
  { requiredKeys: [] },
);
const airgradientLike = fc.oneof(
  fc.dictionary(fc.constantFrom(...AIRGRADIENT_KEYS), loose),
  fc.record({
    channels: fc.dictionary(
      fc.string({ maxLength: 2 }),
      fc.oneof(fc.dictionary(fc.constantFrom(...AIRGRADIENT_KEYS), loose), loose),
    ),
  }),
);

/** Bytes of any kind: raw, arbitrary JSON, format look-alikes, truncated or corrupted JSON, deep nesting. */
const payloads = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.json().map(encode),
  fc.oneof(nativeLike, airrohrLike, airgradientLike).map((v) => encode(JSON.stringify(v))),
  fc.tuple(fc.oneof(nativeLike, airrohrLike), fc.nat(), fc.string({ maxLength: 3 })).map(([v, at, junk]) => {
    const text = JSON.stringify(v);
    const cut = at % (text.length + 1);
    return encode(text.slice(0, cut) + junk + text.slice(cut + 1));
  }),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => encode('['.repeat(depth) + ']'.repeat(depth))),
);

describe('the decoders under fuzzing', () => {
  it('never throw, and every rejection names a reason', () => {
    const topic = fc.constantFrom('souffle/v1/a/readings', 'souffle/v1/a/airrohr', 'airgradient/readings/x');
    fc.assert(
      fc.property(topic, payloads, fc.integer({ min: 0, max: 4e12 }), (t, payload, receivedAt) => {
        for (const decode of [decodeNative, decodeAirrohr, decodeAirGradient]) {
          const result = decode({ topic: t, payload, receivedAt });
          for (const r of result.rejections) expect(r.reason.length).toBeGreaterThan(0);
          for (const r of result.readings) expect(Number.isFinite(r.value)).toBe(true);
        }
      }),
      { numRuns: 3000, seed: 20261128 },
    );
  });
});

describe('the worker under fuzzing', () => {
  let db: TempDb;
  let broker: EmbeddedBroker;
  let worker: IngestWorker;
  let url: string;
  let token: string;

  beforeAll(async () => {
    db = await tempDb();
    token = (await createDevice(db.db, { id: 'cible', name: 'Cible', lat: 43.3, lon: 5.4 })).token;
    await createDevice(db.db, {
      id: 'ag',
      name: 'AG',
      lat: 43.3,
      lon: 5.4,
      format: 'airgradient',
      serial: 'abc123abc123',
    });
    broker = await startEmbeddedBroker({
      db: db.db,
      port: 0,
      host: '127.0.0.1',
      serviceCredentials: SERVICE,
    });
    url = `mqtt://127.0.0.1:${broker.port}`;
    worker = new IngestWorker({ db: db.db, mqttUrl: url, clientId: 'souffle-ingest', ...SERVICE });
    await worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await broker?.close();
    await db?.cleanup();
  });

  it('keeps running through 3 000 malformed messages and stores the good one sent after them', async () => {
    const topics = fc.constantFrom(
      'souffle/v1/cible/readings',
      'souffle/v1/cible/airrohr',
      'airgradient/readings/abc123abc123',
      'airgradient/readings/unknown',
      'souffle/v1/nobody/readings',
    );
    const messages = fc.sample(fc.tuple(topics, payloads), { numRuns: 3000, seed: 42 });
    messages.push(['souffle/v1/cible/readings', encode('x'.repeat(70 * 1024))]);
    const service = await connectAs(url, { ...SERVICE, clientId: 'souffle-fuzzer' });
    await Promise.all(
      messages.map(([topic, payload]) => service.publishAsync(topic, Buffer.from(payload), { qos: 1 })),
    );
    await service.endAsync();

    const ts = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
    await publishAs(
      url,
      { username: 'cible', password: token },
      'souffle/v1/cible/readings',
      JSON.stringify({ ts, values: { pm25: 42.5 } }),
    );
    await waitFor(
      async () =>
        (await storedValues(db.db, 'cible')).some((r) => r.value === 42.5 && r.time === Date.parse(ts)),
      {
        timeoutMs: 30_000,
        what: 'the good message',
      },
    );
    expect(worker.status).toMatchObject({ running: true, connected: true, received: messages.length + 1 });
    expect(worker.status.messagesRejected.too_large).toBeGreaterThanOrEqual(1);
  });
});
