// Storing what an importer read from another network (ingest/networks/): the station with its
// source, licence and attribution, and its values through the one write path (insertReadings:
// keyed by series and time, so a value read again on the next pull is a no-op). A value the
// phenomena registry refuses (unit, physical range) is skipped with its reason; the rest is kept.
import type { Db } from '../../data/db.js';
import { getPhenomenon, toCanonical } from '../../data/phenomena.js';
import type { Exposure, Station } from '../../data/schema.js';
import { insertReadings, type NewReading } from '../../data/store/readings.js';
import { ensureSeries, type SeriesCache } from '../../data/store/series.js';
import { upsertStation, type StationInput } from '../../data/store/stations.js';

export type ImportedSource = 'sensor.community' | 'opensensemap';

export type ImportedStation = {
  /** Souffle's id, namespaced by network ("sc-<location id>", "osem-<box id>"): never a device's. */
  id: string;
  source: ImportedSource;
  name: string;
  lat: number;
  lon: number;
  exposure: Exposure;
  attribution: string;
  licence: string;
};

export type ImportedValue = {
  phenomenon: string;
  /** Series name: the sensor model as the network names it, lower case ("sds011", "bme280"). */
  sensor: string;
  /** Unit as the network sends it (converted to the phenomenon's canonical unit here). */
  unit?: string;
  time: number;
  value: number;
};

export type StoredImport = {
  stationWritten: boolean;
  inserted: number;
  /** Already stored (a value read again by an overlapping pull). */
  unchanged: number;
  /** Why values were refused, one entry per value. */
  rejected: string[];
  /** The newest time stored or already stored, or null. */
  newest: number | null;
};

/** Upserts the station when it changed and inserts its values, in one transaction. */
export async function storeImported(
  db: Db,
  station: ImportedStation,
  values: readonly ImportedValue[],
  options: {
    cache: SeriesCache;
    now: number;
    /** A stored station keeps its description (the archive knows no exposure: the live API does). */
    keepStored?: boolean;
  },
): Promise<StoredImport> {
  const rejected: string[] = [];
  const accepted: Array<ImportedValue & { canonical: number }> = [];
  for (const v of values) {
    const c = toCanonical(v.phenomenon, v.value, v.unit);
    if (c.ok) accepted.push({ ...v, canonical: c.value });
    else rejected.push(c.reason);
  }
  return db.transaction().execute(async (trx) => {
    const input = stationInput(station);
    const stored = await trx
      .selectFrom('stations')
      .selectAll()
      .where('id', '=', station.id)
      .executeTakeFirst();
    if (stored && stored.source !== station.source) {
      // A namespaced id never collides with a device's station; refuse rather than overwrite one.
      throw new Error(`station ${station.id} exists with source "${stored.source}"`);
    }
    const stationWritten = !(stored && options.keepStored) && !sameStation(stored, input);
    if (stationWritten) await upsertStation(trx, input, options.now);
    const rows: NewReading[] = [];
    for (const v of accepted) {
      // toCanonical accepted it, so the phenomenon exists: its canonical unit is the series' unit.
      const unit = getPhenomenon(v.phenomenon)!.unit;
      const seriesId = await ensureSeries(
        trx,
        { stationId: station.id, phenomenon: v.phenomenon, sensor: v.sensor, unit },
        options.cache,
      );
      rows.push({ seriesId, time: v.time, value: v.canonical });
    }
    const result = await insertReadings(trx, rows);
    const newest = accepted.length > 0 ? Math.max(...accepted.map((v) => v.time)) : null;
    return {
      stationWritten,
      inserted: result.inserted + result.replaced,
      unchanged: result.unchanged,
      rejected,
      newest,
    };
  });
}

function stationInput(s: ImportedStation): StationInput {
  return {
    id: s.id,
    source: s.source,
    name: s.name,
    lat: s.lat,
    lon: s.lon,
    // The networks publish these locations themselves (Sensor.Community already rounds them):
    // shown as published rather than moved again to a grid cell.
    exactLocation: true,
    exposure: s.exposure,
    attribution: s.attribution,
    licence: s.licence,
    inService: true,
  };
}

function sameStation(row: Station | undefined, input: StationInput): boolean {
  return (
    row !== undefined &&
    row.name === input.name &&
    row.lat === input.lat &&
    row.lon === input.lon &&
    row.exposure === input.exposure &&
    row.attribution === input.attribution &&
    row.licence === input.licence &&
    row.in_service === 1
  );
}
