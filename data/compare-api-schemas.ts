// GET /api/v1/stations/{id}/compare: the shapes of the comparison of a station with a reference
// station (data/reference-choice.ts picks it, data/comparison-metrics.ts measures the agreement).
// Node only, like data/api-schemas.ts; the widgets import the inferred types (data/api-types.ts).
import { z } from '@hono/zod-openapi';
import { StationSummarySchema } from './api-schemas.js';
import { STATION_TYPES } from './station-types.js';

const stationType = z.enum(STATION_TYPES).nullable();

const AgreementSchema = z
  .object({
    n: z.number().int().openapi({ description: 'Pairs the statistics are computed on.' }),
    meanSensor: z.number().nullable(),
    meanReference: z.number().nullable(),
    bias: z
      .number()
      .nullable()
      .openapi({ description: 'Mean of station − reference (negative: reads low).' }),
    mae: z.number().nullable().openapi({ description: 'Mean absolute error.' }),
    rmse: z.number().nullable().openapi({ description: 'Root mean square error.' }),
    r2: z.number().nullable().openapi({ description: 'R² of the linear fit (square of Pearson’s r).' }),
    slope: z
      .number()
      .nullable()
      .openapi({ description: 'station = slope · reference + intercept (ordinary least squares).' }),
    intercept: z.number().nullable(),
    enough: z.boolean().openapi({
      description: 'Whether n reaches the minimum (24 hours; 3 days) for the statistics, null otherwise.',
    }),
  })
  .openapi('CompareAgreement');

export const CompareMetricsSchema = z
  .object({
    hourly: AgreementSchema,
    daily: AgreementSchema.extend({
      days: z.number().int().openapi({ description: 'Local days with ≥ 75 % of their hours paired.' }),
    }),
    coverage: z.object({
      hours: z.number().int().openapi({ description: 'Completed hours in the window.' }),
      sensorHours: z.number().int(),
      referenceHours: z.number().int(),
      pairedHours: z.number().int(),
      fraction: z.number().openapi({ description: 'pairedHours / hours.' }),
    }),
  })
  .openapi('CompareMetrics');

const NearbyStationSchema = z.object({
  id: z.string(),
  name: z.string(),
  stationType,
  distanceMetres: z.number(),
});

export const ReferenceChoiceSchema = z
  .object({
    how: z.enum(['asked', 'nearest-background', 'nearest-unknown-type', 'nearest-any', 'none']).openapi({
      description:
        'asked: `reference=<id>`; nearest-background: the default rule found a background station; nearest-unknown-type: none, but a station of unknown type; nearest-any: `reference=nearest-any`; none: no station fits.',
    }),
    radiusMetres: z.number(),
    explanation: z.string().openapi({ description: 'The choice in one English sentence.' }),
    passedOver: z.array(NearbyStationSchema.extend({ reason: z.enum(['not-background', 'unknown-type']) })),
    nearestOutside: NearbyStationSchema.nullable().openapi({
      description: 'With none chosen: the nearest station measuring the phenomenon, to ask for.',
    }),
  })
  .openapi('ReferenceChoice');

export const CorrectionSchema = z
  .object({
    calibrationId: z.string(),
    description: z.string(),
    metrics: CompareMetricsSchema.openapi({ description: 'The same metrics on the corrected values.' }),
  })
  .openapi('CompareCorrection');

/** Hourly means, bucket start `t`; either side null where it has no valid mean for that hour. */
export const CompareSchema = z
  .object({
    station: z.string(),
    phenomenon: z.string(),
    unit: z.string(),
    from: z.string(),
    to: z.string(),
    reference: z
      .object({
        station: StationSummarySchema,
        distanceMetres: z.number(),
        stationType,
        sharedPhenomena: z.array(z.string()).openapi({ description: 'Phenomena both stations measure.' }),
      })
      .nullable(),
    choice: ReferenceChoiceSchema,
    points: z.array(
      z.object({
        t: z.number().int(),
        value: z.number().nullable(),
        reference: z.number().nullable(),
        corrected: z
          .number()
          .nullable()
          .optional()
          .openapi({ description: 'With a calibration: the corrected hourly mean.' }),
      }),
    ),
    metrics: CompareMetricsSchema,
    correction: CorrectionSchema.nullable().openapi({
      description: 'The calibration applied to `corrected`, or null when the station has none.',
    }),
  })
  .openapi('Compare');
