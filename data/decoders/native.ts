// Souffle's own wire format on `souffle/v1/<deviceId>/readings` (docs/ingest.md, "Wire formats"):
// one reading or an array of readings, each `{ts?, seq?, sensor?, values: {code: number}, units?}`.
import { z } from 'zod';
import { flagHumid } from './quality-flags.js';
import type { DecodedReading, DecodeResult, RawMessage, Rejection } from './types.js';
import { checkTime, checkValue, parsePayload, shownValue } from './validation.js';

/** Sensor name of native values when the payload names none. */
const NATIVE_SENSOR = 'native';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

const readingSchema = z.object({
  /** ISO 8601 with an offset, or epoch seconds; the receive time when absent. */
  ts: z.union([z.string(), z.number()]).optional(),
  /** The device's own counter: accepted, not stored. */
  seq: z.unknown().optional(),
  /** Optional extension: the sensor model, e.g. "SDS011" (part of the series key). */
  sensor: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,63}$/, 'must be 1–64 letters, digits or _.:+-')
    .optional(),
  values: z.record(z.string(), z.unknown()),
  units: z.record(z.string(), z.string()).optional(),
});
type NativeReading = z.output<typeof readingSchema>;

/** Decodes a native message; each reading of an array is checked on its own. */
export function decodeNative(message: RawMessage): DecodeResult {
  const parsed = parsePayload(message.payload);
  if (!parsed.ok) return { readings: [], rejections: [parsed.rejection] };
  const items = Array.isArray(parsed.json) ? parsed.json : [parsed.json];
  const readings: DecodedReading[] = [];
  const rejections: Rejection[] = [];
  if (items.length === 0) {
    rejections.push({ code: 'malformed', reason: 'payload is an empty array: no readings', values: 1 });
  }
  items.forEach((item, index) => {
    const where = Array.isArray(parsed.json) ? `reading [${index}]` : 'reading';
    const result = readingSchema.safeParse(item);
    if (!result.success) {
      const issues = result.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`);
      rejections.push({
        code: 'malformed',
        reason: `${where} is not a Souffle reading: ${issues.join('; ')}`,
        values: 1,
      });
      return;
    }
    decodeReading(result.data, message.receivedAt, where, readings, rejections);
  });
  flagHumid(readings);
  return { readings, rejections };
}

function decodeReading(
  reading: NativeReading,
  receivedAt: number,
  where: string,
  readings: DecodedReading[],
  rejections: Rejection[],
): void {
  const entries = Object.entries(reading.values);
  if (entries.length === 0) {
    rejections.push({ code: 'malformed', reason: `${where} has no values`, values: 1 });
    return;
  }
  const time = readingTime(reading.ts, receivedAt);
  if (typeof time === 'string') {
    rejections.push({ code: 'malformed', reason: time, values: entries.length });
    return;
  }
  const late = checkTime(time, receivedAt, shownValue(reading.ts), entries.length);
  if (late) {
    rejections.push(late);
    return;
  }
  const sensor = reading.sensor ?? NATIVE_SENSOR;
  for (const [phenomenon, value] of entries) {
    const checked = checkValue({ phenomenon, value, unit: reading.units?.[phenomenon], sensor, time });
    if (checked.ok) readings.push(checked.reading);
    else rejections.push(checked.rejection);
  }
}

/** Epoch ms of `ts`, the receive time when absent, or the reason it cannot be read. */
function readingTime(ts: string | number | undefined, receivedAt: number): number | string {
  if (ts === undefined) return receivedAt;
  if (typeof ts === 'number') {
    return Number.isFinite(ts) ? Math.round(ts * 1000) : `ts ${ts} is not a time`;
  }
  if (!ISO_WITH_OFFSET.test(ts)) {
    return `ts ${shownValue(ts)} is not an ISO 8601 time with an offset (e.g. "2026-11-28T08:00:00Z") nor epoch seconds`;
  }
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? `ts ${shownValue(ts)} is not a valid date` : ms;
}
