// AirGradient firmware on `airgradient/readings/<serial>` (docs/ingest.md, "Wire formats"): flat
// JSON, no timestamp (the receive time is used). Outdoor dual-sensor models nest PM, temperature
// and humidity per channel under `channels`; both channels are stored as separate sensors
// ("PMS5003:1", "PMS5003:2") and their disagreement is flagged.
import { flagChannelDisagreement, flagHumid } from './quality-flags.js';
import type { DecodedReading, DecodeResult, RawMessage, Rejection } from './types.js';
import { checkValue, parsePayload } from './validation.js';

type Field = { phenomenon: string; sensor: string };

/**
 * Measurement keys → phenomenon and sensor (AirGradient ONE: Plantower PMS5003, Sensirion SHT4x
 * and SGP41, SenseAir S8). `wifi`, `pm003Count`, raw SGP counts and boot counters are diagnostics;
 * the firmware's `*Compensated` values are derived from these and not stored (Souffle keeps raw
 * values and flags them instead). Unknown keys are ignored, not fatal.
 */
const FIELDS: Readonly<Record<string, Field>> = {
  pm01: { phenomenon: 'pm1', sensor: 'PMS5003' },
  pm02: { phenomenon: 'pm25', sensor: 'PMS5003' },
  pm10: { phenomenon: 'pm10', sensor: 'PMS5003' },
  atmp: { phenomenon: 'temperature', sensor: 'SHT4x' },
  rhum: { phenomenon: 'humidity', sensor: 'SHT4x' },
  rco2: { phenomenon: 'co2', sensor: 'S8' },
  tvocIndex: { phenomenon: 'voc_index', sensor: 'SGP41' },
  noxIndex: { phenomenon: 'nox_index', sensor: 'SGP41' },
};

/** Keys measured per channel on outdoor models (a PMS5003T per channel, with its own T/RH). */
const CHANNEL_KEYS = ['pm01', 'pm02', 'pm10', 'atmp', 'rhum'] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function decodeAirGradient(message: RawMessage): DecodeResult {
  const parsed = parsePayload(message.payload);
  if (!parsed.ok) return { readings: [], rejections: [parsed.rejection] };
  const body = parsed.json;
  if (!isObject(body)) {
    return { readings: [], rejections: [malformed('payload is not a JSON object of AirGradient readings')] };
  }
  const time = message.receivedAt;
  const readings: DecodedReading[] = [];
  const rejections: Rejection[] = [];
  const decode = (key: string, value: unknown, sensor: string, label: string, into: DecodedReading[]) => {
    const field = FIELDS[key]!;
    const checked = checkValue({ phenomenon: field.phenomenon, value, sensor, time }, label);
    if (checked.ok) into.push(checked.reading);
    else rejections.push(checked.rejection);
  };

  const channels = body.channels;
  if (channels !== undefined && !isObject(channels)) {
    rejections.push(malformed('"channels" is not an object of channels'));
  }
  const perChannel: DecodedReading[][] = [];
  if (isObject(channels)) {
    for (const [name, channel] of Object.entries(channels)) {
      if (!/^[1-9]$/.test(name) || !isObject(channel)) {
        rejections.push(malformed(`channel "${name}" is not a numbered object of readings`));
        continue;
      }
      const list: DecodedReading[] = [];
      for (const key of CHANNEL_KEYS) {
        if (key in channel) decode(key, channel[key], `PMS5003:${name}`, `channels.${name}.${key}`, list);
      }
      perChannel.push(list);
      readings.push(...list);
    }
  }
  // With channels, the top-level PM, temperature and humidity are the firmware's average of them.
  const averaged = perChannel.length > 0 ? new Set<string>(CHANNEL_KEYS) : new Set<string>();
  for (const [key, value] of Object.entries(body)) {
    const field = FIELDS[key];
    if (field && !averaged.has(key)) decode(key, value, field.sensor, key, readings);
  }
  if (perChannel.length === 2) flagChannelDisagreement(perChannel[0]!, perChannel[1]!);
  if (readings.length === 0 && rejections.length === 0) {
    rejections.push(
      malformed('payload has no AirGradient measurement (pm01, pm02, pm10, atmp, rhum, rco2, …)'),
    );
  }
  flagHumid(readings);
  return { readings, rejections };
}

function malformed(reason: string): Rejection {
  return { code: 'malformed', reason, values: 1 };
}
