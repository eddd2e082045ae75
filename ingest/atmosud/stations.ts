// Reference stations: fetch AtmoSud's station list (with metadata), keep those in the configured
// area, and store them as stations of source "atmosud" with their pollutants in service and the
// ODbL attribution. A station that fails validation is rejected alone.
import type { Db } from '../../data/db.js';
import { atmosudStationType } from '../../data/reference/atmosud-station-types.js';
import type { Station } from '../../data/schema.js';
import { upsertStation, type StationInput } from '../../data/store/stations.js';
import type { ErrorLog } from './error-log.js';
import type { AtmosudClient } from './http-client.js';
import { ATMOSUD_PHENOMENA, lookupPollutant, type AtmosudPhenomenon } from './pollutants.js';
import { check, describeZodError, stationListSchema, stationSchema, variableSchema } from './schemas.js';

/** AtmoSud's data is open under the ODbL: attribute "AtmoSud" wherever it is shown or exported. */
const ATMOSUD_ATTRIBUTION = 'AtmoSud';
const ATMOSUD_LICENCE = 'ODbL-1.0';

export type PollutantPeriod = { phenomenon: AtmosudPhenomenon; from: number | null; to: number | null };

export type ReferenceStation = {
  /** AtmoSud's code, e.g. "FR03043". */
  code: string;
  /** Souffle's station id, "atmosud-FR03043". */
  id: string;
  name: string;
  address: string | null;
  lat: number;
  lon: number;
  department: string | null;
  /** INSEE code of the commune (5 characters) if AtmoSud gives one, else null: a department
   * number is not a commune, and shown as a place it reads as a bare "13". */
  commune: string | null;
  inService: boolean;
  /** Pollutants in service, or null when AtmoSud sent no metadata (then all are requested). */
  pollutants: AtmosudPhenomenon[] | null;
  /** Every pulled pollutant the station has measured, with its period (for backfill). */
  periods: PollutantPeriod[];
};

export type Area = { departments: readonly string[]; bbox?: readonly [number, number, number, number] };

const stationId = (code: string) => `atmosud-${code}`;

const STATIONS_PATH = '/observations/stations';
const STATIONS_QUERY = { format: 'json', download: 'false', metadata: 'true', station_en_service: 'true' };

/** Fetches and validates the station list. `listed` holds every id seen, valid or not. */
export async function fetchStations(
  client: AtmosudClient,
  errors: ErrorLog,
  signal?: AbortSignal,
): Promise<{ stations: ReferenceStation[]; listed: Set<string> }> {
  const { data, request } = await client.getJson(STATIONS_PATH, STATIONS_QUERY, stationListSchema, signal);
  const stations: ReferenceStation[] = [];
  const listed = new Set<string>();
  data.forEach((item, i) => {
    const raw = item as { id_station?: unknown } | null;
    const label = typeof raw?.id_station === 'string' ? raw.id_station : `#${i}`;
    if (typeof raw?.id_station === 'string') listed.add(raw.id_station.trim());
    const parsed = check(stationSchema, item);
    if (!parsed.success) {
      const reason = `station ${label} rejected: ${describeZodError(parsed.error)}`;
      errors.add({ request, reason, body: JSON.stringify(item) });
      return;
    }
    stations.push(
      toReferenceStation(parsed.data, (reason) =>
        errors.add({ request, reason, body: JSON.stringify(item) }),
      ),
    );
  });
  return { stations, listed };
}

function toReferenceStation(
  s: ReturnType<typeof stationSchema.parse>,
  reject: (reason: string) => void,
): ReferenceStation {
  const code = s.id_station;
  const department = s.departement_id == null ? null : normaliseDepartment(String(s.departement_id));
  const insee = [s.insee, s.code_insee, s.code_commune].map((v) => (v == null ? '' : String(v).trim()));
  const commune = insee.find(isInseeCode) ?? null;
  const periods: PollutantPeriod[] = [];
  const inService = new Set<AtmosudPhenomenon>();
  for (const [key, value] of Object.entries(s.variables ?? {})) {
    const v = check(variableSchema, value);
    if (!v.success) {
      reject(`station ${code} variable "${key}" ignored: ${describeZodError(v.error)}`);
      continue;
    }
    const found = lookupPollutant(v.data.code_iso ?? key, v.data.label);
    if (found.kind !== 'pulled') continue; // NO, NOx and others Souffle does not pull
    const to = parseInstant(v.data.date_fin);
    periods.push({ phenomenon: found.phenomenon, from: parseInstant(v.data.date_debut), to });
    if (v.data.en_service ?? to === null) inService.add(found.phenomenon);
  }
  return {
    code,
    id: stationId(code),
    name: s.nom_station?.trim() || code,
    address: s.adresse?.trim() || null,
    lat: s.latitude,
    lon: s.longitude,
    department,
    commune,
    inService: s.en_service ?? parseInstant(s.date_fin_mesure) === null,
    pollutants: s.variables ? ATMOSUD_PHENOMENA.filter((p) => inService.has(p)) : null,
    periods,
  };
}

