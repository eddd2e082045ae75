// Kysely table types: the shape of the database as the code sees it. Times are epoch milliseconds
// UTC (docs/architecture.md, Storage); booleans are 0/1 integers because SQLite has no boolean type.
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { StationType } from './station-types.js';

/** A column the database fills (default or autoincrement) but that may be given on insert. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

/** Souffle's own devices, AtmoSud's reference stations, and the imported networks (migration 0009). */
export const STATION_SOURCES = ['citizen', 'atmosud', 'sensor.community', 'opensensemap'] as const;
export type StationSource = (typeof STATION_SOURCES)[number];
/** Reference (official) data; every other source is low-cost sensors, whose values are indicative. */
export const isReferenceSource = (source: StationSource): boolean => source === 'atmosud';
export const EXPOSURES = ['outdoor', 'indoor'] as const;
export type Exposure = (typeof EXPOSURES)[number];
export const DEVICE_FORMATS = ['native', 'airgradient', 'airrohr', 'json-map'] as const;
export type DeviceFormat = (typeof DEVICE_FORMATS)[number];

export interface StationsTable {
  id: string;
  source: StationSource;
  name: string;
  /** Exact location: never leaves through the public API for citizen stations. */
  lat: number;
  lon: number;
  /** What the public API shows: the centre of a ~200 m cell, or the exact location if opted in. */
  public_lat: number;
  public_lon: number;
  exact_location: Defaulted<0 | 1>;
  exposure: Defaulted<Exposure>;
  address: string | null;
  /** INSEE code of the commune, where known (AtmoSud stations). */
  commune: string | null;
  /** JSON array of phenomenon codes in service (reference stations), or null. */
  pollutants: string | null;
  attribution: string | null;
  licence: string | null;
  in_service: Defaulted<0 | 1>;
  created_at: number;
  updated_at: number;
  /** Type of influence (data/station-types.ts), null when unknown (citizen stations). Migration 0006. */
  station_type: Defaulted<StationType | null>;
  /**
   * Home Assistant MQTT discovery (0010): 1 announced, 0 not, 2 opted out with its retained
   * configs still to clear (ingest/home-assistant-publisher.ts sets it to 0 once cleared).
   */
  ha_discovery: Defaulted<0 | 1 | 2>;
}

export interface DevicesTable {
  id: string;
  station_id: string;
  format: DeviceFormat;
  /** scrypt hash of the device token: "scrypt$N$r$p$salt$hash" (base64url). */
  token_hash: string;
  /** AirGradient serial number: the topic names the serial, not the device. */
  serial: string | null;
  /** The token hashed for Mosquitto's password file ("$7$…"), or null for tokens issued before 0002. */
  broker_hash: Defaulted<string | null>;
  created_at: number;
  last_seen: number | null;
  /** The enrolment code a citizen registered the device with at /join, or null (admin, CLI). */
  enrolment_code_id: Defaulted<string | null>;
  /** When the owner accepted the data licence (ODbL) at /join, or null. */
  licence_accepted_at: Defaulted<number | null>;
  /** JSON array of the value types the device sent that are not stored (0007), or null. */
  ignored_types: Defaulted<string | null>;
  /** 1 for a kit that moves: its GPS fixes are kept in device_locations (0007). */
  mobile: Defaulted<0 | 1>;
  /** The field mapping of a json-map device, JSON (data/json-map.ts), or null (0010). */
  json_map: Defaulted<string | null>;
}

/** Pushes the outbox gave up on, with why (api/push-outbox.ts, 0010): kept until an admin acts. */
export interface PushDeadLettersTable {
  id: Generated<number>;
  /** The device the push came from; it may have been deleted since. */
  device_id: string;
  topic: string;
  payload: string;
  received_at: number;
  attempts: number;
  reason: string;
  dead_at: number;
}

/** Where a station was from `valid_from` on, until the next row's (0010): past readings keep their place. */
export interface StationLocationsTable {
  station_id: string;
  valid_from: number;
  lat: number;
  lon: number;
  public_lat: number;
  public_lon: number;
}

/** Airrohr pushes accepted by the API and not yet acknowledged by the broker (api/push-outbox.ts). */
export interface PushOutboxTable {
  id: Generated<number>;
  device_id: string;
  topic: string;
  /** The JSON forwarded to the broker: the kit's body with its receive time. */
  payload: string;
  received_at: number;
  attempts: Defaulted<number>;
  last_error: Defaulted<string | null>;
}

