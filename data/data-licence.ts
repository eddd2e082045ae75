// Licence and attribution of the data Souffle publishes, per row: every export row, every bulk
// latest value and the archive say whose data it is and under which terms, so a file that travels
// alone (a spreadsheet mailed on, one Parquet file of the archive) still carries them.
// Reference data: AtmoSud publishes its open data under the ODbL and asks to be credited "AtmoSud"
// wherever they are shown or exported. Citizen data: Souffle's contributors publish under the same
// licence (a derived database mixing both must be ODbL anyway: share-alike). Browser-safe.
import type { StationSource } from './schema.js';

export type DataLicence = { licence: string; attribution: string };

/** The licence of the whole database (HTTP headers, GeoJSON members, the archive's datapackage). */
export const DATABASE_LICENCE = {
  id: 'ODbL-1.0',
  url: 'https://opendatacommons.org/licenses/odbl/1-0/',
  attribution:
    'Reference data (c) AtmoSud, www.atmosud.org, ODbL 1.0; citizen data (c) Souffle contributors, ODbL 1.0',
} as const;

/** Per source, for stations whose row carries no licence of its own (citizen stations). */
export const SOURCE_LICENCES: Readonly<Record<StationSource, DataLicence>> = {
  citizen: { licence: 'ODbL-1.0', attribution: 'Souffle contributors' },
  atmosud: { licence: 'ODbL-1.0', attribution: 'AtmoSud' },
  // Imported networks (ingest/networks/): kept under the ODbL like the rest of the database, and
  // credited to their contributors (docs/ingest.md, "Imported networks", on checking their terms).
  'sensor.community': { licence: 'ODbL-1.0', attribution: 'Sensor.Community contributors' },
  opensensemap: { licence: 'ODbL-1.0', attribution: 'openSenseMap contributors' },
};

/** A station's data licence: its own (set by the AtmoSud puller), else its source's. */
export function dataLicenceOf(station: {
  source: StationSource;
  licence?: string | null;
  attribution?: string | null;
}): DataLicence {
  const fallback = SOURCE_LICENCES[station.source];
  return {
    licence: station.licence || fallback.licence,
    attribution: station.attribution || fallback.attribution,
  };
}
