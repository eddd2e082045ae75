// The Parquet export (format=parquet), streamed in row groups: rows are gathered by column until a
// row group is full (ROW_GROUP_ROWS), which is then encoded by hyparquet-writer and sent at once,
// so memory holds one row group whatever the export's size; the footer (schema, row group
// offsets, statistics) follows the last one. Typed columns: timestamps in UTC milliseconds, values
// as float64 (null where CSV is empty), counts as int32, `valid` as boolean, and strings
// dictionary-encoded (a station id repeated a million times is stored a few times).
// Why hyparquet-writer: pure JavaScript (no native build beside better-sqlite3), maintained, and
// it writes row groups incrementally through a Writer whose flush() we own (docs/api.md, Parquet).
import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import { DATABASE_LICENCE } from '../../data/data-licence.js';
import type { Step } from '../../data/store/read-series.js';
import { exportColumns, memoFlags, type Encoder } from './export-formats.js';
import type { ExportRow, ExportSeries } from './export-rows.js';

/** Rows per row group: ~100 000 rows keep a group's columns to a few megabytes of memory. */
export const ROW_GROUP_ROWS = 100_000;

type Kind = 'string' | 'optional-string' | 'double' | 'optional-double' | 'int' | 'boolean' | 'timestamp';

const KINDS: Record<string, Kind> = {
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
  licence: 'string',
  attribution: 'string',
};

/**
 * Encodings chosen, not guessed per row group: hyparquet-writer would otherwise sample every column
 * for a dictionary. Strings always dictionary-encoded (a group's few stations, sensors, flags
 * repeat); times delta-encoded (steady steps within a series); the rest plain (Snappy does the rest).
 */
const ENCODINGS: Record<Kind, 'RLE_DICTIONARY' | 'PLAIN' | 'DELTA_BINARY_PACKED' | undefined> = {
  string: 'RLE_DICTIONARY',
  'optional-string': 'RLE_DICTIONARY',
  double: 'PLAIN',
  'optional-double': 'PLAIN',
  int: 'PLAIN',
  boolean: undefined,
  timestamp: 'DELTA_BINARY_PACKED',
};

function schemaElement(name: string, kind: Kind): SchemaElement {
  const required = kind === 'string' || kind === 'double' || kind === 'int' || kind === 'boolean';
  const repetition_type = required || kind === 'timestamp' ? 'REQUIRED' : 'OPTIONAL';
  switch (kind) {
    case 'string':
    case 'optional-string':
      return {
        name,
        type: 'BYTE_ARRAY',
        converted_type: 'UTF8',
        logical_type: { type: 'STRING' },
        repetition_type,
      };
    case 'double':
    case 'optional-double':
      return { name, type: 'DOUBLE', repetition_type };
    case 'int':
      return { name, type: 'INT32', repetition_type };
    case 'boolean':
      return { name, type: 'BOOLEAN', repetition_type };
    case 'timestamp':
      return {
        name,
        type: 'INT64',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
        repetition_type,
      };
  }
}

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
    default:
      return (r as Record<string, unknown>)[name] ?? null;
  }
}

/** A ByteWriter whose bytes are taken out after each row group: the file is never whole in memory. */
function drainingWriter() {
  const writer = new ByteWriter();
  const take = (): Uint8Array => {
    const bytes = new Uint8Array(writer.buffer, 0, writer.index).slice();
    writer.index = 0;
    return bytes;
  };
  return { writer, take };
}

export function parquetEncoder(step: Step, rowGroupRows = ROW_GROUP_ROWS): Encoder {
  const columns = exportColumns(step);
  const kinds = columns.map((c) => KINDS[c] ?? 'optional-string');
  const schema: SchemaElement[] = [
    { name: 'root', num_children: columns.length },
    ...columns.map((c, i) => schemaElement(c, kinds[i]!)),
  ];
  const { writer, take } = drainingWriter();
  const parquet = new ParquetWriter({
    writer,
    schema,
    createdBy: 'souffle (hyparquet-writer)',
    kvMetadata: [
      { key: 'licence', value: DATABASE_LICENCE.id },
      { key: 'licence_url', value: DATABASE_LICENCE.url },
      { key: 'attribution', value: DATABASE_LICENCE.attribution },
    ],
  });
  const flags = memoFlags((names) => names.join('|'));
  let data: unknown[][] = columns.map(() => []);
  let rows = 0;

  /** Encodes the rows gathered as one row group and returns its bytes. */
  const writeGroup = (): Uint8Array => {
    if (rows === 0) return new Uint8Array(0);
    // Strings dictionary-encoded always: the few stations, sensors, flags of a group repeat.
    void parquet.write({
      columnData: columns.map((name, i) => ({
        name,
        data: data[i]!,
        encoding: ENCODINGS[kinds[i]!],
      })),
      rowGroupSize: rows,
    });
    data = columns.map(() => []);
    rows = 0;
    return take();
  };

  return {
    contentType: 'application/vnd.apache.parquet',
    extension: 'parquet',
    // "PAR1", written by the ParquetWriter's constructor.
    header: () => take(),
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
    footer() {
      const last = writeGroup();
      void parquet.finish();
      const tail = take();
      const out = new Uint8Array(last.length + tail.length);
      out.set(last);
      out.set(tail, last.length);
      return out;
    },
  };
}
