// The json-map wire format (docs/ingest.md, "JSON mapping"): a device publishes whatever its
// firmware publishes below `souffle/v1/<id>/json/`, and its mapping (data/json-map.ts) says which
// values to keep. Two shapes are read:
// - one number per topic, as ESPHome publishes each sensor's state
//   (esphome/components/mqtt/mqtt_sensor.cpp, publish_state: the value as text with the sensor's
//   accuracy_decimals, "nan" or "None" while the sensor has no value);
// - a JSON object, as Tasmota publishes its telemetry on tele/<topic>/SENSOR
//   (tasmota/tasmota_xsns_sensor/xsns_20_novasds.ino, NovaSdsShow: `"SDS0X1":{"PM2.5":…,"PM10":…}`).
// Neither carries a usable time (Tasmota's "Time" is local time without an offset): readings are
// stamped with the receive time. Everything else the firmware publishes (Tasmota's STATE and LWT,
// ESPHome's status) stores nothing and is listed as ignored under its topic, never rejected.
import { isTopicKey, sensorOf, type JsonMapEntry } from '../json-map.js';
import { flagHumid } from './quality-flags.js';
import type { DecodedReading, DecodeResult, RawMessage, Rejection } from './types.js';
import { checkValue, parsePayload, shownValue } from './validation.js';

/** A number as firmware writes it in text: optional sign, digits, decimals, exponent. */
const NUMBER_TEXT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
/** Longest one-number payload read. */
const MAX_STATE_BYTES = 64;
/** Leaves read from one object: far more than any firmware sends, bounded against a hostile one. */
const MAX_LEAVES = 500;

/**
 * Decodes one message of a json-map device. `suffix` is the topic below `souffle/v1/<id>/json/`
 * ("" for the topic itself), `mapping` the device's entries.
 */
export function decodeJsonMap(
  message: RawMessage,
  suffix: string,
  mapping: readonly JsonMapEntry[],
): DecodeResult {
  const time = message.receivedAt;
  const shownTopic = suffix || '(json)';
  const byTopic = mapping.find((e) => isTopicKey(e.path) && e.path === suffix);
  if (byTopic) return decodeTopicValue(message, byTopic, time);

  const parsed = parsePayload(message.payload);
  if (!parsed.ok) {
    // Oversize is an attack or a bug worth telling; a non-JSON payload on a topic that maps
    // nothing is the firmware's chatter (Tasmota's LWT "Online").
    return parsed.rejection.code === 'too_large'
      ? { readings: [], rejections: [parsed.rejection] }
      : { readings: [], rejections: [], ignored: [shownTopic] };
  }
  const json = parsed.json;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { readings: [], rejections: [], ignored: [shownTopic] };
  }
  const leaves = flatten(json as Record<string, unknown>);
  const readings: DecodedReading[] = [];
  const rejections: Rejection[] = [];
  let mapped = 0;
  for (const entry of mapping) {
    if (isTopicKey(entry.path) || !leaves.has(entry.path)) continue;
    mapped++;
    const checked = checkValue(
      {
        phenomenon: entry.phenomenon,
        value: leaves.get(entry.path),
        unit: entry.unit,
        sensor: sensorOf(entry.path),
        time,
      },
      entry.path,
    );
    if (checked.ok) readings.push(checked.reading);
    else rejections.push(checked.rejection);
  }
  if (mapped === 0) return { readings: [], rejections: [], ignored: [shownTopic] };
  const mappedPaths = new Set(mapping.map((e) => e.path));
  const ignored = [...leaves]
    .filter(([path, value]) => typeof value === 'number' && !mappedPaths.has(path))
    .map(([path]) => path)
    .sort();
  flagHumid(readings);
  return ignored.length > 0 ? { readings, rejections, ignored } : { readings, rejections };
}

function decodeTopicValue(message: RawMessage, entry: JsonMapEntry, time: number): DecodeResult {
  // A state is a few characters; anything longer is not one number, whatever it starts with.
  const text =
    message.payload.byteLength > MAX_STATE_BYTES
      ? `${message.payload.byteLength} bytes`
      : new TextDecoder('utf-8', { fatal: false }).decode(message.payload).trim();
  const value = NUMBER_TEXT.test(text) ? Number(text) : text;
  const checked = checkValue(
    { phenomenon: entry.phenomenon, value, unit: entry.unit, sensor: sensorOf(entry.path), time },
    entry.path,
  );
  if (!checked.ok) {
    const rejection =
      checked.rejection.code === 'not_numeric'
        ? { ...checked.rejection, reason: `${entry.path}: payload ${shownValue(text)} is not a number` }
        : checked.rejection;
    return { readings: [], rejections: [rejection] };
  }
  const readings = [checked.reading];
  flagHumid(readings);
  return { readings, rejections: [] };
}

/** Every leaf of an object by its path of keys joined with "." (array items by index). */
function flatten(root: Record<string, unknown>): Map<string, unknown> {
  const leaves = new Map<string, unknown>();
  const walk = (value: unknown, path: string): void => {
    if (leaves.size >= MAX_LEAVES) return;
    if (typeof value === 'object' && value !== null) {
      const entries = Array.isArray(value)
        ? value.map((v, i) => [String(i), v] as const)
        : Object.entries(value);
      for (const [key, child] of entries) walk(child, path ? `${path}.${key}` : key);
      return;
    }
    leaves.set(path, value);
  };
  walk(root, '');
  return leaves;
}
