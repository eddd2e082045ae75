// The ordered list of migrations. Listed explicitly rather than read from the folder so that they
// run the same from TypeScript sources, a bundle, or a test, whatever the working directory.
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-device-broker-hash.js';
import * as m0003 from './0003-timescale-readings.js';
import * as m0004 from './0004-hourly-validity.js';
import * as m0005 from './0005-calibrations.js';
import * as m0006 from './0006-station-type.js';
import * as m0007 from './0007-firmware-fidelity.js';
import * as m0008 from './0008-citizen-enrolment.js';
import * as m0009 from './0009-imported-sources.js';
import * as m0010 from './0010-device-kinds-and-locations.js';
import * as m0011 from './0011-alerts.js';
import * as m0012 from './0012-current-values.js';

const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-device-broker-hash': m0002,
  '0003-timescale-readings': m0003,
  '0004-hourly-validity': m0004,
  '0005-calibrations': m0005,
  '0006-station-type': m0006,
  '0007-firmware-fidelity': m0007,
  '0008-citizen-enrolment': m0008,
  '0009-imported-sources': m0009,
  '0010-device-kinds-and-locations': m0010,
  '0011-alerts': m0011,
  '0012-current-values': m0012,
};

/** Every migration this version knows, in order (a restore refuses a backup with others). */
export const migrationNames: readonly string[] = Object.keys(migrations);

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
