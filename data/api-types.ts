// The JSON shapes of the public API (/api/v1), shared by the API (which produces them) and the
// widgets (which consume them). Browser-safe: types only. Times travel twice: `t` in epoch ms for
// code, `time` in ISO 8601 UTC for people and spreadsheets.
import type { IndexResult } from './indices.js';
import type { Exposure, StationSource } from './schema.js';

export type StationStatus = 'online' | 'offline' | 'never';

/** A station as the public API shows it: public location only. */
export type StationSummary = {
  id: string;
  source: StationSource;
  name: string;
  /** Public location: a ~200 m cell centre for citizen stations unless the owner opted in. */
  lat: number;
  lon: number;
  exactLocation: boolean;
  exposure: Exposure;
  address: string | null;
  commune: string | null;
  /** Phenomena this station has series for. */
  phenomena: string[];
  status: StationStatus;
  /** Newest reading, ISO 8601, or null if never seen. */
  lastSeen: string | null;
  /** Indices from citizen sensors are indicative, never official. */
  indicative: boolean;
  attribution: string | null;
  licence: string | null;
  /** Only with `near=`: distance in metres from the search centre to the public location. */
  distanceMetres?: number;
  /** Only with `index=atmo|eaqi|usaqi`: the station's current index in that scheme. */
  index?: StationIndexSummary;
};

/**
 * Which day a current ATMO index describes. ATMO is a daily index (18 hourly values per pollutant):
 * without a date the API gives today's (UTC) when today has enough hours, else yesterday's.
 */
export type IndexDay = 'today' | 'yesterday';

/**
 * An index "now" (no date asked). `date`: the UTC day an ATMO index describes (`day` says whether
 * it is today or yesterday); null for EAQI and US AQI, which describe the current hour.
 */
export type CurrentIndex = IndexResult & { date: string | null; day?: IndexDay };

/** A station's current index in the station list (`GET /stations?index=`): the badge, no sub-indices. */
export type StationIndexSummary = Pick<
  IndexResult,
  'scheme' | 'available' | 'value' | 'level' | 'label' | 'colour' | 'dominant'
> & { date: string | null; day?: IndexDay };

/** GET /api/v1/stations (format=json). format=geojson gives a FeatureCollection whose features'
 * properties are StationSummary without lat/lon. */
export type StationsResponse = { stations: StationSummary[]; count: number };

export type LatestValue = {
  phenomenon: string;
  sensor: string;
  unit: string;
  value: number;
  t: number;
  time: string;
  flags: string[];
  validation: string | null;
};

/** GET /api/v1/stations/{id}/latest */
export type LatestResponse = {
  station: StationSummary;
  values: LatestValue[];
  indices: { atmo: CurrentIndex; eaqi: CurrentIndex; usaqi: CurrentIndex };
  indicative: boolean;
};

export type SeriesPoint = { t: number; value: number; min: number; max: number; n: number; flags?: string[] };

/** GET /api/v1/stations/{id}/series */
export type SeriesResponse = {
  station: string;
  phenomenon: string;
  /** The sensor series shown (a station may carry several for one phenomenon; `sensor=` picks one). */
  sensor: string;
  unit: string;
  step: 'raw' | '1h' | '1d';
  from: string;
  to: string;
  points: SeriesPoint[];
  /** Cursor for the next page of raw data (pass as `cursor=`), null when complete. */
  next: string | null;
};

/** GET /api/v1/stations/{id}/index */
export type IndexResponse = IndexResult & {
  station: string;
  /** The day (ATMO, or the `date` asked) or null for "now" (EAQI hourly, US AQI NowCast). */
  date: string | null;
  /** ATMO without `date`: whether `date` is today or yesterday (today lacking hours). */
  day?: IndexDay;
  indicative: boolean;
};

/** GET /api/v1/stations/{id}/compare */
export type CompareResponse = {
  station: string;
  phenomenon: string;
  unit: string;
  reference: { station: StationSummary; distanceMetres: number } | null;
  /** Hourly means, bucket start `t`; either side null where it has no data for that hour. */
  points: Array<{ t: number; value: number | null; reference: number | null }>;
};

/** GET /api/v1/communes/{insee}/index: the official ATMO index published by AtmoSud. */
export type CommuneIndexResponse = {
  insee: string;
  /** Day of the index, YYYY-MM-DD (the local day AtmoSud publishes it for). */
  date: string;
  zone: string | null;
  /** ATMO code 0..6 (7, 8: incident states declared by AtmoSud). */
  level: number;
  label: { fr: string; en: string };
  colour: string;
  /** Sub-index (ATMO code) per pollutant, null when not published. */
  pollutants: {
    no2: number | null;
    so2: number | null;
    o3: number | null;
    pm10: number | null;
    pm25: number | null;
  };
  official: true;
  source: string;
  pulledAt: string;
  attribution: string;
  licence: string;
};

/** GET /api/v1/devices/{id}/status (device owner: Basic id:token or Bearer token). */
export type DeviceStatusResponse = {
  device: string;
  station: string;
  format: 'native' | 'airgradient' | 'airrohr';
  status: StationStatus;
  /** Last message the ingest worker accepted from the device, ISO 8601, or null. */
  lastSeen: string | null;
  /** Newest stored reading, ISO 8601, or null. */
  lastReading: string | null;
  /** Values stored since 00:00 UTC today. */
  valuesToday: number;
  /** Newest first: why values or messages were rejected. */
  errors: Array<{ time: string; reason: string; topic: string | null; payload: string | null }>;
};

/** Every error the API returns. */
export type ErrorResponse = { error: { code: string; message: string } };
