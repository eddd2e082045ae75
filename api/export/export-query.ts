// The export's parameters, validated by the same schema for GET /api/v1/export and for
// `souffle export` (which passes its options as the same strings).
import { z } from '@hono/zod-openapi';
import type { StationSource } from '../../data/schema.js';
import type { Step } from '../../data/store/read-series.js';
import { CSV_DIALECTS, type CsvDialect } from './csv.js';
import { bboxParam, phenomenonParam, sourceParam, stepParam, timeParam } from '../schemas/params.js';

const EXPORT_FORMATS = ['csv', 'ndjson', 'geojson', 'parquet'] as const;
const EXPORT_SHAPES = ['long', 'wide'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const stationList = z
  .string()
  .transform((text, ctx) => {
    const ids = text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (ids.length === 0 || ids.length > 1000 || ids.some((id) => id.length > 128)) {
      ctx.addIssue({ code: 'custom', message: 'expected 1 to 1000 comma-separated station ids' });
      return z.NEVER;
    }
    return ids;
  })
  .optional()
  .openapi({ description: 'Only these stations (comma-separated ids).', example: 'ecole-saint-charles' });

export const ExportQuerySchema = z.strictObject({
  format: z.enum(EXPORT_FORMATS).optional().openapi({ description: 'Output format (default csv).' }),
  shape: z.enum(EXPORT_SHAPES).optional().openapi({
    description:
      'long (default): one row per value; wide (CSV only): one row per station and time, one column per phenomenon (the openair / pandas shape), valid values only.',
  }),
  dialect: z.enum(CSV_DIALECTS).optional().openapi({
    description:
      'CSV only: rfc4180 (default; comma, decimal point) or excel-fr (semicolon, decimal comma, UTF-8 BOM, a local_time column), which Excel and LibreOffice in French open as is.',
  }),
  phenomenon: phenomenonParam.optional(),
  source: sourceParam,
  station: stationList,
  bbox: bboxParam,
  from: timeParam('Start (inclusive; default: the beginning)'),
  to: timeParam('End (exclusive; default: now)'),
  step: stepParam,
});

export type ExportQuery = z.output<typeof ExportQuerySchema>;

/** The export's settled parameters: defaults applied, range checked. */
export type ExportPlan = {
  format: ExportFormat;
  /** long: one row per value; wide: one row per station and time, a column per phenomenon. */
  shape: 'long' | 'wide';
  dialect: CsvDialect;
  phenomenon?: string;
  source?: StationSource;
  stations?: string[];
  bbox?: [number, number, number, number];
  from: number;
  to: number;
  step: Step;
  /** Zone of the local days, months and years of steps 1d, 1mo, 1y (SOUFFLE_TIMEZONE). */
  timeZone: string;
  /** When the export was asked for: the hour and day in progress are not valid means. */
  now: number;
};

/** Applies defaults; returns an error message naming the parameter when the range is empty. */
export function planExport(
  q: ExportQuery,
  { now, timeZone }: { now: number; timeZone: string },
): ExportPlan | { error: string } {
  const from = q.from ?? 0;
  const to = q.to ?? now;
  if (from >= to) {
    return {
      error: `query parameter "from" must be before "to" (${new Date(from).toISOString()} ≥ ${new Date(to).toISOString()})`,
    };
  }
  const format = q.format ?? 'csv';
  if (q.dialect !== undefined && format !== 'csv') {
    return { error: `query parameter "dialect" applies to format=csv only (format is ${format})` };
  }
  const shape = q.shape ?? 'long';
  if (shape === 'wide' && format !== 'csv') {
    return { error: `query parameter "shape" wide applies to format=csv only (format is ${format})` };
  }
  return {
    format,
    shape,
    dialect: q.dialect ?? 'rfc4180',
    phenomenon: q.phenomenon,
    source: q.source,
    stations: q.station,
    bbox: q.bbox,
    from,
    to,
    step: q.step ?? 'raw',
    timeZone,
    now,
  };
}