/** An INSEE commune code: five digits, or Corsica's 2A/2B and three digits. */
function isInseeCode(text: string): boolean {
  return /^(?:\d{5}|2[AB]\d{3})$/.test(text);
}

/** "6" and "06" are the same department; "2A" stays "2A". */
function normaliseDepartment(text: string): string {
  const t = text.trim().toUpperCase();
  return /^\d$/.test(t) ? `0${t}` : t;
}

/** The configured area is the union of the departments and the bounding box; empty means everything. */
export function inArea(station: ReferenceStation, area: Area): boolean {
  const departments = area.departments.map(normaliseDepartment);
  if (departments.length === 0 && !area.bbox) return true;
  if (station.department && departments.includes(station.department)) return true;
  if (area.bbox) {
    const [minLon, minLat, maxLon, maxLat] = area.bbox;
    return station.lon >= minLon && station.lon <= maxLon && station.lat >= minLat && station.lat <= maxLat;
  }
  return false;
}

/** An ISO instant as epoch ms, or null; a time without offset is UTC, as AtmoSud documents. */
export function parseInstant(text: string | null | undefined): number | null {
  if (!text) return null;
  const withZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(text.trim()) ? text.trim() : `${text.trim()}Z`;
  const t = Date.parse(withZone);
  return Number.isFinite(t) ? t : null;
}

/**
 * The department of a stored station: the first two characters of its INSEE code (Corsica: 2A,
 * 2B). Null when the commune is unknown; databases written before commune held only INSEE codes
 * may still hold a bare department number, which is read as such.
 */
function departmentOfStored(commune: string | null): string | null {
  if (commune === null) return null;
  if (isInseeCode(commune)) return commune.slice(0, commune.startsWith('97') ? 3 : 2);
  return /^(?:\d{1,3}|2[AB])$/.test(commune) ? normaliseDepartment(commune) : null;
}

/** The stored AtmoSud stations, for a cycle whose station list could not be read. */
export async function loadStoredStations(db: Db): Promise<ReferenceStation[]> {
  const rows = await db.selectFrom('stations').selectAll().where('source', '=', 'atmosud').execute();
  return rows.map((r) => ({
    code: r.id.replace(/^atmosud-/, ''),
    id: r.id,
    name: r.name,
    address: r.address,
    lat: r.lat,
    lon: r.lon,
    department: departmentOfStored(r.commune),
    commune: r.commune !== null && isInseeCode(r.commune) ? r.commune : null,
    inService: r.in_service === 1,
    pollutants: r.pollutants ? (JSON.parse(r.pollutants) as AtmosudPhenomenon[]) : null,
    periods: [],
  }));
}

export type StoreStationsResult = { written: number; unchanged: number; retired: number };

/**
 * Upserts the stations (only those that changed, so `updated_at` means "last changed") and marks
 * stored AtmoSud stations that AtmoSud no longer lists as out of service. `listed` must come from
 * a non-empty list: an empty answer retires nothing.
 */
export async function storeStations(
  db: Db,
  stations: readonly ReferenceStation[],
  listed: ReadonlySet<string>,
  now: number,
): Promise<StoreStationsResult> {
  return db.transaction().execute(async (trx) => {
    const stored = new Map(
      (await trx.selectFrom('stations').selectAll().where('source', '=', 'atmosud').execute()).map((s) => [
        s.id,
        s,
      ]),
    );
    const result: StoreStationsResult = { written: 0, unchanged: 0, retired: 0 };
    for (const station of stations) {
      const input = toStationInput(station);
      if (sameStation(stored.get(station.id), input)) result.unchanged += 1;
      else {
        await upsertStation(trx, input, now);
        result.written += 1;
      }
    }
    if (listed.size === 0) return result;
    const listedIds = new Set([...listed].map(stationId));
    const gone = [...stored.values()]
      .filter((s) => !listedIds.has(s.id) && s.in_service === 1)
      .map((s) => s.id);
    if (gone.length > 0) {
      await trx
        .updateTable('stations')
        .set({ in_service: 0, updated_at: now })
        .where('id', 'in', gone)
        .execute();
      result.retired = gone.length;
    }
    return result;
  });
}

function toStationInput(s: ReferenceStation): StationInput {
  return {
    id: s.id,
    source: 'atmosud',
    name: s.name,
    lat: s.lat,
    lon: s.lon,
    exactLocation: true,
    address: s.address,
    commune: s.commune,
    pollutants: s.pollutants,
    attribution: ATMOSUD_ATTRIBUTION,
    licence: ATMOSUD_LICENCE,
    inService: s.inService,
    stationType: atmosudStationType(s.code),
  };
}

function sameStation(row: Station | undefined, input: StationInput): boolean {
  return (
    row !== undefined &&
    row.name === input.name &&
    row.lat === input.lat &&
    row.lon === input.lon &&
    row.address === (input.address ?? null) &&
    row.commune === (input.commune ?? null) &&
    row.pollutants === (input.pollutants ? JSON.stringify(input.pollutants) : null) &&
    row.attribution === input.attribution &&
    row.licence === input.licence &&
    row.in_service === (input.inService === false ? 0 : 1) &&
    row.station_type === (input.stationType ?? null)
  );
}
