// The Parquet export (format=parquet), streamed in row groups: rows are gathered by column until a
// row group is full (ROW_GROUP_ROWS), which is then encoded by hyparquet-writer and sent at once,
// so memory holds one row group whatever the export's size; the footer (schema, row group
// offsets, statistics) follows the last one. Typed columns: timestamps in UTC milliseconds, values
// as float64 (null where CSV is empty), counts as int32, `valid` as boolean, and strings
// dictionary-encoded (a station id repeated a million times is stored a few times).
// Why hyparquet-writer: pure JavaScript (no native build beside better-sqlite3), maintained, and
// it writes row groups incrementally through a Writer whose flush() we own (docs/api.md, Parquet).
import { DATABASE_LICENCE } from '../../data/data-licence.js';
import type { Step } from '../../data/store/read-series.js';
import { exportColumns, memoFlags, type Encoder } from './export-formats.js';
import type { ExportRow, ExportSeries } from './export-rows.js';
import { concatBytes, parquetRowGroups, type ParquetKind } from './parquet-columns.js';

/** Rows per row group: ~100 000 rows keep a group's columns to a few megabytes of memory. */
export const ROW_GROUP_ROWS = 100_000;

const KINDS: Record<string, ParquetKind> = {
  station: 'string',
  source: 'string',
  lat: 'double',
  lon: 'double',
  phenomenon: 'string',
  sensor: 'string',
  unit: 'string',
  time: 'timestamp',
  value: 'optional-double',
  flags: 'string',
  validation: 'optional-string',
  min: 'optional-double',
  max: 'optional-double',
  n: 'int',
  sd: 'optional-double',
  coverage: 'double',
  valid: 'boolean',
  n_flagged: 'int',
  n_humid: 'int',
  date: 'string',
  end: 'timestamp',
  q02: 'optional-double',
  q25: 'optional-double',
  median: 'optional-double',
  q75: 'optional-double',
  q98: 'optional-double',
  raw: 'optional-double',
  correction: 'optional-string',
  calibration_id: 'optional-int',
  licence: 'string',
  attribution: 'string',
};

/** The value of row column `name` (flags as their names joined with |, as in CSV). */
function cellOf(name: string, r: ExportRow, flags: (bits: number) => string): unknown {
  switch (name) {
    case 'time':
      return r.time;
    case 'value':
      return r.value;
    case 'flags':
      return flags(r.flags);
    case 'validation':
      return r.validation;
    case 'n_flagged':
      return r.nFlagged;
    case 'n_humid':
      return r.nHumid;
    case 'end':
      return r.end ?? r.time;
    case 'calibration_id':
      return r.calibrationId ?? null;
    default:
      return (r as Record<string, unknown>)[name] ?? null;
  }
}

export function parquetEncoder(step: Step, rowGroupRows = ROW_GROUP_ROWS): Encoder {
  const columns = exportColumns(step);
  const file = parquetRowGroups(
    columns.map((name) => ({ name, kind: KINDS[name] ?? 'optional-string' })),
    {
      licence: DATABASE_LICENCE.id,
      licence_url: DATABASE_LICENCE.url,
      attribution: DATABASE_LICENCE.attribution,
    },
  );
  const flags = memoFlags((names) => names.join('|'));
  let data: unknown[][] = columns.map(() => []);
  let rows = 0;

  /** Encodes the rows gathered as one row group and returns its bytes. */
  const writeGroup = (): Uint8Array => {
    const bytes = file.rowGroup(data);
    data = columns.map(() => []);
    rows = 0;
    return bytes;
  };

  return {
    contentType: 'application/vnd.apache.parquet',
    extension: 'parquet',
    header: file.header,
    page(series, page) {
      for (let i = 0; i < columns.length; i++) {
        const name = columns[i]!;
        const column = data[i]!;
        if (name in series) {
          // What the series repeats (station, location, licence…): one lookup per page.
          const v = series[name as keyof ExportSeries];
          for (let k = 0; k < page.length; k++) column.push(v);
        } else {
          for (const r of page) column.push(cellOf(name, r, flags));
        }
      }
      rows += page.length;
      return rows >= rowGroupRows ? writeGroup() : new Uint8Array(0);
    },
    footer: () => concatBytes(writeGroup(), file.finish()),
  };
}
