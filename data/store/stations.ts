// Stations: citizen stations (one per registered device) and reference stations (AtmoSud).
import type { Kysely } from 'kysely';
import { publicLocation } from '../location-privacy.js';
import type { Database, Exposure, Station, StationSource } from '../schema.js';
import type { StationType } from '../station-types.js';
import { executeCompiled } from './compiled.js';

export type StationInput = {
  id: string;
  source: StationSource;
  name: string;
  lat: number;
  lon: number;
  /** Publish the exact location (citizen opt-in; reference stations are always exact). */
  exactLocation?: boolean;
  exposure?: Exposure;
  address?: string | null;
  commune?: string | null;
  pollutants?: readonly string[] | null;
  attribution?: string | null;
  licence?: string | null;
  inService?: boolean;
  /** Type of influence of a reference station (data/station-types.ts); unknown when absent. */
  stationType?: StationType | null;
};

/** A stored station as upsertStation takes it, to write it back with a few fields changed. */
export function stationInput(station: Station): StationInput {
  return {
    id: station.id,
    source: station.source,
    name: station.name,
    lat: station.lat,
    lon: station.lon,
    exactLocation: station.exact_location === 1,
    exposure: station.exposure,
    address: station.address,
    commune: station.commune,
    pollutants: station.pollutants ? (JSON.parse(station.pollutants) as string[]) : null,
    attribution: station.attribution,
    licence: station.licence,
    inService: station.in_service === 1,
  };
}

/** Inserts or updates a station; the public location is derived here and nowhere else. */
export async function upsertStation(
  db: Kysely<Database>,
  input: StationInput,
  now = Date.now(),
): Promise<void> {
  const exact = input.source === 'atmosud' || input.exactLocation === true;
  const pub = publicLocation({ lat: input.lat, lon: input.lon }, { exact });
  const row = {
    source: input.source,
    name: input.name,
    lat: input.lat,
    lon: input.lon,
    public_lat: pub.lat,
    public_lon: pub.lon,
    exact_location: exact ? (1 as const) : (0 as const),
    exposure: input.exposure ?? 'outdoor',
    address: input.address ?? null,
    commune: input.commune ?? null,
    pollutants: input.pollutants ? JSON.stringify(input.pollutants) : null,
    attribution: input.attribution ?? null,
    licence: input.licence ?? null,
    in_service: input.inService === false ? (0 as const) : (1 as const),
    station_type: input.stationType ?? null,
    updated_at: now,
  };
  await db
    .insertInto('stations')
    .values({ id: input.id, ...row, created_at: now })
    .onConflict((oc) => oc.column('id').doUpdateSet(row))
    .execute();
}

/** The station with this id (compiled once: every station route of the API starts with it). */
export async function findStation(db: Kysely<Database>, id: string): Promise<Station | undefined> {
  const rows = await executeCompiled<Station>(
    db,
    'station-by-id',
    () => db.selectFrom('stations').selectAll().where('id', '=', ''),
    [id],
  );
  return rows[0];
}

export type StationFilter = {
  source?: StationSource;
  /** Only stations with a series of this phenomenon. */
  phenomenon?: string;
  /** [minLon, minLat, maxLon, maxLat] on the public location. */
  bbox?: readonly [number, number, number, number];
};

export async function listStations(db: Kysely<Database>, filter: StationFilter = {}): Promise<Station[]> {
  let q = db.selectFrom('stations').selectAll().orderBy('id');
  if (filter.source) q = q.where('source', '=', filter.source);
  if (filter.bbox) {
    const [minLon, minLat, maxLon, maxLat] = filter.bbox;
    q = q
      .where('public_lon', '>=', minLon)
      .where('public_lon', '<=', maxLon)
      .where('public_lat', '>=', minLat)
      .where('public_lat', '<=', maxLat);
  }
  if (filter.phenomenon) {
    const phenomenon = filter.phenomenon;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('series')
          .select('series.id')
          .whereRef('series.station_id', '=', 'stations.id')
          .where('series.phenomenon', '=', phenomenon),
      ),
    );
  }
  return q.execute();
}

/** Public view of a station: never the exact location of a citizen station. */
export function publicStation(s: Station) {
  return {
    id: s.id,
    source: s.source,
    name: s.name,
    lat: s.public_lat,
    lon: s.public_lon,
    exactLocation: s.exact_location === 1,
    exposure: s.exposure,
    address: s.source === 'atmosud' ? s.address : null,
    commune: s.commune,
    pollutants: s.pollutants ? (JSON.parse(s.pollutants) as string[]) : null,
    attribution: s.attribution,
    licence: s.licence,
    inService: s.in_service === 1,
    stationType: s.station_type,
  };
}
export type PublicStation = ReturnType<typeof publicStation>;
