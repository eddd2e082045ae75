// The response shapes of the analysts' reads: the phenomena registry, every station's latest value
// of a phenomenon, and a station's profiles. Part of the API's schemas (api-schemas.ts), apart
// because they are a subject of their own (issue 17).
import { z } from '@hono/zod-openapi';
import { FLAG_NAMES } from './flags.js';
import { STATION_SOURCES } from './schema.js';
import { PROFILES } from './store/profiles.js';

const LabelSchema = z.object({ fr: z.string(), en: z.string() });

export const PhenomenonInfoSchema = z
  .object({
    id: z.string().openapi({ example: 'pm25' }),
    label: LabelSchema,
    unit: z.string().openapi({ description: 'Canonical unit: every stored and exported value is in it.' }),
    decimals: z.number().int().openapi({ description: 'Decimals worth showing.' }),
    range: z.object({ min: z.number(), max: z.number() }).openapi({
      description: 'Physical range in the canonical unit: values outside are rejected at ingest.',
    }),
    conversions: z.array(z.object({ unit: z.string(), factor: z.number(), offset: z.number() })).openapi({
      description:
        'Other units accepted at ingest: canonical = value × factor + offset (gases at 20 °C and 1013 hPa, Directive 2008/50/EC).',
    }),
    opticalPm: z
      .boolean()
      .openapi({ description: 'Measured by optical counters, which over-read in humid air.' }),
    correctionInput: z.boolean().openapi({
      description: 'An input of corrections (CF=1 PM2.5, particle counts), not shown on its own.',
    }),
    stations: z
      .object({
        citizen: z.number().int(),
        atmosud: z.number().int(),
        'sensor.community': z.number().int(),
        opensensemap: z.number().int(),
      })
      .openapi({ description: 'Stations with a series of it, per source.' }),
    sensors: z.array(z.object({ sensor: z.string(), stations: z.number().int() })).openapi({
      description: 'Sensors seen measuring it (series names), with how many stations, most first.',
    }),
  })
  .openapi('PhenomenonInfo');

export const PhenomenaSchema = z
  .object({ phenomena: z.array(PhenomenonInfoSchema), count: z.number().int() })
  .openapi('Phenomena');

export const StationLatestSchema = z
  .object({
    station: z.string(),
    source: z.enum(STATION_SOURCES),
    name: z.string(),
    lat: z.number().openapi({ description: 'Public latitude (a ~200 m cell centre for citizen stations).' }),
    lon: z.number(),
    sensor: z.string(),
    unit: z.string(),
    value: z.number(),
    t: z.number().int().openapi({ description: 'Epoch milliseconds.' }),
    time: z.string().openapi({ description: 'ISO 8601 UTC.' }),
    flags: z.array(z.enum(FLAG_NAMES)),
    validation: z.string().nullable(),
    indicative: z.boolean().openapi({ description: 'Citizen data (a low-cost sensor).' }),
    licence: z.string(),
    attribution: z.string(),
  })
  .openapi('StationLatest');

export const BulkLatestSchema = z
  .object({
    phenomenon: z.string(),
    unit: z.string(),
    count: z.number().int(),
    results: z.array(StationLatestSchema),
  })
  .openapi('BulkLatest');

export const ProfilePointSchema = z
  .object({
    key: z.number().int().openapi({
      description: 'Local hour 0–23, ISO weekday 1 (Monday) – 7 (Sunday), or month 1–12.',
    }),
    hours: z.number().int().openapi({ description: 'Valid hourly means in the group.' }),
    mean: z.number().nullable(),
    sd: z.number().nullable(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    q25: z.number().nullable(),
    median: z.number().nullable(),
    q75: z.number().nullable(),
  })
  .openapi('ProfilePoint');

export const ProfileSchema = z
  .object({
    station: z.string(),
    phenomenon: z.string(),
    sensor: z.string(),
    unit: z.string(),
    profile: z.enum(PROFILES),
    timeZone: z.string(),
    from: z.string(),
    to: z.string(),
    points: z.array(ProfilePointSchema),
  })
  .openapi('Profile');
