// Response schemas: the OpenAPI document's description of data/api-types.ts. The route handlers
// return values typed by api-types.ts, and OpenAPIHono type-checks them against these schemas, so
// the document and the types cannot drift apart silently.
import { z } from '@hono/zod-openapi';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_query' }),
      message: z.string().openapi({ example: 'query parameter "step" "2h": Invalid option' }),
    }),
  })
  .openapi('Error');

export const errorResponse = (description: string) => ({
  content: { 'application/json': { schema: ErrorSchema } },
  description,
});

const LabelSchema = z.object({ fr: z.string(), en: z.string() });

const dayField = z.enum(['today', 'yesterday']).optional().openapi({
  description:
    'ATMO without `date`: `today` when today (UTC) has enough hours (18 per pollutant), else `yesterday`.',
});

const dateField = z.string().nullable().openapi({
  description: 'ATMO: the UTC day (YYYY-MM-DD) the daily index describes; null for EAQI and US AQI (now).',
});

const pollutantField = z.enum(['pm25', 'pm10', 'no2', 'o3', 'so2']);

export const StationIndexSummarySchema = z
  .object({
    scheme: z.enum(['atmo', 'eaqi', 'usaqi']),
    available: z.boolean(),
    value: z.number().nullable(),
    level: z.number().int().min(0).max(6).openapi({ description: '0 unavailable, 1 best … 6 worst.' }),
    label: LabelSchema,
    colour: z.string(),
    dominant: pollutantField.nullable(),
    date: dateField,
    day: dayField,
  })
  .openapi('StationIndexSummary');

export const StationSummarySchema = z
  .object({
    id: z.string(),
    source: z.enum(['citizen', 'atmosud']),
    name: z.string(),
    lat: z.number().openapi({ description: 'Public latitude: a ~200 m cell centre for citizen stations.' }),
    lon: z.number().openapi({ description: 'Public longitude.' }),
    exactLocation: z.boolean(),
    exposure: z.enum(['outdoor', 'indoor']),
    address: z.string().nullable(),
    commune: z.string().nullable().openapi({ description: 'INSEE code of the commune, where known.' }),
    phenomena: z.array(z.string()),
    status: z.enum(['online', 'offline', 'never']).openapi({
      description:
        'online: a reading in the last hour (citizen), or an hourly mean that ended in the last 3 hours (AtmoSud, which publishes hourly means one to two hours late); offline: older; never: no reading.',
    }),
    lastSeen: z.string().nullable().openapi({ description: 'Newest reading, ISO 8601 UTC.' }),
    indicative: z.boolean().openapi({ description: 'Citizen data: indices are indicative, never official.' }),
    attribution: z.string().nullable(),
    licence: z.string().nullable(),
    distanceMetres: z.number().optional().openapi({ description: 'With `near`: distance from the centre.' }),
    index: StationIndexSummarySchema.optional().openapi({
      description:
        'With `index=atmo|eaqi|usaqi`: the current index in that scheme (as `/index` without `date`).',
    }),
  })
  .openapi('StationSummary');

export const StationsSchema = z
  .object({ stations: z.array(StationSummarySchema), count: z.number().int() })
  .openapi('Stations');

export const StationsGeoJsonSchema = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        id: z.string(),
        geometry: z.object({ type: z.literal('Point'), coordinates: z.array(z.number()) }),
        properties: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .openapi('StationsGeoJson');

export const SubIndexSchema = z
  .object({
    pollutant: z.string(),
    concentration: z.number().nullable().openapi({ description: 'The concentration classed (µg/m³).' }),
    value: z.number().nullable(),
    level: z.number().int().min(0).max(6),
    label: LabelSchema,
    colour: z.string(),
    available: z.boolean(),
    beyondIndex: z.boolean().optional(),
  })
  .openapi('SubIndex');

const indexFields = {
  scheme: z.enum(['atmo', 'eaqi', 'usaqi']),
  available: z.boolean(),
  value: z.number().nullable(),
  level: z.number().int().min(0).max(6).openapi({ description: '0 unavailable, 1 best … 6 worst.' }),
  label: LabelSchema,
  colour: z.string(),
  dominant: z.string().nullable(),
  subIndices: z.array(SubIndexSchema),
  beyondIndex: z.boolean().optional(),
};

export const IndexResultSchema = z.object(indexFields).openapi('IndexResult');

export const CurrentIndexSchema = z
  .object({ ...indexFields, date: dateField, day: dayField })
  .openapi('CurrentIndex');

