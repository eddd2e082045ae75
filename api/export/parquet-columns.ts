// Typed Parquet columns and a file written one row group at a time, shared by the export
// (parquet-encoder.ts), the series answer (series-body.ts) and the archive (cli/archive): times as
// INT64 TIMESTAMP(MILLIS, UTC), numbers as DOUBLE, counts as INT32, strings dictionary-encoded.
// The bytes of each row group are taken out of the writer as soon as they are encoded, so the file
// is never whole in memory (hyparquet-writer's ParquetWriter.write appends one row group).
import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';

export type ParquetKind =
  | 'string'
  | 'optional-string'
  | 'double'
  | 'optional-double'
  | 'int'
  | 'optional-int'
  | 'boolean'
  | 'timestamp';

export type ParquetColumn = { name: string; kind: ParquetKind };

/**
 * Encodings chosen, not guessed per row group: hyparquet-writer would otherwise sample every column
 * for a dictionary. Strings always dictionary-encoded (a group's few stations, sensors, flags
 * repeat); times delta-encoded (steady steps within a series); the rest plain.
 */
const ENCODINGS: Record<ParquetKind, 'RLE_DICTIONARY' | 'PLAIN' | 'DELTA_BINARY_PACKED' | undefined> = {
  string: 'RLE_DICTIONARY',
  'optional-string': 'RLE_DICTIONARY',
  double: 'PLAIN',
  'optional-double': 'PLAIN',
  int: 'PLAIN',
  'optional-int': 'PLAIN',
  boolean: undefined,
  timestamp: 'DELTA_BINARY_PACKED',
};

function schemaElement({ name, kind }: ParquetColumn): SchemaElement {
  const optional = kind.startsWith('optional-');
  const repetition_type = optional ? 'OPTIONAL' : 'REQUIRED';
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
    case 'optional-int':
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

export type ParquetRowGroups = {
  /** "PAR1": the file's first bytes. */
  header: () => Uint8Array;
  /** Encodes one row group (a value array per column, in column order) and returns its bytes. */
  rowGroup: (data: unknown[][]) => Uint8Array;
  /** The footer (schema, row group offsets, statistics, key-value metadata). */
  finish: () => Uint8Array;
};

/** A Parquet file of `columns`, written a row group at a time; `metadata` goes in its footer. */
export function parquetRowGroups(
  columns: readonly ParquetColumn[],
  metadata: Record<string, string> = {},
): ParquetRowGroups {
  const writer = new ByteWriter();
  const take = (): Uint8Array => {
    const bytes = new Uint8Array(writer.buffer, 0, writer.index).slice();
    writer.index = 0;
    return bytes;
  };
  const parquet = new ParquetWriter({
    writer,
    schema: [{ name: 'root', num_children: columns.length }, ...columns.map(schemaElement)],
    createdBy: 'souffle (hyparquet-writer)',
    kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return {
    header: take,
    rowGroup(data) {
      const rows = data[0]?.length ?? 0;
      if (rows === 0) return new Uint8Array(0);
      // write() is synchronous for a ByteWriter; its promise only matters for streamed writers.
      void parquet.write({
        columnData: columns.map((c, i) => ({ name: c.name, data: data[i]!, encoding: ENCODINGS[c.kind] })),
        rowGroupSize: rows,
      });
      return take();
    },
    finish() {
      void parquet.finish();
      return take();
    },
  };
}

/** Bytes joined (a last row group and the footer sent as one chunk). */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
