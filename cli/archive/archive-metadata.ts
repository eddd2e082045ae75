// The archive's descriptive files: a Frictionless Data Package (datapackage.json, Data Package
// v2 shape: https://datapackage.org/standard/data-package/) whose resources are each source's
// Parquet and gzipped CSV partitions with their Table Schema, licences and sources, plus the
// temporal and spatial coverage; and a CITATION.cff (Citation File Format 1.2.0) so that a
// deposit on Zenodo or data.gouv.fr is cited the same way everywhere.
import {
  DATABASE_LICENCE,
  SOURCE_LICENCES,
  type Manifest,
  type SourceExtent,
  type StationSource,
} from '../../data/index.js';
import { exportColumns } from '../../api/index.js';

/** Who publishes each source's data, for `sources` and the citation's authors. */
const SOURCE_TITLES: Record<StationSource, { title: string; path?: string }> = {
  citizen: { title: 'Souffle contributors (citizen sensors)' },
  atmosud: {
    title: 'AtmoSud, air quality monitoring in Provence-Alpes-Côte d’Azur',
    path: 'https://www.atmosud.org',
  },
  'sensor.community': { title: 'Sensor.Community', path: 'https://sensor.community' },
  opensensemap: { title: 'openSenseMap', path: 'https://opensensemap.org' },
};

/** Frictionless Table Schema types of the raw export's columns (api/export/export-formats.ts). */
const FIELD_TYPES: Record<string, { type: string; description: string; format?: string }> = {
  station: { type: 'string', description: 'Station id (GET /api/v1/stations/{id})' },
  source: { type: 'string', description: 'Network the station belongs to' },
  lat: { type: 'number', description: 'Public latitude (WGS 84; citizen stations: centre of a ~200 m cell)' },
  lon: { type: 'number', description: 'Public longitude (WGS 84)' },
  phenomenon: { type: 'string', description: 'Phenomenon id (GET /api/v1/phenomena)' },
  sensor: { type: 'string', description: 'Sensor model and channel' },
  unit: { type: 'string', description: 'Canonical unit of the phenomenon' },
  time: { type: 'datetime', description: 'Time of the reading, UTC' },
  value: { type: 'number', description: 'The reading, rounded to the phenomenon’s decimals' },
  flags: { type: 'string', description: 'Quality flags joined with | (docs/methods.md)' },
  validation: { type: 'string', description: 'Reference data: validated or provisional' },
  licence: { type: 'string', description: 'Licence of the row’s data (SPDX id)' },
  attribution: { type: 'string', description: 'Credit the row’s data requires' },
};

export function tableSchema() {
  return {
    fields: exportColumns('raw').map((name) => ({
      name,
      ...(FIELD_TYPES[name] ?? { type: 'string', description: '' }),
    })),
    primaryKey: ['station', 'phenomenon', 'sensor', 'time'],
  };
}

export type ArchiveInfo = {
  manifest: Manifest;
  version: string;
  /** ISO 8601 build time. */
  created: string;
  extents: SourceExtent[];
  /** The platform's public address, if known (homepage, citation URL). */
  publicUrl?: string;
};

const licenceOf = (source: StationSource) => ({
  name: SOURCE_LICENCES[source].licence,
  path: DATABASE_LICENCE.url,
  title: `Open Database License 1.0 (${SOURCE_LICENCES[source].attribution})`,
});

