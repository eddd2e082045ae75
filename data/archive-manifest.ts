// The archive's own record of what it holds (manifest.json at its root): per partition (a source's
// UTC month), the rows, the database fingerprint the files were written from, and each file's
// SHA-256 and size; and `completeThrough`, the end of the last month every source is archived to,
// which raw retention reads before deleting anything (cli/raw-retention.ts). The API's /archive/
// index reads it too. Written last, by rename, so a build that stops halfway leaves the previous
// manifest and rewrites what it lacked.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StationSource } from './schema.js';

export const MANIFEST_FILE = 'manifest.json';

export type ArchivedFile = { path: string; sha256: string; bytes: number };

export type Partition = {
  source: StationSource;
  /** YYYY-MM (UTC). */
  month: string;
  rows: number;
  fingerprint: string;
  parquet: ArchivedFile;
  csv: ArchivedFile;
  /** When these files were written (ISO 8601). */
  written: string;
};

export type Manifest = {
  format: 1;
  /** Partitions by key `source=…/year=…/month=…`, in key order. */
  partitions: Record<string, Partition>;
  /** Epoch ms: every closed month before it is archived, for every source; null before a build. */
  completeThrough: number | null;
  /** The latest snapshot's version (YYYY.MM.DD[.n]), null before the first. */
  version: string | null;
};

export function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return { format: 1, partitions: {}, completeThrough: null, version: null };
  const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  if (m.format !== 1) throw new Error(`${path}: unknown archive manifest format ${String(m.format)}`);
  return m;
}

/** Written to a temporary file and renamed: a reader sees the old manifest or the new one. */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  writeFileSync(`${path}.partial`, content);
  renameSync(`${path}.partial`, path);
}

export function writeManifest(dir: string, m: Manifest): void {
  const partitions = Object.fromEntries(Object.entries(m.partitions).sort(([a], [b]) => a.localeCompare(b)));
  writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify({ ...m, partitions }, null, 2)}\n`);
}

/** UTC months: `YYYY-MM` of an epoch ms, a month's start, the next month's start. */
export const monthOf = (t: number): string => new Date(t).toISOString().slice(0, 7);
export function monthStart(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}
export function nextMonth(start: number): number {
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** The Hive-style folder of a partition, relative to the archive root. */
export function partitionKey(source: StationSource, month: string): string {
  return `archive/source=${source}/year=${month.slice(0, 4)}/month=${month.slice(5, 7)}`;
}

/**
 * Raw readings may be deleted before this time (epoch ms): the end of the last month archived for
 * every source. No archive (no manifest, or no build yet) answers null: delete nothing.
 */
export function archivedThrough(dir: string): number | null {
  try {
    return readManifest(dir).completeThrough;
  } catch {
    return null;
  }
}
