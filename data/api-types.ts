// The JSON shapes of the public API (/api/v1), shared by the API (which produces them) and the
// widgets (which consume them). Each is inferred from its zod schema in data/api-schemas.ts, which
// also writes the OpenAPI document, so types, document and routes cannot drift apart. Browser-safe:
// types only, imported as types (zod stays out of the bundle). Times travel twice: `t` in epoch ms
// for code, `time` in ISO 8601 UTC for people and spreadsheets.
import type { z } from '@hono/zod-openapi';
import type * as S from './api-schemas.js';
import type { JoinAnswerSchema } from './enrolment-schemas.js';
import type * as C from './compare-api-schemas.js';

export type StationStatus = (typeof S.STATION_STATUSES)[number];
export type IndexDay = (typeof S.INDEX_DAYS)[number];

/** A station as the public API shows it: public location only. */
export type StationSummary = z.output<typeof S.StationSummarySchema>;

/** A station's current index in the station list (`GET /stations?index=`): the badge, no sub-indices. */
export type StationIndexSummary = z.output<typeof S.StationIndexSummarySchema>;

/**
 * An index "now" (no date asked). `date`: the UTC day an ATMO index describes (`day` says whether
 * it is today or yesterday); null for EAQI and US AQI, which describe the current hour.
 */
export type CurrentIndex = z.output<typeof S.CurrentIndexSchema>;

/** GET /api/v1/stations (format=json). */
export type StationsResponse = z.output<typeof S.StationsSchema>;

export type LatestValue = z.output<typeof S.LatestValueSchema>;

/** GET /api/v1/stations/{id}/latest */
export type LatestResponse = z.output<typeof S.LatestSchema>;

export type SeriesPoint = z.output<typeof S.SeriesPointSchema>;

/** GET /api/v1/stations/{id}/series */
export type SeriesResponse = z.output<typeof S.SeriesSchema>;

/** GET /api/v1/stations/{id}/index */
export type IndexResponse = z.output<typeof S.IndexSchema>;

/** GET /api/v1/stations/{id}/compare */
export type CompareResponse = z.output<typeof C.CompareSchema>;
export type CompareMetrics = z.output<typeof C.CompareMetricsSchema>;

/** GET /api/v1/communes/{insee}/index: the official ATMO index published by AtmoSud. */
export type CommuneIndexResponse = z.output<typeof S.CommuneIndexSchema>;

/** GET /api/v1/devices/{id}/status (device owner: Basic id:token or Bearer token). */
export type DeviceStatusResponse = z.output<typeof S.DeviceStatusSchema>;

/** Every error the API returns. */
export type ErrorResponse = z.output<typeof S.ErrorSchema>;

/** What POST /api/v1/join answers: the new sensor's connection document and its pages. */
export type JoinAnswer = z.output<typeof JoinAnswerSchema>;
