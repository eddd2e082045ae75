// The index shapes of the public API (ATMO, EAQI, US AQI): an index, its sub-indices and the
// evidence it states (hours, inputs, reason), and the badge of the station list. Part of the API's
// schemas (api-schemas.ts, which re-exports these), apart because indices are a subject of their own.
import { z } from '@hono/zod-openapi';
import { INDEX_LEVELS, INDEX_SCHEMES, POLLUTANTS, UNAVAILABLE_REASONS, type IndexLevel } from './indices.js';

/**
 * Which local day a current ATMO index describes. ATMO is a daily index (75 % of the local day's
 * hours per pollutant): without a date the API gives today's when today has enough completed hours,
 * else yesterday's.
 */
export const INDEX_DAYS = ['today', 'yesterday'] as const;

export const LabelSchema = z.object({ fr: z.string(), en: z.string() });

/** An index level, typed as the registries' IndexLevel and documented as its integer range. */
export const levelField = z
  .number()
  .int()
  .min(INDEX_LEVELS[0])
  .max(INDEX_LEVELS[INDEX_LEVELS.length - 1]!)
  .refine((level): level is IndexLevel => (INDEX_LEVELS as readonly number[]).includes(level));

export const dayField = z.enum(INDEX_DAYS).optional().openapi({
  description:
    'ATMO without `date`: `today` when the local day so far has enough completed hours (75 % of its hours per pollutant), else `yesterday`.',
});

export const dateField = z.string().nullable().openapi({
  description:
    'ATMO: the local day (YYYY-MM-DD, in the server’s zone, Europe/Paris by default) the daily index describes; null for EAQI and US AQI (now).',
});

/** What every index Souffle computes says about itself: where it comes from and what it lacks. */
export const evidenceFields = {
  pollutants: z.array(z.enum(POLLUTANTS)).openapi({
    description: 'The pollutants that had a sub-index (a PM-only sensor: `["pm25","pm10"]`).',
  }),
  partial: z.boolean().openapi({
    description:
      'Available, but some pollutant of the scheme had no sub-index: e.g. an ATMO of particles only, not of the five pollutants.',
  }),
  reason: z.enum(UNAVAILABLE_REASONS).optional().openapi({
    description:
      'Only when `level` is 0 "Indisponible": `not-enough-hours` (a daily value has fewer hourly means than 75 % of the local day\'s hours), `no-pollutant` (the station measures none of the scheme\'s pollutants), `no-recent-hour` (no recent enough completed hour for an index of now).',
  }),
  from: z.string().openapi({ description: 'Start of the hours the index was computed over, ISO 8601 UTC.' }),
  until: z.string().openapi({
    description:
      'End (exclusive) of those hours, ISO 8601 UTC: the hour in progress is never used, so for an index of now or of today it is at most the start of the current hour.',
  }),
  indicative: z.boolean().openapi({
    description:
      'Always true for an index Souffle computes at a station, citizen or AtmoSud: the official ATMO index is the commune index (`/communes/{insee}/index`).',
  }),
  corrected: z.literal(true).optional().openapi({
    description:
      'Present when some hourly means the index used were corrected by a co-location calibration (docs/methods.md, "Calibration"); absent when every hour is as measured.',
  }),
  calibrationIds: z.array(z.number().int()).optional().openapi({
    description: 'With `corrected`: the calibrations behind those hours (`GET /stations/{id}/calibrations`).',
  }),
};

export const IndexInputSchema = z
  .object({
    pollutant: z.enum(POLLUTANTS),
    value: z.number().nullable().openapi({
      description:
        'The concentration classed (µg/m³): the day’s maximum or mean (ATMO), the latest completed hour (EAQI), the NowCast or the day’s mean (US AQI); null when the hours fall short.',
    }),
    hours: z
      .number()
      .int()
      .openapi({ description: 'Hourly means used (NowCast: present among the last 12).' }),
    needed: z.number().int().openapi({
      description:
        'Hourly means needed: 75 % of the local day’s hours (18 of 24, 18 of 23, 19 of 25), 1 for the EAQI, 2 of the 3 latest for the NowCast.',
    }),
    from: z.string().openapi({ description: 'Start of the first hour used, ISO 8601 UTC.' }),
    until: z.string().openapi({ description: 'End of the last hour used, ISO 8601 UTC.' }),
    humidHours: z.number().int().openapi({
      description:
        'Of the hours used, those whose PM readings include some flagged humid (optical sensors over-read in humid air): kept in the means, not corrected for humidity.',
    }),
  })
  .openapi('IndexInput');

/** A station's current index in the station list (`GET /stations?index=`): the badge, no sub-indices. */
export const StationIndexSummarySchema = z
  .object({
    scheme: z.enum(INDEX_SCHEMES),
    available: z.boolean(),
    value: z.number().nullable(),
    level: levelField.openapi({ description: '0 unavailable, 1 best … 6 worst.' }),
    label: LabelSchema,
    colour: z.string(),
    dominant: z.enum(POLLUTANTS).nullable(),
    beyondIndex: z.boolean().optional().openapi({ description: 'US AQI: capped at 500, beyond the index.' }),
    date: dateField,
    day: dayField,
    ...evidenceFields,
  })
  .openapi('StationIndexSummary');

export const SubIndexSchema = z
  .object({
    pollutant: z.enum(POLLUTANTS),
    concentration: z.number().nullable().openapi({ description: 'The concentration classed (µg/m³).' }),
    value: z.number().nullable(),
    level: levelField,
    label: LabelSchema,
    colour: z.string(),
    available: z.boolean(),
    beyondIndex: z.boolean().optional(),
  })
  .openapi('SubIndex');

export const indexFields = {
  scheme: z.enum(INDEX_SCHEMES),
  available: z.boolean(),
  value: z.number().nullable(),
  level: levelField.openapi({ description: '0 unavailable, 1 best … 6 worst.' }),
  label: LabelSchema,
  colour: z.string(),
  dominant: z.enum(POLLUTANTS).nullable(),
  subIndices: z.array(SubIndexSchema),
  beyondIndex: z.boolean().optional(),
  ...evidenceFields,
  inputs: z.array(IndexInputSchema).openapi({
    description:
      'Per pollutant of the scheme that had any hourly mean in those hours: the value classed and the hours.',
  }),
};

/** An index "now" (no date asked): `date` and `day` say which day an ATMO index describes. */
export const CurrentIndexSchema = z
  .object({ ...indexFields, date: dateField, day: dayField })
  .openapi('CurrentIndex');
