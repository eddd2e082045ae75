// Backfill from Sensor.Community's daily CSV archive (`souffle backfill sensor-community`): one
// file per sensor and day, archive.sensor.community/<day>/<day>_<type>_sensor_<id>.csv, published
// the next morning (opendata-stuttgart/meta wiki, "EN-APIs"). Each file is semicolon-separated:
//   sensor_id;sensor_type;location;lat;lon;timestamp;P1;durP1;ratioP1;P2;durP2;ratioP2
//   88091;SDS011;85606;45.528;11.560;2026-02-22T00:00:44;47.40;;;23.70;;
// (other sensor types carry their own value columns: temperature;humidity, pressure;…), times in
// UTC. Rows become values of the station sc-<location> exactly as the live importer stores them,
// so a backfilled day and a live pull of the same values meet as no-ops. A day without a file
// (the kit was off, or the day is not yet archived) is counted, not an error.
import type { Db } from '../../data/db.js';
import { AIRROHR_MEASURES } from '../../data/decoders/airrohr.js';
import { describeNetworkError } from '../atmosud/atmosud-error.js';
import { inBbox, parseUtc, type Bbox } from './area.js';
import { storeImported, type ImportedValue } from './imported-store.js';
import { describeImport, emptyImportSummary, skip, type ImportSummary } from './network-puller.js';
import { SENSOR_COMMUNITY_SOURCE, scStation } from './sensor-community.js';

export type ArchiveSensor = { id: number; type: string };

export type ArchiveBackfillOptions = {
  db: Db;
  /** e.g. https://archive.sensor.community */
  archiveUrl: string;
  bbox: Bbox;
  /** Days to read, "YYYY-MM-DD", both included. */
  from: string;
  to: string;
  sensors: readonly ArchiveSensor[];
  timeoutMs: number;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  onFile?: (line: string) => void;
};

export type ArchiveBackfillSummary = ImportSummary & { files: number; missing: number; failed: number };

const DAY_MS = 86_400_000;

/** The days from `from` to `to`, both included, as "YYYY-MM-DD" (a bad date throws a RangeError). */
export function archiveDays(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || Number.isNaN(start))
    throw new RangeError(`"${from}" is not a day (YYYY-MM-DD)`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(to) || Number.isNaN(end))
    throw new RangeError(`"${to}" is not a day (YYYY-MM-DD)`);
  if (end < start) throw new RangeError(`--from ${from} is after --to ${to}`);
  const days: string[] = [];
  for (let t = start; t <= end; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

export async function backfillSensorCommunityArchive(
  o: ArchiveBackfillOptions,
): Promise<ArchiveBackfillSummary> {
  const fetchFn = o.fetch ?? globalThis.fetch;
  const s: ArchiveBackfillSummary = {
    ...emptyImportSummary(SENSOR_COMMUNITY_SOURCE),
    files: 0,
    missing: 0,
    failed: 0,
  };
  const stations = new Set<string>();
  const cache = new Map<string, number>();
  const base = o.archiveUrl.replace(/\/+$/, '');
  for (const day of archiveDays(o.from, o.to)) {
    for (const sensor of o.sensors) {
      if (o.signal?.aborted) return finish(s, 'aborted');
      const url = `${base}/${day}/${day}_${sensor.type.toLowerCase()}_sensor_${sensor.id}.csv`;
      let text: string;
      try {
        const timeout = AbortSignal.timeout(o.timeoutMs);
        const res = await fetchFn(url, { signal: o.signal ? AbortSignal.any([o.signal, timeout]) : timeout });
        text = await res.text();
        if (res.status === 404) {
          s.missing += 1;
          continue;
        }
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
      } catch (e) {
        if (o.signal?.aborted) return finish(s, 'aborted');
        s.failed += 1;
        o.onFile?.(`${url}: ${describeNetworkError(e)}`);
        continue;
      }
      s.files += 1;
      const byStation = parseArchive(text, o.bbox, (reason) => skip(s, reason));
      for (const { station, values } of byStation.values()) {
        const stored = await storeImported(o.db, station, values, {
          cache,
          now: Date.now(),
          keepStored: true,
        });
        stations.add(station.id);
        if (stored.stationWritten) s.stationsWritten += 1;
        s.inserted += stored.inserted;
        s.unchanged += stored.unchanged;
        if (stored.rejected.length > 0) skip(s, 'value refused', stored.rejected.length);
      }
      o.onFile?.(`${day} ${sensor.type} ${sensor.id}: ${s.inserted} new value(s) so far`);
    }
  }
  s.stations = stations.size;
  return finish(s, s.failed > 0 || Object.keys(s.skipped).length > 0 ? 'partial' : 'ok');
}

function finish(s: ArchiveBackfillSummary, status: ArchiveBackfillSummary['status']): ArchiveBackfillSummary {
  s.status = status;
  s.message =
    `Sensor.Community archive: ${s.files} file(s) read, ${s.missing} missing, ${s.failed} failed; ` +
    describeImport(s) +
    (status === 'aborted' ? ' (interrupted)' : '');
  return s;
}

/** One archive file's rows in the area, grouped by station; a bad row is skipped with its reason. */
function parseArchive(
  text: string,
  bbox: Bbox,
  skipped: (reason: string) => void,
): Map<string, { station: ReturnType<typeof scStation>; values: ImportedValue[] }> {
  const out = new Map<string, { station: ReturnType<typeof scStation>; values: ImportedValue[] }>();
  const [header, ...rows] = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const columns = (header ?? '').split(';').map((c) => c.trim());
  const at = (name: string) => columns.indexOf(name);
  const [iType, iLocation, iLat, iLon, iTime] = ['sensor_type', 'location', 'lat', 'lon', 'timestamp'].map(
    at,
  );
  if ([iType, iLocation, iLat, iLon, iTime].some((i) => i === -1)) {
    skipped('malformed file');
    return out;
  }
  const measured = columns
    .map((name, i) => ({ name, i, measure: AIRROHR_MEASURES[name] }))
    .filter((c) => c.measure !== undefined);
  for (const row of rows) {
    const cells = row.split(';');
    const location = Number(cells[iLocation!]);
    const lat = Number(cells[iLat!]);
    const lon = Number(cells[iLon!]);
    const time = parseUtc(cells[iTime!] ?? '');
    const type = cells[iType!]?.trim();
    if (
      !Number.isInteger(location) ||
      !Number.isFinite(lat) ||
      !Number.isFinite(lon) ||
      time === null ||
      !type
    ) {
      skipped('malformed item');
      continue;
    }
    if (!inBbox(bbox, lat, lon)) continue;
    const station = scStation(location, lat, lon, false);
    let entry = out.get(station.id);
    if (!entry) out.set(station.id, (entry = { station, values: [] }));
    for (const { i, measure } of measured) {
      const cell = cells[i]?.trim();
      if (!cell) continue; // an empty column: the sensor does not measure it
      const value = Number(cell);
      if (!Number.isFinite(value)) {
        skipped('value not a number');
        continue;
      }
      entry.values.push({
        phenomenon: measure!.phenomenon,
        sensor: type,
        ...(measure!.unit ? { unit: measure!.unit } : {}),
        time,
        value,
      });
    }
  }
  return out;
}
