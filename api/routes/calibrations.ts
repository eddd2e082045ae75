// Calibrations over HTTP: the admin runs one (POST, the same as `souffle calibrate`), anyone reads
// a station's versions and the evidence each was accepted on (GET). docs/api.md, "Calibrations".
import { createRoute, z } from '@hono/zod-openapi';
import { calibrate, CalibrationError } from '../../data/calibration/calibrate.js';
import { listCalibrations } from '../../data/store/calibrations.js';
import { findStation } from '../../data/store/stations.js';
import { ApiError, notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { cachedJson } from '../http-cache.js';
import { iso } from '../iso.js';
import { jsonAnswer } from '../json-answer.js';
import {
  CalibrationReportSchema,
  NewCalibrationSchema,
  StationCalibrationsSchema,
} from '../schemas/calibrations.js';
import { errorResponse } from '../schemas/error-response.js';
import { idParam, stationPath } from '../schemas/params.js';
import { admin } from './devices.js';

const devicePath = z.object({ id: idParam('id', 'Device id.') });

export function registerCalibrationRoutes(app: ApiApp, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/devices/{id}/calibrations',
      tags: ['admin'],
      summary: 'Calibrate a device against a reference station',
      description:
        'Fits the device against the reference on the earlier part of the window and evaluates it on the later part (docs/methods.md, "Calibration"); with `apply: true` stores it, and the values users read are corrected from `validFrom` on. Answers the report either way.',
      security: [{ adminToken: [] }],
      middleware: admin(deps),
      request: {
        params: devicePath,
        body: { content: { 'application/json': { schema: NewCalibrationSchema } }, required: true },
      },
      responses: {
        200: {
          content: { 'application/json': { schema: CalibrationReportSchema } },
          description: 'Evaluated, not stored.',
        },
        201: { content: { 'application/json': { schema: CalibrationReportSchema } }, description: 'Stored.' },
        400: errorResponse('A field is invalid.'),
        401: errorResponse('Missing or wrong admin token.'),
        404: errorResponse('No device has this id.'),
        422: errorResponse(
          'Cannot calibrate: no reference station, too few paired hours, nothing to evaluate on.',
        ),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      try {
        const report = await calibrate(deps.db, {
          deviceId: id,
          referenceStationId: body.reference,
          radiusMetres: body.radius,
          phenomenon: body.phenomenon,
          sensor: body.sensor,
          model: body.model,
          from: body.from,
          to: body.to,
          holdout: body.holdout,
          apply: body.apply === true,
          validFrom: body.validFrom,
          timeZone: deps.timeZone,
          now: deps.now(),
        });
        return report.calibrationId === null
          ? jsonAnswer(c, CalibrationReportSchema, report, 200)
          : jsonAnswer(c, CalibrationReportSchema, report, 201);
      } catch (e) {
        if (e instanceof CalibrationError) {
          if (e.message === `no device "${id}"`) throw notFound(e.message);
          throw new ApiError(422, 'cannot_calibrate', e.message);
        }
        throw e;
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/stations/{id}/calibrations',
      tags: ['stations'],
      summary: "A station's calibrations and their evidence",
      description:
        'Every version, active or replaced, by phenomenon, sensor and start: coefficients, the reference, the training and evaluation periods, and the evaluation it was accepted on (raw, corrected and US EPA formula against the reference, hourly and on 24-hour means).',
      request: { params: stationPath },
      responses: {
        200: {
          content: { 'application/json': { schema: StationCalibrationsSchema } },
          description: 'The versions.',
        },
        404: errorResponse('No station has this id.'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await findStation(deps.db, id))) throw notFound(`no station "${id}"`);
      const all = await listCalibrations(deps.db, id);
      // An active version ends where the next active one of its series starts.
      const calibrations = all.map((v) => {
        const next = all.find(
          (w) =>
            w.active &&
            v.active &&
            w.phenomenon === v.phenomenon &&
            w.sensor === v.sensor &&
            w.validFrom > v.validFrom,
        );
        return {
          id: v.id,
          phenomenon: v.phenomenon,
          sensor: v.sensor,
          model: v.model,
          coefficients: v.coefficients,
          reference: v.referenceStationId,
          fit: { from: iso(v.fit.from), to: iso(v.fit.to) },
          evaluation: { from: iso(v.evaluation.from), to: iso(v.evaluation.to) },
          validFrom: iso(v.validFrom),
          validTo: next ? iso(next.validFrom) : null,
          createdAt: iso(v.createdAt),
          active: v.active,
          metrics: v.metrics,
        };
      });
      return cachedJson(c, StationCalibrationsSchema, { station: id, calibrations }, { maxAgeSeconds: 60 });
    },
  );
}
