// The field mapping of a json-map device (issue 15): MQTT firmware that Souffle has no decoder for
// (ESPHome, Tasmota, home-made) joins by saying which of its values is which phenomenon, in which
// unit. One entry maps either
// - a field of a JSON object payload, by its path: the keys from the top joined with "." (Tasmota's
//   `{"SDS0X1":{"PM2.5":4.2}}` gives "SDS0X1.PM2.5", dots inside a key included), or
// - a whole topic whose payload is one number (ESPHome's `<prefix>/sensor/<name>/state`), by the
//   topic's levels below `souffle/v1/<id>/json/` (e.g. "sensor/pm_2_5/state"): a key with a "/".
// Written `path=phenomenon[:unit]` on the command line, `{path, phenomenon, unit?}` in the API.
// Browser-safe: the /join form checks the same rules.
import { getPhenomenon, isPhenomenonCode, type PhenomenonCode } from './phenomena.js';

export type JsonMapEntry = {
  path: string;
  phenomenon: PhenomenonCode;
  /** The unit the device sends in: the phenomenon's canonical unit or one it converts from. */
  unit: string;
};

/** Entries one device may have: every value of a multi-sensor Tasmota build, bounded. */
export const MAX_MAP_ENTRIES = 50;
const MAX_PATH_CHARS = 200;
/** No wildcards (a topic key is compared, never subscribed), no empty level, no control character. */
const FORBIDDEN_IN_PATH = /[+#\p{Cc}]|^\/|\/$|\/\//u;
/** Series sensor names (data/decoders/native.ts's rule): letters, digits and _.:+- */
const SENSOR_UNSAFE = /[^A-Za-z0-9_.:+-]+/g;

/** Sensor of values that name none: a topic key or a top-level field. */
export const JSON_MAP_SENSOR = 'json';

/** Whether the entry maps a whole topic (one number per message) rather than a JSON field. */
export function isTopicKey(path: string): boolean {
  return path.includes('/');
}

/**
 * The series sensor of a mapped value: the JSON object holding the field (Tasmota names it after
 * the sensor: "SDS0X1", "BME280"), or "json" for a topic key or a top-level field.
 */
export function sensorOf(path: string): string {
  if (isTopicKey(path)) return JSON_MAP_SENSOR;
  const dot = path.indexOf('.');
  if (dot <= 0) return JSON_MAP_SENSOR;
  const name = path
    .slice(0, dot)
    .replace(SENSOR_UNSAFE, '_')
    .replace(/^[^A-Za-z0-9]+/, '');
  return name.slice(0, 64) || JSON_MAP_SENSOR;
}

/** Why an entry cannot be used, or undefined when it can. */
export function entryProblem(entry: { path: string; phenomenon: string; unit?: string }): string | undefined {
  const { path, phenomenon, unit } = entry;
  if (path.length === 0 || path.length > MAX_PATH_CHARS) {
    return `path "${path.slice(0, 40)}" must be 1–${MAX_PATH_CHARS} characters`;
  }
  if (FORBIDDEN_IN_PATH.test(path)) {
    return `path "${path}" must not contain "+", "#", control characters or empty topic levels`;
  }
  if (!isPhenomenonCode(phenomenon)) return `${path}: unknown phenomenon "${phenomenon}"`;
  const p = getPhenomenon(phenomenon)!;
  const accepted = [p.unit, ...p.alternatives.map((u) => u.code)];
  if (unit !== undefined && !accepted.includes(unit)) {
    return `${path}: unit "${unit}" is not one Souffle converts ${phenomenon} from (accepted: ${accepted.join(', ')})`;
  }
  return undefined;
}

/** Problems of the mapping as a whole: empty, too long, a path twice, two values in one series. */
export function mappingProblems(entries: ReadonlyArray<{ path: string; phenomenon: string }>): string[] {
  const problems: string[] = [];
  if (entries.length === 0) problems.push('needs at least one entry (path=phenomenon[:unit])');
  if (entries.length > MAX_MAP_ENTRIES) problems.push(`has more than ${MAX_MAP_ENTRIES} entries`);
  const paths = new Set<string>();
  const series = new Map<string, string>();
  for (const e of entries) {
    if (paths.has(e.path)) problems.push(`maps "${e.path}" twice`);
    paths.add(e.path);
    const key = `${e.phenomenon} ${sensorOf(e.path)}`;
    const other = series.get(key);
    if (other !== undefined && other !== e.path) {
      problems.push(
        `maps "${other}" and "${e.path}" to ${e.phenomenon} of sensor "${sensorOf(e.path)}": one series cannot hold both (put each in its own JSON object, or register two devices)`,
      );
    }
    series.set(key, e.path);
  }
  return problems;
}

/** `SDS0X1.PM2.5=pm25` or `BME280.Temperature=temperature:°C`; the last "=" splits path from phenomenon. */
export function parseMapArgument(text: string): { path: string; phenomenon: string; unit?: string } | string {
  const eq = text.lastIndexOf('=');
  if (eq <= 0) return `"${text}" is not path=phenomenon[:unit]`;
  const path = text.slice(0, eq);
  const target = text.slice(eq + 1);
  const colon = target.indexOf(':');
  const phenomenon = colon < 0 ? target : target.slice(0, colon);
  const unit = colon < 0 ? undefined : target.slice(colon + 1);
  return unit === undefined ? { path, phenomenon } : { path, phenomenon, unit };
}

/** A checked mapping with every unit spelled out (the canonical one where none was given). */
export function completeMapping(
  entries: ReadonlyArray<{ path: string; phenomenon: string; unit?: string }>,
): JsonMapEntry[] {
  return entries.map((e) => ({
    path: e.path,
    phenomenon: e.phenomenon as PhenomenonCode,
    unit: e.unit ?? getPhenomenon(e.phenomenon)!.unit,
  }));
}

/** The stored mapping (devices.json_map), or [] for none or a value this module did not write. */
export function parseStoredMapping(text: string | null | undefined): JsonMapEntry[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (e): e is JsonMapEntry =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as JsonMapEntry).path === 'string' &&
        typeof (e as JsonMapEntry).unit === 'string' &&
        isPhenomenonCode(String((e as JsonMapEntry).phenomenon)),
    );
  } catch {
    return [];
  }
}

/** `path=phenomenon:unit`, as typed on the command line and shown in the status. */
export function formatMapEntry(entry: JsonMapEntry): string {
  return `${entry.path}=${entry.phenomenon}:${entry.unit}`;
}
