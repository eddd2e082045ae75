// The measurement bodies openSenseMap accepts on POST /boxes/:boxId/data (docs.opensensemap.org,
// "Post multiple new measurements"; sensebox/openSenseMap-API, the measurement decoders), read
// into Souffle native readings. senseBox firmware and DIY clients send one of:
//   - a JSON array:  [{"sensor":"<id>","value":"12.3","createdAt":"2026-12-01T10:00:00Z"}, …]
//   - a JSON object: {"<id>":"12.3", "<id>":["12.3","2026-12-01T10:00:00Z"], …}
//   - CSV (text/csv): one "<id>,<value>[,<createdAt>[,<lng>,<lat>[,<height>]]]" per line.
// Locations are not read (a box's location is its registration). In Souffle a box's sensor ids are
// phenomenon codes (pm25, temperature, …): the ids typed into the box's client (docs/ingest.md).

/** openSenseMap refuses more measurements per request; so does Souffle. */
export const MAX_MEASUREMENTS = 2500;

export type OsemMeasurement = { sensor: string; value: unknown; createdAt?: unknown };

export type OsemParsed = { ok: true; measurements: OsemMeasurement[] } | { ok: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseOpenSenseMapBody(text: string, contentType: string): OsemParsed {
  const trimmed = text.trim();
  if (/text\/csv/i.test(contentType) || !/^[[{]/.test(trimmed)) return parseCsv(trimmed);
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (e) {
    return { ok: false, reason: `body is not valid JSON: ${(e as Error).message}` };
  }
  let measurements: OsemMeasurement[];
  if (Array.isArray(json)) {
    measurements = [];
    for (const [i, item] of json.entries()) {
      if (!isObject(item) || typeof item.sensor !== 'string') {
        return { ok: false, reason: `measurement [${i}] has no "sensor" string` };
      }
      measurements.push({ sensor: item.sensor, value: item.value, createdAt: item.createdAt });
    }
  } else if (isObject(json)) {
    measurements = Object.entries(json).map(([sensor, v]) =>
      Array.isArray(v) ? { sensor, value: v[0], createdAt: v[1] } : { sensor, value: v },
    );
  } else {
    return { ok: false, reason: 'body must be a JSON array or object of measurements, or CSV' };
  }
  return checkCount(measurements);
}

function parseCsv(text: string): OsemParsed {
  const measurements: OsemMeasurement[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const [sensor, value, createdAt] = line.split(',').map((f) => f.trim());
    if (!sensor || value === undefined) {
      return { ok: false, reason: `CSV line ${i + 1} is not "<sensor id>,<value>[,<createdAt>]"` };
    }
    measurements.push({ sensor, value, createdAt: createdAt || undefined });
  }
  return checkCount(measurements);
}

function checkCount(measurements: OsemMeasurement[]): OsemParsed {
  if (measurements.length === 0) return { ok: false, reason: 'body holds no measurement' };
  if (measurements.length > MAX_MEASUREMENTS) {
    return {
      ok: false,
      reason: `${measurements.length} measurements: at most ${MAX_MEASUREMENTS} per request`,
    };
  }
  return { ok: true, measurements };
}

const NUMBER = /^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/**
 * The measurements as Souffle native readings (one per time), sensor "opensensemap": values sent
 * as decimal strings become numbers, anything else stays as sent for the decoder to reject by name;
 * measurements without createdAt take `acceptedAt`.
 */
export function toNativeReadings(measurements: readonly OsemMeasurement[], acceptedAt: number): unknown[] {
  const byTime = new Map<string, Record<string, unknown>>();
  for (const m of measurements) {
    const ts = typeof m.createdAt === 'string' ? m.createdAt : new Date(acceptedAt).toISOString();
    const values = byTime.get(ts) ?? {};
    values[m.sensor] = typeof m.value === 'string' && NUMBER.test(m.value) ? Number(m.value) : m.value;
    byTime.set(ts, values);
  }
  return [...byTime].map(([ts, values]) => ({ ts, sensor: 'opensensemap', values }));
}
