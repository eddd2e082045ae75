// The response shapes of the public API (/api/v1) as zod schemas: the one source of the OpenAPI
// document (api/ registers its routes with them), of the TypeScript types the API produces and the
// widgets consume (data/api-types.ts infers them from here), and so of the compiler's check that
// every route answers what the document says. Value lists come from the registries that define
// them (data/schema.ts, data/indices.ts, data/store/read-series.ts). Node only: the browser imports
// data/api-types.ts, types only, so neither zod nor this file enters the widget bundle.
import { z } from '@hono/zod-openapi';
import { FLAG_NAMES, type FlagName } from './flags.js';
import { DEVICE_FORMATS, EXPOSURES, STATION_SOURCES } from './schema.js';
import { STATION_TYPES } from './station-types.js';
import { STEPS } from './store/read-series.js';
import { QUANTILES, type QuantileName } from './stats/quantiles.js';
import {
  CurrentIndexSchema,
  dayField,
  indexFields,
  LabelSchema,
  StationIndexSummarySchema,
} from './index-api-schemas.js';

export * from './index-api-schemas.js';

/** online: heard recently; offline: heard before; never: no reading yet. */
export const STATION_STATUSES = ['online', 'offline', 'never'] as const;

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_query' }),
      message: z.string().openapi({ example: 'query parameter "step" "2h": Invalid option' }),
    }),
  })
  .openapi('Error');

/** A station as the public API shows it: public location only. */
export const StationSummarySchema = z
  .object({
    id: z.string(),
    source: z.enum(STATION_SOURCES),
    name: z.string(),
    lat: z.number().openapi({ description: 'Public latitude: a ~200 m cell centre for citizen stations.' }),
    lon: z.number().openapi({ description: 'Public longitude.' }),
    exactLocation: z.boolean(),
    exposure: z.enum(EXPOSURES),
    address: z.string().nullable(),
    commune: z.string().nullable().openapi({ description: 'INSEE code of the commune, where known.' }),
    /** Phenomena this station has series for. */
    phenomena: z.array(z.string()),
    status: z.enum(STATION_STATUSES).openapi({
      description:
        'online: a reading in the last hour (citizen), or an hourly mean that ended in the last 3 hours (AtmoSud, which publishes hourly means one to two hours late); offline: older; never: no reading.',
    }),
    lastSeen: z.string().nullable().openapi({ description: 'Newest reading, ISO 8601 UTC.' }),
    indicative: z.boolean().openapi({
      description:
        'Citizen data: its values are indicative (a low-cost sensor). Indices are indicative at every station and say so themselves.',
    }),
    attribution: z.string().nullable(),
    licence: z.string().nullable(),
    stationType: z.enum(STATION_TYPES).nullable().openapi({
      description:
        'Type of influence of a reference station (EU directive 2008/50/EC): urban-background, suburban-background, rural-background, traffic or industrial; null when unknown (citizen stations).',
    }),
    distanceMetres: z.number().optional().openapi({ description: 'With `near`: distance from the centre.' }),
    index: StationIndexSummarySchema.optional().openapi({
      description:
        'With `index=atmo|eaqi|usaqi`: the current index in that scheme (as `/index` without `date`).',
    }),
    demo: z.literal(true).optional().openapi({
      description:
        'Present (true) when this instance serves demonstration data (`souffle demo`): a built-in stand-in for AtmoSud and a simulated city, not measurements; `attribution` says so too.',
    }),
  })
  .openapi('StationSummary');

export const StationsSchema = z
  .object({ stations: z.array(StationSummarySchema), count: z.number().int() })
  .openapi('Stations');

/** format=geojson: the properties are StationSummary without lat/lon. */
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

export const LatestValueSchema = z
  .object({
    phenomenon: z.string(),
    sensor: z.string(),
    unit: z.string(),
    value: z.number(),
    t: z.number().int().openapi({ description: 'Epoch milliseconds.' }),
    time: z.string().openapi({ description: 'ISO 8601 UTC.' }),
    flags: z.array(z.enum(FLAG_NAMES)),
    validation: z.string().nullable(),
    corrected: z.boolean().optional().openapi({
      description:
        'Present when the series has a co-location calibration: true when `value` is corrected (then `raw` and `calibrationId` say from what and by which), false with `values=raw` or outside its validity.',
    }),
    raw: z.number().optional().openapi({ description: 'Corrected values only: the value as measured.' }),
    calibrationId: z.number().int().optional(),
  })
  .openapi('LatestValue');

