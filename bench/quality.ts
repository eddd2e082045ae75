// The quality detectors' cost (issue 14: at most 15 % of the ingest end-to-end budget): the
// checker over a fleet's decoded messages, beside the bare baseline of parsing the same payloads'
// JSON, work every message costs anyway. In process, no broker: the end-to-end figure is the
// ingest suite's, which runs with the detectors on.
import { QualityChecker, type DecodedMessage } from '../ingest/index.js';
import { result, type BenchSuite } from './bench-types.js';

const DEVICES = 50;
const MINUTES = 2000;
const BATCH = 500;

/** One native message of 6 values per device per minute, decoded as the worker would. */
function fleetMessages(): { payloads: Buffer[]; decoded: DecodedMessage[] } {
  const start = Date.UTC(2026, 10, 2);
  const payloads: Buffer[] = [];
  const decoded: DecodedMessage[] = [];
  for (let k = 0; k < MINUTES; k++) {
    for (let d = 0; d < DEVICES; d++) {
      const time = start + k * 60_000;
      const wave = Math.sin(k / 30 + d) * 3;
      const values = {
        pm1: Math.round((6 + wave) * 10) / 10,
        pm25: Math.round((9 + wave + (k % 7) / 10) * 10) / 10,
        pm10: Math.round((15 + wave) * 10) / 10,
        temperature: Math.round((15 + wave / 3) * 10) / 10,
        humidity: Math.round((60 + wave) * 10) / 10,
        pressure: 1013.2,
      };
      const payload = Buffer.from(JSON.stringify({ ts: time / 1000, values }));
      payloads.push(payload);
      const units: Record<string, string> = {
        pm1: 'µg/m³',
        pm25: 'µg/m³',
        pm10: 'µg/m³',
        temperature: '°C',
        humidity: '%',
        pressure: 'hPa',
      };
      decoded.push({
        message: { topic: `souffle/v1/d${d}/readings`, payload, receivedAt: time },
        device: { id: `d${d}`, station_id: `d${d}`, format: 'native', serial: null },
        format: 'native',
        readings: Object.entries(values).map(([phenomenon, value]) => ({
          phenomenon: phenomenon as 'pm25',
          sensor: 'native',
          unit: units[phenomenon]!,
          value,
          time,
          flags: 0,
        })),
        rejections: [],
      });
    }
  }
  return { payloads, decoded };
}

export const qualitySuite: BenchSuite = {
  name: 'quality',
  async run({ log }) {
    const { payloads, decoded } = fleetMessages();
    const values = decoded.reduce((n, m) => n + m.readings.length, 0);
    let best = { check: Infinity, parse: Infinity };
    for (let round = 0; round < 3; round++) {
      let t0 = performance.now();
      let keys = 0;
      for (const p of payloads)
        keys += Object.keys((JSON.parse(p.toString('utf8')) as { values: object }).values).length;
      const parse = performance.now() - t0;
      const checker = new QualityChecker();
      t0 = performance.now();
      for (let i = 0; i < decoded.length; i += BATCH) checker.check(decoded.slice(i, i + BATCH));
      const check = performance.now() - t0;
      log(
        `quality: round ${round + 1}, ${keys} values parsed in ${parse.toFixed(0)} ms, checked in ${check.toFixed(0)} ms`,
      );
      best = { check: Math.min(best.check, check), parse: Math.min(best.parse, parse) };
    }
    const perMessageUs = (best.check * 1000) / decoded.length;
    return [
      result({
        name: 'quality detectors, values/s',
        value: (values / best.check) * 1000,
        unit: 'values/s',
        baseline: (values / best.parse) * 1000,
        higherIsBetter: true,
        note: `stuck and spike detectors over ${decoded.length} messages of 6 values from ${DEVICES} devices, beside JSON.parse of the same payloads; ${perMessageUs.toFixed(1)} µs per message, against the ingest worker's 50–85 µs per message end to end`,
      }),
    ];
  },
};
