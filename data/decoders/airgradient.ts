// AirGradient firmware on `airgradient/readings/<serial>` (docs/ingest.md, "Wire formats"): flat
// JSON, no timestamp (the receive time is used). Outdoor dual-sensor models nest PM, temperature
// and humidity per channel under `channels`; both channels are stored as separate sensors
// ("PMS5003T:1", "PMS5003T:2") and their disagreement is flagged.
import { PMS5003T } from '../pms5003t.js';
import { flagChannelDisagreement, flagHumid } from './quality-flags.js';
import type { DecodedReading, DecodeResult, RawMessage, Rejection } from './types.js';
import { checkValue, parsePayload } from './validation.js';

/** Which part of the monitor measures a key: its PM sensor, its T/RH sensor, or a fixed one. */
type Field = { phenomenon: string; sensor: 'pm' | 'th' | 'S8' | 'SGP41' };

/**
 * Measurement keys → phenomenon (airgradienthq/arduino, src/AgValue.cpp, firmware 3.1 and later;
 * 3.0.x spelt the indices and the count `tvoc_index`, `nox_index`, `pm003_count`). `pm02Standard`
 * is the sensor's CF=1 PM2.5 and `pm003Count` its count of particles above 0.3 µm, both kept as
 * inputs of corrections. `wifi`, raw SGP counts, other counts and boot counters are diagnostics;
 * the firmware's `*Compensated` values are derived from these and not stored (Souffle keeps raw
 * values and flags them instead). Unknown keys are ignored, not fatal.
 */
const FIELDS: Readonly<Record<string, Field>> = {
  pm01: { phenomenon: 'pm1', sensor: 'pm' },
  pm02: { phenomenon: 'pm25', sensor: 'pm' },
  pm10: { phenomenon: 'pm10', sensor: 'pm' },
  pm02Standard: { phenomenon: 'pm25_cf1', sensor: 'pm' },
  pm003Count: { phenomenon: 'pm03_count', sensor: 'pm' },
  pm003_count: { phenomenon: 'pm03_count', sensor: 'pm' },
  atmp: { phenomenon: 'temperature', sensor: 'th' },
  rhum: { phenomenon: 'humidity', sensor: 'th' },
  rco2: { phenomenon: 'co2', sensor: 'S8' },
  tvocIndex: { phenomenon: 'voc_index', sensor: 'SGP41' },
  tvoc_index: { phenomenon: 'voc_index', sensor: 'SGP41' },
  noxIndex: { phenomenon: 'nox_index', sensor: 'SGP41' },
  nox_index: { phenomenon: 'nox_index', sensor: 'SGP41' },
};

/**
 * Keys that are the monitor's diagnostics or values derived from stored ones (the firmware's
 * compensations): skipped silently. Any other key not in FIELDS is listed as ignored.
 */
const DIAGNOSTICS: ReadonlySet<string> = new Set([
  'wifi',
  'serialno',
  'boot',
  'bootCount',
  'firmware',
  'model',
  'ledMode',
  'resetReason',
  'freeHeap',
  'channels',
  'pm02Compensated',
  'atmpCompensated',
  'rhumCompensated',
]);

/** The sensor label of the firmware's top-level average of an Open Air's channels. */
const AVERAGE_CHANNEL = 'avg';

/** Keys measured per channel on outdoor models (a PMS5003T per channel, with its own T/RH). */
const CHANNEL_KEYS = ['pm01', 'pm02', 'pm10', 'pm02Standard', 'pm003Count', 'atmp', 'rhum'] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether the monitor is an Open Air (outdoor): its `model` is "O-…" (O-1PST, O-1PPT, O-1PP, …,
 * sent since firmware 3.1), or it nests channels. Its PM sensor is then a PMS5003T, which also
 * measures temperature and humidity; the indoor ONE (I-9PSL) has a PMS5003 and an SHT4x.
 */
function isOpenAir(body: Record<string, unknown>): boolean {
  return (typeof body.model === 'string' && body.model.startsWith('O-')) || body.channels !== undefined;
}

export function decodeAirGradient(message: RawMessage): DecodeResult {
  const parsed = parsePayload(message.payload);
  if (!parsed.ok) return { readings: [], rejections: [parsed.rejection] };
  const body = parsed.json;
  if (!isObject(body)) {
    return { readings: [], rejections: [malformed('payload is not a JSON object of AirGradient readings')] };
  }
  const time = message.receivedAt;
  const outdoor = isOpenAir(body);
  const readings: DecodedReading[] = [];
  const rejections: Rejection[] = [];
  const ignored = new Set<string>();
  const sensorOf = (field: Field, channel?: string): string => {
    if (field.sensor === 'S8' || field.sensor === 'SGP41') return field.sensor;
    const model = outdoor ? PMS5003T : field.sensor === 'pm' ? 'PMS5003' : 'SHT4x';
    return channel === undefined ? model : `${model}:${channel}`;
  };
  const decode = (key: string, value: unknown, label: string, into: DecodedReading[], channel?: string) => {
    const field = FIELDS[key]!;
    const sensor = sensorOf(field, channel);
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
        if (key in channel) decode(key, channel[key], `channels.${name}.${key}`, list, name);
      }
      for (const key of Object.keys(channel)) {
        if (!FIELDS[key] && !DIAGNOSTICS.has(key)) ignored.add(`channels.${name}.${key}`.slice(0, 64));
      }
      perChannel.push(list);
      readings.push(...list);
    }
  }
  // With channels, the top-level PM, temperature and humidity are the firmware's average of them
  // (src/AgValue.cpp, buildPMS with allCh): redundant when both channels are sent. Open Air 3.1.0
  // sends the average and channel 1 only (a firmware bug), so the average is then the only trace
  // of channel 2 and is kept as a series of its own, sensor "PMS5003T:avg".
  const averaged = perChannel.length > 1 ? new Set<string>(CHANNEL_KEYS) : new Set<string>();
  const averageChannel = perChannel.length === 1 ? AVERAGE_CHANNEL : undefined;
  for (const [key, value] of Object.entries(body)) {
    if (!FIELDS[key]) {
      if (!DIAGNOSTICS.has(key)) ignored.add(key.slice(0, 64));
      continue;
    }
    if (averaged.has(key)) continue;
    const isChannelKey = (CHANNEL_KEYS as readonly string[]).includes(key);
    decode(key, value, key, readings, isChannelKey ? averageChannel : undefined);
  }
  if (perChannel.length === 2) flagChannelDisagreement(perChannel[0]!, perChannel[1]!);
  if (readings.length === 0 && rejections.length === 0) {
    rejections.push(
      malformed('payload has no AirGradient measurement (pm01, pm02, pm10, atmp, rhum, rco2, …)'),
    );
  }
  flagHumid(readings);
  const result: DecodeResult = { readings, rejections };
  if (ignored.size > 0) result.ignored = [...ignored].sort();
  return result;
}

function malformed(reason: string): Rejection {
  return { code: 'malformed', reason, values: 1 };
}
