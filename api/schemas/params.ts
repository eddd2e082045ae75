// Request parameter schemas shared by the routes, the OpenAPI document and `souffle export`. Query
// strings arrive as text: each schema parses its text and says what it expected, so the error names
// the parameter and the bad value (api-error.ts adds both).
import { z } from '@hono/zod-openapi';
import { PHENOMENON_CODES, isPhenomenonCode } from '../../data/phenomena.js';
import { STATION_SOURCES } from '../../data/schema.js';
import { STEPS } from '../../data/store/read-series.js';

const TIME_HELP =
  'a date (YYYY-MM-DD, UTC midnight), an ISO 8601 date-time with Z or an offset, or epoch milliseconds';
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(2200, 0, 1);

/** Parses a time parameter to epoch ms, or returns an error message. */
export function parseTime(text: string): number | string {
  let t = Number.NaN;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    t = Date.parse(`${text}T00:00:00Z`);
    if (Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) !== text) t = Number.NaN;
  } else if (ISO_DATE_TIME.test(text)) {
    t = Date.parse(text);
    // Date.parse rolls 2026-02-30T00:00Z over to March; compare the calendar date it kept.
    if (Number.isFinite(t) && !sameCalendarDate(text, t)) t = Number.NaN;
  } else if (/^\d{1,15}$/.test(text)) {
    t = Number(text);
  }
  if (!Number.isFinite(t)) return `expected ${TIME_HELP}`;
  if (t < EARLIEST || t > LATEST) return 'is outside 1970–2200';
  return t;
}

function sameCalendarDate(text: string, t: number): boolean {
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(text);
  const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 0;
  return new Date(t + offset).toISOString().slice(0, 10) === text.slice(0, 10);
}

export const timeParam = (description: string) =>
  z
    .string()
    .transform((text, ctx) => {
      const t = parseTime(text);
      if (typeof t === 'string') {
        ctx.addIssue({ code: 'custom', message: t });
        return z.NEVER;
      }
      return t;
    })
    .optional()
    .openapi({ description: `${description}: ${TIME_HELP}.`, example: '2026-01-01' });

export const dateParam = (description: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
    .refine((d) => {
      const t = Date.parse(`${d}T00:00:00Z`);
      return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === d;
    }, 'is not a calendar date')
    .optional()
    .openapi({ description, example: '2026-01-15' });

export const phenomenonParam = z
  .string()
  .refine(isPhenomenonCode, { message: `unknown phenomenon (known: ${PHENOMENON_CODES.join(', ')})` })
  .openapi({ description: 'Phenomenon code.', example: 'pm25', enum: [...PHENOMENON_CODES] });

export const sourceParam = z
  .enum(STATION_SOURCES)
  .optional()
  .openapi({ description: 'Only stations of this source.' });

export const stepParam = z
  .enum(STEPS)
  .optional()
  .openapi({ description: 'raw readings, or hourly / daily means (rollups).' });

/** An integer parameter within [min, max]. */
export const intParam = (min: number, max: number, description: string) =>
  z
    .string()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .openapi({ description, type: 'integer', minimum: min, maximum: max });

export const booleanParam = (description: string) =>
  z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional()
    .openapi({ description, type: 'boolean' });

/** Parses "a,b,c,d" into four finite numbers, or returns an error message. */
function numbers(text: string, count: number): number[] | string {
  const parts = text.split(',');
  const values = parts.map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
  if (parts.length !== count || values.some((v) => !Number.isFinite(v))) {
    return `expected ${count} comma-separated numbers`;
  }
  return values;
}

export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

export const bboxParam = z
  .string()
  .transform((text, ctx): BBox => {
    const v = numbers(text, 4);
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (typeof v === 'string') return fail(`${v}: minLon,minLat,maxLon,maxLat`);
    const [minLon, minLat, maxLon, maxLat] = v as BBox;
    if ([minLon, maxLon].some((x) => x < -180 || x > 180)) return fail('longitudes must be within ±180');
    if ([minLat, maxLat].some((x) => x < -90 || x > 90)) return fail('latitudes must be within ±90');
    if (minLon > maxLon || minLat > maxLat)
      return fail('min must not exceed max (minLon,minLat,maxLon,maxLat)');
    return [minLon, minLat, maxLon, maxLat];
  })
  .optional()
  .openapi({
    description: 'Bounding box on the public location: minLon,minLat,maxLon,maxLat (WGS 84).',
    example: '5.2,43.2,5.6,43.4',
  });

export const nearParam = z
  .string()
  .transform((text, ctx) => {
    const v = numbers(text, 2);
    if (typeof v === 'string' || Math.abs(v[0]!) > 90 || Math.abs(v[1]!) > 180) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected lat,lon (latitude within ±90, longitude within ±180)',
      });
      return z.NEVER;
    }
    return { lat: v[0]!, lon: v[1]! };
  })
  .optional()
  .openapi({ description: 'Centre of a search circle: lat,lon.', example: '43.2965,5.3698' });

/** A station or device id as it appears in a path (ids are matched exactly; unknown ones are 404). */
export const idParam = (name: string, description: string) =>
  z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name, in: 'path' }, description, example: 'ecole-saint-charles' });

export const stationPath = z.object({ id: idParam('id', 'Station id.') });
