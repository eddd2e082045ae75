// `values=raw|corrected`: the query parameter of every read that corrects a calibrated citizen
// series (docs/methods.md, "Calibration"; docs/api.md).
import { z } from '@hono/zod-openapi';

export const valuesParam = z.enum(['corrected', 'raw']).optional().openapi({
  description:
    'corrected (default): values of a series with a co-location calibration are corrected, each saying so (`raw`, `calibrationId`); raw: the values as measured.',
});