export function dataPackage(info: ArchiveInfo) {
  const parts = Object.values(info.manifest.partitions);
  const sources = [...new Set(parts.map((p) => p.source))].sort();
  const months = parts.map((p) => p.month).sort();
  const boxes = info.extents.filter((e) => sources.includes(e.source) && e.bbox).map((e) => e.bbox!);
  const bbox =
    boxes.length === 0
      ? null
      : [
          Math.min(...boxes.map((b) => b[0])),
          Math.min(...boxes.map((b) => b[1])),
          Math.max(...boxes.map((b) => b[2])),
          Math.max(...boxes.map((b) => b[3])),
        ];
  const schema = tableSchema();
  const resources = sources.flatMap((source) => {
    const mine = parts.filter((p) => p.source === source).sort((a, b) => a.month.localeCompare(b.month));
    const common = {
      schema,
      licenses: [licenceOf(source)],
      sources: [SOURCE_TITLES[source]],
    };
    return [
      {
        name: `readings-${source}-parquet`,
        title: `${SOURCE_TITLES[source].title}: raw readings (Parquet)`,
        path: mine.map((p) => p.parquet.path),
        format: 'parquet',
        mediatype: 'application/vnd.apache.parquet',
        bytes: mine.reduce((n, p) => n + p.parquet.bytes, 0),
        ...common,
      },
      {
        name: `readings-${source}-csv`,
        title: `${SOURCE_TITLES[source].title}: raw readings (CSV, gzip)`,
        path: mine.map((p) => p.csv.path),
        format: 'csv',
        mediatype: 'text/csv',
        encoding: 'utf-8',
        compression: 'gz',
        dialect: { header: true, delimiter: ',', lineTerminator: '\r\n' },
        bytes: mine.reduce((n, p) => n + p.csv.bytes, 0),
        ...common,
      },
    ];
  });
  return {
    $schema: 'https://datapackage.org/profiles/2.0/datapackage.json',
    name: 'souffle-air-quality-readings',
    id: info.publicUrl ? `${info.publicUrl.replace(/\/$/, '')}/archive/` : undefined,
    title: 'Souffle: citizen and reference air-quality readings',
    description:
      'Raw readings of citizen air-quality sensors and official AtmoSud stations gathered by a Souffle platform, one Hive-partitioned file per source and UTC month (archive/source=…/year=…/month=…), as Parquet and gzipped CSV with the same columns. Quality flags as documented in docs/methods.md.',
    version: info.version,
    created: info.created,
    homepage: info.publicUrl,
    keywords: ['air quality', 'qualité de l’air', 'PM2.5', 'NO2', 'citizen science', 'AtmoSud'],
    licenses: [{ name: DATABASE_LICENCE.id, path: DATABASE_LICENCE.url, title: 'Open Database License 1.0' }],
    sources: sources.map((s) => SOURCE_TITLES[s]),
    contributors: sources.map((s) => ({ title: SOURCE_LICENCES[s].attribution, roles: ['author'] })),
    // Not in the standard (which allows extra properties): the coverage DCAT and Zenodo ask for.
    temporalCoverage:
      months.length === 0 ? null : { start: `${months[0]}-01`, end: lastDay(months[months.length - 1]!) },
    spatialCoverage: bbox === null ? null : { type: 'bbox', crs: 'EPSG:4326', bbox },
    resources,
  };
}

function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y!, m!, 0)).toISOString().slice(0, 10);
}

const yamlString = (s: string) => JSON.stringify(s);

export function citationCff(info: ArchiveInfo): string {
  const sources = [...new Set(Object.values(info.manifest.partitions).map((p) => p.source))].sort();
  const authors = (sources.length > 0 ? sources : (['citizen'] as StationSource[])).map(
    (s) => `  - name: ${yamlString(SOURCE_LICENCES[s].attribution)}`,
  );
  return [
    'cff-version: 1.2.0',
    'message: "If you use these data, please cite them as below, and credit each source as its licence asks."',
    'type: dataset',
    'title: "Souffle: citizen and reference air-quality readings"',
    `version: ${yamlString(info.version)}`,
    `date-released: ${info.created.slice(0, 10)}`,
    'authors:',
    ...authors,
    `license: ${DATABASE_LICENCE.id}`,
    ...(info.publicUrl ? [`url: ${yamlString(`${info.publicUrl.replace(/\/$/, '')}/archive/`)}`] : []),
    'keywords:',
    '  - air quality',
    '  - citizen science',
    '  - PM2.5',
    '',
  ].join('\n');
}
