// Shapes of the calibration endpoints (api/routes/calibrations.ts): a calibration run's report and
// a station's stored versions with their evidence (data/calibration/, docs/methods.md "Calibration").
import { z } from '@hono/zod-openapi';
import { MODELS } from '../../data/calibration/fit.js';

const num = z.number().nullable();

const AgreementSchema = z
  .object({
    n: z.number().int(),
    rmse: num,
    bias: num.openapi({ description: 'Mean of sensor − reference.' }),
    r2: num,
    slope: num.openapi({ description: 'Of sensor = slope·reference + intercept.' }),
    intercept: num,
  })
  .openapi('CalibrationAgreement');

const AgreementPairSchema = z.object({ hourly: AgreementSchema, daily: AgreementSchema });
const TargetCheckSchema = z.object({
  r2: z.boolean(),
  slope: z.boolean(),
  intercept: z.boolean(),
  rmse: z.boolean(),
  all: z.boolean(),
});
const CoefficientsSchema = z
  .object({ a: z.number(), b: z.number().optional(), c: z.number() })
  .openapi({ description: 'corrected = a·raw (+ b·RH) + c' });
const PeriodSchema = z.object({ from: z.number(), to: z.number(), n: z.number().int() });

export const EvaluationSchema = z
  .object({
    model: z.enum(MODELS),
    coefficients: CoefficientsSchema,
    training: PeriodSchema,
    evaluation: PeriodSchema,
    raw: AgreementPairSchema,
    corrected: AgreementPairSchema,
    epa: AgreementPairSchema.nullable().openapi({
      description: 'The US EPA PurpleAir formula on the same hours (PM2.5 with humidity only).',
    }),
    targets: z.object({ hourly: TargetCheckSchema, daily: TargetCheckSchema }),
  })
  .openapi('CalibrationEvaluation');

const TargetsSchema = z.object({
  r2Min: z.number(),
  slopeMin: z.number(),
  slopeMax: z.number(),
  interceptMax: z.number(),
  rmseMax: z.number(),
});

export const CalibrationReportSchema = z
  .object({
    device: z.string(),
    station: z.string(),
    phenomenon: z.string(),
    sensor: z.string(),
    reference: z.object({
      id: z.string(),
      name: z.string(),
      distanceMetres: z.number().openapi({ description: "From the device's station." }),
      choice: z.string().openapi({ description: 'Why this station, in one sentence.' }),
    }),
    window: z.object({ from: z.number(), to: z.number() }),
    hours: z.object({
      sensor: z.number().int(),
      reference: z.number().int(),
      paired: z.number().int(),
      withHumidity: z.number().int(),
    }),
    evaluation: EvaluationSchema,
    targets: TargetsSchema.nullable(),
    calibrationId: z.number().int().nullable(),
    validFrom: z.number().nullable(),
  })
  .openapi('CalibrationReport');

export const NewCalibrationSchema = z
  .strictObject({
    reference: z.string().min(1).max(128).openapi({
      description:
        'A reference station id, or `nearest` (the nearest background station measuring the phenomenon within `radius`, else one of unknown type) or `nearest-any` (traffic and industrial stations too).',
    }),
    radius: z
      .number()
      .int()
      .min(1)
      .max(200_000)
      .optional()
      .openapi({ description: 'Search radius of nearest and nearest-any, metres (default 25000).' }),
    phenomenon: z.string().min(1).max(32).optional().openapi({ description: 'Default pm25.' }),
    sensor: z.string().min(1).max(128).optional(),
    model: z
      .enum(MODELS)
      .optional()
      .openapi({ description: 'Default sma (docs/methods.md, "Which model by default").' }),
    from: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'Window start, epoch ms (default: 30 days before to).' }),
    to: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'Window end, epoch ms (default: the current hour).' }),
    holdout: z
      .number()
      .gt(0)
      .lt(1)
      .optional()
      .openapi({ description: 'Share held back at the end (default 0.5).' }),
    apply: z.boolean().optional().openapi({ description: 'Store it (default: only report).' }),
    validFrom: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'Readings corrected from (default: from).' }),
  })
  .openapi('NewCalibration');

export const StoredCalibrationSchema = z
  .object({
    id: z.number().int(),
    phenomenon: z.string(),
    sensor: z.string(),
    model: z.enum(MODELS),
    coefficients: CoefficientsSchema,
    reference: z.string(),
    fit: z.object({ from: z.string(), to: z.string() }),
    evaluation: z.object({ from: z.string(), to: z.string() }),
    validFrom: z.string(),
    validTo: z.string().nullable().openapi({ description: 'Start of the next active version, or null.' }),
    createdAt: z.string(),
    active: z.boolean(),
    metrics: EvaluationSchema,
  })
  .openapi('StoredCalibration');

export const StationCalibrationsSchema = z
  .object({ station: z.string(), calibrations: z.array(StoredCalibrationSchema) })
  .openapi('StationCalibrations');