/** GET /api/v1/stations/{id}/latest */
export const LatestSchema = z
  .object({
    station: StationSummarySchema,
    values: z.array(LatestValueSchema),
    indices: z.object({ atmo: CurrentIndexSchema, eaqi: CurrentIndexSchema, usaqi: CurrentIndexSchema }),
    indicative: z.boolean().openapi({ description: 'Citizen data (as `station.indicative`).' }),
  })
  .openapi('Latest');

/** Steps 1d, 1mo, 1y: exact quantiles of the valid hourly means (docs/methods.md, "Quantiles"). */
const quantileFields = Object.fromEntries(
  QUANTILES.map(([name, p]) => [
    name,
    z
      .number()
      .nullable()
      .optional()
      .openapi({
        description: `1d, 1mo, 1y: the ${p * 100} % quantile of the valid hourly means (Hyndman–Fan type 7, as R, numpy and pandas by default); null without any.`,
      }),
  ]),
) as Record<QuantileName, z.ZodOptional<z.ZodNullable<z.ZodNumber>>>;

export const SeriesPointSchema = z
  .object({
    t: z
      .number()
      .int()
      .openapi({ description: "Reading's time, or start of the hour / local day, epoch ms." }),
    value: z.number().nullable().openapi({
      description: 'The reading, or the mean; null when every reading of the bucket was left out (n = 0).',
    }),
    min: z.number().nullable(),
    max: z.number().nullable(),
    n: z.number().int().openapi({ description: 'Readings in the mean (raw: 1).' }),
    flags: z.array(z.enum(FLAG_NAMES)).optional().openapi({ description: 'Raw readings: quality flags.' }),
    sd: z.number().nullable().optional().openapi({
      description:
        'Means: sample standard deviation (1h: of the readings; 1d, 1mo, 1y: of the valid hourly means).',
    }),
    coverage: z.number().optional().openapi({
      description:
        'Means: 1h, covered 5-minute slots / 12; 1d, 1mo, 1y: valid hourly means / hours of the local day, month or year.',
    }),
    valid: z.boolean().optional().openapi({
      description:
        'Means: 1h, at least 45 minutes covered and the hour over; 1d, at least 75 % of the hours valid and the day over; 1mo, 1y: at least 90 % of the hours valid and the period over. Invalid points are returned for analysis; indices and charts ignore them.',
    }),
    nFlagged: z.number().int().optional().openapi({
      description:
        'Means: readings left out for a quality flag (channel_disagreement, stuck, spike); 1d: over every hour of the day.',
    }),
    nHumid: z.number().int().optional().openapi({
      description: 'Means: readings in the mean flagged humid (over-read optical PM).',
    }),
    date: z.string().optional().openapi({
      description: '1d, 1mo, 1y: the local date YYYY-MM-DD, month YYYY-MM or year YYYY (SOUFFLE_TIMEZONE).',
    }),
    from: z
      .string()
      .optional()
      .openapi({ description: '1d, 1mo, 1y: first instant of the local period, ISO 8601 UTC.' }),
    to: z
      .string()
      .optional()
      .openapi({ description: '1d, 1mo, 1y: first instant of the next local period, ISO 8601 UTC.' }),
    validHours: z
      .number()
      .int()
      .optional()
      .openapi({ description: '1d, 1mo, 1y: valid hourly means of the period.' }),
    expectedHours: z
      .number()
      .int()
      .optional()
      .openapi({ description: '1d, 1mo, 1y: hours of the local period (a day: 23, 24 or 25).' }),
    ...quantileFields,
    raw: z.number().nullable().optional().openapi({
      description:
        'Corrected points only: the value before correction (the station has a co-location calibration; `values=raw` returns raw values instead).',
    }),
    calibrationId: z.number().int().optional().openapi({
      description: 'Corrected points only: the calibration applied (GET /api/v1/stations/{id}/calibrations).',
    }),
  })
  .openapi('SeriesPoint');

/** GET /api/v1/stations/{id}/series */
export const SeriesSchema = z
  .object({
    station: z.string(),
    phenomenon: z.string(),
    /** The sensor series shown (a station may carry several for one phenomenon; `sensor=` picks one). */
    sensor: z.string(),
    unit: z.string(),
    step: z.enum(STEPS),
    from: z.string(),
    to: z.string(),
    corrected: z.boolean().optional().openapi({
      description:
        'Present when the series has a co-location calibration: true when its points are corrected (each corrected point carries `raw` and `calibrationId`), false with `values=raw`.',
    }),
    points: z.array(SeriesPointSchema),
    next: z
      .string()
      .nullable()
      .openapi({ description: 'Pass as `cursor` for the next page; null when complete.' }),
  })
  .openapi('Series');

