// The Parquet answer of /series (format=parquet): the CSV answer's columns, typed (time and end as
// UTC timestamps, numbers as float64, counts as int32, flags and dates dictionary-encoded), the
// series' station, phenomenon, sensor, unit and licence in the file's key-value metadata. Points
// are gathered by column and encoded a row group at a time, so between the chunks of a large raw
// read only encoded bytes stay alive (as series-body.ts does with text).
import { DATABASE_LICENCE } from '../data/data-licence.js';
import { flagNames } from '../data/flags.js';
import type { Point, Step } from '../data/store/read-series.js';
import { concatBytes, parquetRowGroups, type ParquetKind } from './export/parquet-columns.js';
import { csvHeader, type SeriesBody } from './series-body.js';

/** Rows per row group: a 100 000-point answer is five groups. */
export const SERIES_ROW_GROUP_ROWS = 20_000;

const KINDS: Record<string, ParquetKind> = {
  time: 'timestamp',
  n: 'int',
  flags: 'string',
  coverage: 'double',
  valid: 'boolean',
  n_flagged: 'int',
  n_humid: 'int',
  date: 'string',
  end: 'timestamp',
  calibration_id: 'optional-int',
};

/** The cell of column `name` of a point (a missing statistic is null, as CSV leaves it empty). */
function cell(name: string, p: Point, step: Step): unknown {
  switch (name) {
    case 'time':
      return p.t;
    case 'flags':
      return step === 'raw' ? flagNames(p.flags ?? 0).join('|') : '';
    case 'coverage':
      return p.coverage ?? 0;
    case 'valid':
      return p.valid ?? false;
    case 'n_flagged':
      return p.nFlagged ?? 0;
    case 'n_humid':
      return p.nHumid ?? 0;
    case 'date':
      return p.date ?? '';
    case 'end':
      return p.end ?? p.t;
    case 'calibration_id':
      return p.calibrationId ?? null;
    default:
      return (p as Record<string, unknown>)[name] ?? null;
  }
}

export type SeriesParquetMeta = {
  station: string;
  phenomenon: string;
  sensor: string;
  unit: string;
  step: Step;
  calibrated: boolean;
};

export function seriesParquetBody(meta: SeriesParquetMeta, rowGroupRows = SERIES_ROW_GROUP_ROWS) {
  const { step } = meta;
  const columns = csvHeader(step, meta.calibrated);
  const file = parquetRowGroups(
    columns.map((name) => ({ name, kind: KINDS[name] ?? 'optional-double' })),
    {
      station: meta.station,
      phenomenon: meta.phenomenon,
      sensor: meta.sensor,
      unit: meta.unit,
      step,
      licence: DATABASE_LICENCE.id,
      licence_url: DATABASE_LICENCE.url,
      attribution: DATABASE_LICENCE.attribution,
    },
  );
  const parts: Uint8Array[] = [file.header()];
  let data: unknown[][] = columns.map(() => []);
  let pending = 0;
  let count = 0;
  let last: number | undefined;
  const flush = () => {
    parts.push(file.rowGroup(data));
    data = columns.map(() => []);
    pending = 0;
  };
  const body: SeriesBody = {
    add(points) {
      for (const p of points) {
        for (let i = 0; i < columns.length; i++) data[i]!.push(cell(columns[i]!, p, step));
        if (++pending >= rowGroupRows) flush();
      }
      count += points.length;
      if (points.length > 0) last = points[points.length - 1]!.t;
    },
    count: () => count,
    lastTime: () => last,
  };
  return {
    ...body,
    bytes(): Uint8Array {
      flush();
      return concatBytes(...parts, file.finish());
    },
  };
}
