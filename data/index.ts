// The data area's door for Node: the shared domain every other area builds on. It offers
//   - the database: opening SQLite and migrating (db.ts), the tables' types (schema.ts), and
//     copying one database into another (copy-database.ts);
//   - the store: every read and write of stations, devices, series, readings, rollups, the
//     ingest error log, pull cursors, counters and calibrations (store/);
//   - co-location calibration: pairs, fits, their evaluation and the run of one (calibration/);
//   - the MQTT topic layout (topics.ts), how a device connects (device-connection.ts), and where the package's files are
//     (package-root.ts);
//   - the browser-safe domain: phenomena and units, quality flags, air-quality indices, location
//     privacy, local days and the API's response types.
// PostgreSQL has a door of its own, data/db-postgres.ts, imported only when used, so that a SQLite
// installation never loads its driver. The browser (web-components/) must not import this door:
// it re-exports database code. It imports the browser-safe modules directly (eslint.config.js).
export * from './db.js';
export * from './schema.js';
export * from './copy-database.js';
export * from './logger.js';
export * from './backup/backup-sqlite.js';
export * from './pending-migrations.js';
export * from './store/broker-password.js';
export * from './store/calibrations.js';
export * from './calibration/calibrate.js';
export * from './calibration/correct-points.js';
export * from './store/series-corrections.js';
export * from './calibration/epa-purpleair.js';
export * from './calibration/evaluate.js';
export * from './calibration/fit.js';
export * from './calibration/pairs.js';
export * from './store/counters.js';
export * from './store/cursors.js';
export * from './store/device-token.js';
export * from './store/devices.js';
export * from './store/enrolment-codes.js';
export * from './store/push-dead-letters.js';
export * from './store/alert-rules.js';
export * from './alerts/alert-kinds.js';
export * from './alerts/webhook-guard.js';
export * from './alerts/webhook-signature.js';
export { setHomeAssistant } from './store/home-assistant-optin.js';
export * from './store/ingest-errors.js';
export * from './store/latest.js';
export * from './store/read-series.js';
export * from './store/readings.js';
export * from './store/raw-retention.js';
export * from './store/archive-months.js';
export * from './store/rollups.js';
export * from './store/series.js';
export * from './store/stations.js';
export { REFERENCE_RULES, type ReferenceRule } from './reference-choice.js';
export * from './topics.js';
export * from './device-connection.js';
export * from './device-registration.js';
export { parseMapArgument, type JsonMapEntry } from './json-map.js';
export * from './enrolment-schemas.js';
export * from './package-root.js';
export * from './phenomena.js';
export * from './flags.js';
export * from './indices.js';
export * from './local-days.js';
export * from './location-privacy.js';
export type * from './api-types.js';
export * from './data-licence.js';
export * from './archive-manifest.js';
export type { ChangeSignal } from './change-signal.js';