/** GET /api/v1/stations/{id}/index */
export const IndexSchema = z
  .object({
    ...indexFields,
    station: z.string(),
    date: z.string().nullable().openapi({
      description:
        'The local day (ATMO, or the `date` asked; without `date` the ATMO index is today’s or yesterday’s), or null for EAQI and US AQI now.',
    }),
    day: dayField,
  })
  .openapi('StationIndex');

/** GET /api/v1/communes/{insee}/index: the official ATMO index published by AtmoSud. */
export const CommuneIndexSchema = z
  .object({
    insee: z.string(),
    /** Day of the index, YYYY-MM-DD (the local day AtmoSud publishes it for). */
    date: z.string(),
    zone: z.string().nullable(),
    /** ATMO code 0..6 (7, 8: incident states declared by AtmoSud). */
    level: z.number().int(),
    label: LabelSchema,
    colour: z.string(),
    /** Sub-index (ATMO code) per pollutant, null when not published. */
    pollutants: z.object({
      no2: z.number().int().nullable(),
      so2: z.number().int().nullable(),
      o3: z.number().int().nullable(),
      pm10: z.number().int().nullable(),
      pm25: z.number().int().nullable(),
    }),
    official: z.literal(true),
    indicative: z.literal(false).openapi({
      description: 'The commune index is the official ATMO index, not an indicative one.',
    }),
    source: z.string(),
    pulledAt: z.string(),
    attribution: z.string(),
    licence: z.string(),
  })
  .openapi('CommuneIndex');

/** One value of a json-map device: a JSON path or topic, its phenomenon and the unit it is sent in. */
export const JsonMapEntrySchema = z
  .object({ path: z.string(), phenomenon: z.string(), unit: z.string() })
  .openapi('JsonMapEntry');

/** GET /api/v1/devices/{id}/status (device owner: Basic id:token or Bearer token). */
export const DeviceStatusSchema = z
  .object({
    device: z.string(),
    station: z.string(),
    format: z.enum(DEVICE_FORMATS),
    status: z.enum(STATION_STATUSES),
    /** Last message the ingest worker accepted from the device, ISO 8601, or null. */
    lastSeen: z.string().nullable(),
    /** Newest stored reading, ISO 8601, or null. */
    lastReading: z.string().nullable(),
    /** Values stored since 00:00 UTC today. */
    valuesToday: z.number().int(),
    /** Readings of the last 24 hours carrying each quality flag (one reading may carry several). */
    flagged24h: z
      .object({
        humid: z.number().int(),
        channel_disagreement: z.number().int(),
        stuck: z.number().int(),
        spike: z.number().int(),
      } satisfies Record<FlagName, z.ZodNumber>)
      .openapi({
        description:
          'Readings of the last 24 hours carrying each quality flag, by reason (docs/methods.md, "Quality control"); a reading may carry several.',
        example: { humid: 120, channel_disagreement: 0, stuck: 45, spike: 2 },
      }),
    ignored: z.array(z.string()).openapi({
      description:
        'Value types the device sent that Souffle does not store (unknown to it, or not kept: particle counts, PM4, GPS of a device not marked mobile, …), sorted; docs/ingest.md, "Wire formats".',
      example: ['SPS30_N05', 'SPS30_P4'],
    }),
    /** Whether the device is mobile: its GPS fixes form its track (GET /api/v1/stations/{id}/track). */
    mobile: z.boolean(),
    /** Whether its station is announced to Home Assistant (docs/api.md, "Home Assistant discovery"). */
    homeAssistant: z.boolean(),
    /** A json-map device's mapping; absent for other formats. */
    map: z.array(JsonMapEntrySchema).optional(),
    /** Newest first: why values or messages were rejected. */
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

/** How a device connects (data/device-connection.ts): the token appears once, here. */
export const DeviceConnectionSchema = z
  .object({
    id: z.string(),
    station: z.string(),
    format: z.enum(DEVICE_FORMATS),
    token: z.string().openapi({ description: 'Shown once: store it in the device.' }),
    /** The topic the device publishes to. */
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
    /** A json-map device's mapping, every unit spelled out (docs/ingest.md, "JSON mapping"). */
    map: z.array(JsonMapEntrySchema).nullable().optional(),
    /** For Sensor.Community kits: the "Send data to own API" settings. */
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
        format: z.enum(DEVICE_FORMATS),
        serial: z.string().nullable(),
        createdAt: z.string(),
        lastSeen: z.string().nullable(),
        lat: z.number().openapi({ description: 'Exact location (admin only).' }),
        lon: z.number(),
        publicLat: z.number(),
        publicLon: z.number(),
        exposure: z.enum(EXPOSURES),
        exactLocation: z.boolean(),
      }),
    ),
    count: z.number().int(),
  })
  .openapi('DeviceList');