/** A mobile device's GPS fixes, exact (the public API snaps them to the privacy grid). */
export interface DeviceLocationsTable {
  device_id: string;
  time: number;
  lat: number;
  lon: number;
}

/** Codes that let citizens register a sensor themselves (/join); the code itself is never kept. */
export interface EnrolmentCodesTable {
  /** Public handle of the code (listing, revoking): "ec-" and 10 random characters. */
  id: string;
  /** SHA-256 (hex) of the normalised code. */
  code_hash: string;
  label: string | null;
  /** Devices the code may register: 1 for a single-use code, 30 for a class. */
  uses_allowed: number;
  uses: Defaulted<number>;
  expires_at: number | null;
  revoked_at: Defaulted<number | null>;
  created_at: number;
}

export interface SeriesTable {
  id: Generated<number>;
  station_id: string;
  phenomenon: string;
  /** Sensor model and channel, e.g. "SDS011", "PMS5003:2", or "reference" for AtmoSud analysers. */
  sensor: string;
  unit: string;
  /**
   * How long each reading of the series is a mean over, in ms from its time: 0 for instantaneous
   * sensor readings, 3 600 000 for AtmoSud's hourly means (data/hourly-validity.ts).
   */
  covers: Defaulted<number>;
}

export interface ReadingsTable {
  series_id: number;
  time: number;
  value: number;
  /** Bit set of quality flags (data/flags.ts). */
  flags: Defaulted<number>;
  /** Validation state of reference data ("validated" | "provisional"), null for citizen data. */
  validation: string | null;
}

export interface HourlyRollupsTable {
  series_id: number;
  /** Start of the hour (UTC), epoch ms. */
  bucket: number;
  /** Readings counted in the mean: those without a flag of EXCLUDED_FROM_MEANS (data/flags.ts). */
  n: number;
  sum: number;
  /** null when no reading of the hour counted (n = 0). */
  min: number | null;
  max: number | null;
  sum_sq: number;
  /** Bit mask of the hour's 5-minute slots holding a counted reading (data/hourly-validity.ts). */
  slots: number;
  /** Readings of the hour left out of the mean for their flags. */
  n_flagged: number;
  /** Counted readings flagged humid (they stay in the mean). */
  n_humid: number;
}

/** Each series' newest reading, kept by the write path (data/store/current-values.ts). */
export interface CurrentValuesTable {
  series_id: number;
  time: number;
  value: number;
  flags: Defaulted<number>;
  validation: string | null;
}

/** Each station's current indices for one hour in progress (data/store/current-indices.ts). */
export interface CurrentIndicesTable {
  station_id: string;
  /** Start of the hour in progress they were computed in (epoch ms). */
  hour: number;
  time_zone: string;
  /** JSON array of the phenomena the station measured, sorted. */
  measured: string;
  /** JSON of each scheme's CurrentIndex as /latest answers it. */
  atmo: string;
  eaqi: string;
  usaqi: string;
}

/** Series whose hourly rollups migration 0004 still has to recompute (data/store/rollup-rebuild.ts). */
export interface RollupRebuildQueueTable {
  series_id: number;
}

export interface IngestErrorsTable {
  id: Generated<number>;
  /** The device the message came from, or null when unknown (unknown device, AtmoSud). */
  device_id: string | null;
  source: string;
  time: number;
  topic: string | null;
  reason: string;
  /** A truncated copy of the offending payload, to show the citizen what was sent. */
  payload: string | null;
}

export interface PullCursorsTable {
  source: string;
  key: string;
  /** Data is complete up to this instant (epoch ms); the next pull starts before it by the overlap. */
  cursor: number;
  /** Free-form JSON state (e.g. an interrupted backfill's remaining windows). */
  state: string | null;
  updated_at: number;
}

export interface CommuneIndicesTable {
  /** INSEE code, e.g. 13055 for Marseille. */
  insee: string;
  /** Day of the index, YYYY-MM-DD (local day as published by AtmoSud). */
  date: string;
  lib_zone: string | null;
  code_qual: number;
  lib_qual: string | null;
  coul_qual: string | null;
  code_no2: number | null;
  code_so2: number | null;
  code_o3: number | null;
  code_pm10: number | null;
  code_pm25: number | null;
  source: string;
  pulled_at: number;
}

export interface CountersTable {
  /** Metric name, e.g. "souffle_ingest_messages_received_total". */
  name: string;
  /** Prometheus label set as written in the exposition format, e.g. 'reason="range"', or "". */
  labels: string;
  value: number;
  updated_at: number;
}