export const LatestValueSchema = z
  .object({
    phenomenon: z.string(),
    sensor: z.string(),
    unit: z.string(),
    value: z.number(),
    t: z.number().int().openapi({ description: 'Epoch milliseconds.' }),
    time: z.string().openapi({ description: 'ISO 8601 UTC.' }),
    flags: z.array(z.string()),
    validation: z.string().nullable(),
  })
  .openapi('LatestValue');

export const LatestSchema = z
  .object({
    station: StationSummarySchema,
    values: z.array(LatestValueSchema),
    indices: z.object({ atmo: CurrentIndexSchema, eaqi: CurrentIndexSchema, usaqi: CurrentIndexSchema }),
    indicative: z.boolean(),
  })
  .openapi('Latest');

export const SeriesPointSchema = z
  .object({
    t: z.number().int(),
    value: z.number(),
    min: z.number(),
    max: z.number(),
    n: z.number().int(),
    flags: z.array(z.string()).optional(),
  })
  .openapi('SeriesPoint');

export const SeriesSchema = z
  .object({
    station: z.string(),
    phenomenon: z.string(),
    sensor: z.string(),
    unit: z.string(),
    step: z.enum(['raw', '1h', '1d']),
    from: z.string(),
    to: z.string(),
    points: z.array(SeriesPointSchema),
    next: z
      .string()
      .nullable()
      .openapi({ description: 'Pass as `cursor` for the next page; null when complete.' }),
  })
  .openapi('Series');

export const IndexSchema = z
  .object({
    ...indexFields,
    station: z.string(),
    date: z.string().nullable().openapi({
      description:
        'The day (ATMO, or the `date` asked; without `date` the ATMO index is today’s or yesterday’s), or null for EAQI and US AQI now.',
    }),
    day: dayField,
    indicative: z.boolean(),
  })
  .openapi('StationIndex');

export const CompareSchema = z
  .object({
    station: z.string(),
    phenomenon: z.string(),
    unit: z.string(),
    reference: z.object({ station: StationSummarySchema, distanceMetres: z.number() }).nullable(),
    points: z.array(
      z.object({ t: z.number().int(), value: z.number().nullable(), reference: z.number().nullable() }),
    ),
  })
  .openapi('Compare');

export const CommuneIndexSchema = z
  .object({
    insee: z.string(),
    date: z.string(),
    zone: z.string().nullable(),
    level: z.number().int(),
    label: LabelSchema,
    colour: z.string(),
    pollutants: z.object({
      no2: z.number().int().nullable(),
      so2: z.number().int().nullable(),
      o3: z.number().int().nullable(),
      pm10: z.number().int().nullable(),
      pm25: z.number().int().nullable(),
    }),
    official: z.literal(true),
    source: z.string(),
    pulledAt: z.string(),
    attribution: z.string(),
    licence: z.string(),
  })
  .openapi('CommuneIndex');

export const DeviceStatusSchema = z
  .object({
    device: z.string(),
    station: z.string(),
    format: z.enum(['native', 'airgradient', 'airrohr']),
    status: z.enum(['online', 'offline', 'never']),
    lastSeen: z.string().nullable(),
    lastReading: z.string().nullable(),
    valuesToday: z.number().int(),
    errors: z.array(
      z.object({
        time: z.string(),
        reason: z.string(),
        topic: z.string().nullable(),
        payload: z.string().nullable(),
      }),
    ),
  })
  .openapi('DeviceStatus');

export const DeviceConnectionSchema = z
  .object({
    id: z.string(),
    station: z.string(),
    format: z.enum(['native', 'airgradient', 'airrohr']),
    token: z.string().openapi({ description: 'Shown once: store it in the device.' }),
    topic: z.string(),
    mqtt: z.object({
      url: z.string(),
      host: z.string(),
      port: z.number().int(),
      username: z.string(),
      password: z.string(),
      qos: z.literal(1),
    }),
    serial: z.string().nullable(),
    airrohr: z
      .object({
        server: z.string(),
        path: z.string(),
        port: z.number().int(),
        https: z.boolean(),
        username: z.string(),
        password: z.string(),
      })
      .nullable(),
  })
  .openapi('DeviceConnection');

export const DeviceListSchema = z
  .object({
    devices: z.array(
      z.object({
        id: z.string(),
        station: z.string(),
        name: z.string(),
        format: z.enum(['native', 'airgradient', 'airrohr']),
        serial: z.string().nullable(),
        createdAt: z.string(),
        lastSeen: z.string().nullable(),
        lat: z.number().openapi({ description: 'Exact location (admin only).' }),
        lon: z.number(),
        publicLat: z.number(),
        publicLon: z.number(),
        exposure: z.enum(['outdoor', 'indoor']),
        exactLocation: z.boolean(),
      }),
    ),
    count: z.number().int(),
  })
  .openapi('DeviceList');