/** A co-location calibration of a citizen series (migration 0005, data/store/calibrations.ts). */
export interface CalibrationsTable {
  id: Generated<number>;
  station_id: string;
  device_id: string | null;
  phenomenon: string;
  /** The series' sensor (model and channel), e.g. "PMS5003T:1". */
  sensor: string;
  /** "linear" (a·raw + c) or "linear-rh" (a·raw + b·RH + c). */
  model: string;
  /** JSON { a, b?, c }. */
  coefficients: string;
  reference_station_id: string;
  /** The training part of the co-location window, epoch ms [from, to). */
  fit_from: number;
  fit_to: number;
  /** The held-back later part it was evaluated on, epoch ms [from, to). */
  evaluate_from: number;
  evaluate_to: number;
  /** Readings at or after this instant are corrected by this version, until a later one starts. */
  valid_from: number;
  /** JSON evaluation (data/calibration/evaluate.ts). */
  metrics: string;
  created_at: number;
  /** 0 once a later version replaced it from the same validity start on. */
  active: Defaulted<0 | 1>;
}

/** An alert rule and its channel (migration 0011, data/store/alert-rules.ts, data/alerts/). */
export interface AlertRulesTable {
  /** "al-" and random characters. */
  id: string;
  /** data/alerts/alert-kinds.ts */
  kind: string;
  /** The owner's device (device rules); deleted with it. */
  device_id: string | null;
  station_id: string | null;
  /** INSEE code (commune index rules). */
  commune: string | null;
  threshold: number | null;
  /** The episode ends once the value is at or below this (hysteresis). */
  clear_below: number | null;
  /** Offline: silence that starts an episode; rejections: the window counted. */
  window_ms: number | null;
  channel: 'email' | 'webhook';
  /** The e-mail address or the webhook URL. */
  target: string;
  /** The webhook's HMAC-SHA256 key, shown once at creation. */
  secret: string | null;
  locale: 'fr' | 'en';
  /** SHA-256 of the e-mail confirmation token, until confirmed. */
  confirm_hash: string | null;
  /** Null: an e-mail address not confirmed yet; nothing but the confirmation is sent to it. */
  confirmed_at: number | null;
  /** Kept in clear: every mail carries it in its unsubscribe link, and it can do nothing else. */
  unsubscribe_token: string;
  /** 1 during an episode. */
  active: Defaulted<0 | 1>;
  episode_started_at: Defaulted<number | null>;
  last_value: Defaulted<number | null>;
  checked_at: Defaulted<number | null>;
  created_at: number;
}

/** One notice to send or sent (outbox and history, migration 0011). */
export interface AlertDeliveriesTable {
  id: Generated<number>;
  rule_id: string;
  /** "confirm" (the opt-in mail), "start" or "end" of an episode. */
  event: 'confirm' | 'start' | 'end';
  channel: 'email' | 'webhook' | 'mqtt';
  /** JSON: the notice (data/alerts/alert-notice.ts). */
  body: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: Defaulted<number>;
  next_attempt_at: number;
  last_error: Defaulted<string | null>;
  created_at: number;
  sent_at: Defaulted<number | null>;
}

export interface Database {
  stations: StationsTable;
  devices: DevicesTable;
  series: SeriesTable;
  readings: ReadingsTable;
  rollups_hourly: HourlyRollupsTable;
  rollup_rebuild_queue: RollupRebuildQueueTable;
  ingest_errors: IngestErrorsTable;
  pull_cursors: PullCursorsTable;
  commune_indices: CommuneIndicesTable;
  counters: CountersTable;
  enrolment_codes: EnrolmentCodesTable;
  push_outbox: PushOutboxTable;
  device_locations: DeviceLocationsTable;
  calibrations: CalibrationsTable;
  push_dead_letters: PushDeadLettersTable;
  station_locations: StationLocationsTable;
  alert_rules: AlertRulesTable;
  alert_deliveries: AlertDeliveriesTable;
  current_values: CurrentValuesTable;
  current_indices: CurrentIndicesTable;
}

export type Station = Selectable<StationsTable>;
export type Device = Selectable<DevicesTable>;
export type Series = Selectable<SeriesTable>;
export type IngestError = Selectable<IngestErrorsTable>;
export type CommuneIndex = Selectable<CommuneIndicesTable>;
export type EnrolmentCode = Selectable<EnrolmentCodesTable>;
export type AlertRule = Selectable<AlertRulesTable>;
export type AlertDelivery = Selectable<AlertDeliveriesTable>;
