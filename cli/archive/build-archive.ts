// `souffle archive build`: the citable open-data archive (docs/operations.md, "Open-data archive").
// Each source's raw readings of each closed UTC month become one Hive partition,
// archive/source=<source>/year=YYYY/month=MM/readings.parquet and readings.csv.gz, written from one
// read of the rows. A month is written once; it is written again only when its content
// fingerprint in the database changed (AtmoSud's validation rewriting values, late readings).
// Months whose raw rows retention may have deleted (before `frozenBefore`) are never rewritten once
// archived. Then datapackage.json, CITATION.cff, SHA256SUMS, the manifest, and, when anything
// changed, a versioned snapshot: snapshots/souffle-archive-<version>/ (hard links: the files of
// a snapshot never change, since every file is replaced by rename) and the same as a .zip.
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { createEncoder, exportEncoded, type Chunk, type ExportPlan } from '../../api/index.js';
import {
  firstReadingTimes,
  monthFingerprint,
  sourceExtents,
  STATION_SOURCES,
  type Db,
  type StationSource,
  monthOf,
  monthStart,
  nextMonth,
  partitionKey,
  readManifest,
  writeFileAtomic,
  writeManifest,
  type ArchivedFile,
  type Manifest,
} from '../../data/index.js';
import { citationCff, dataPackage } from './archive-metadata.js';
import { writeStoredZip } from './store-zip.js';

export type ArchiveProgress = {
  /** Months looked at so far, of `total`. */
  done: number;
  total: number;
  /** The partition being looked at, and what happened to it. */
  key: string;
  action: 'written' | 'unchanged' | 'empty' | 'frozen';
  rows: number;
};

export type BuildArchiveOptions = {
  db: Db;
  dir: string;
  now: number;
  timeZone: string;
  /** Only months starting at or after this (epoch ms); earlier ones are left as they are. */
  since?: number;
  /** Archived months ending at or before this are never rewritten (raw retention's horizon). */
  frozenBefore?: number;
  publicUrl?: string;
  onProgress?: (p: ArchiveProgress) => void;
};

export type BuildArchiveResult = {
  written: string[];
  unchanged: number;
  rows: number;
  /** The snapshot made by this build, or null when nothing changed. */
  snapshot: string | null;
  manifest: Manifest;
};

export const SUMS_FILE = 'SHA256SUMS';

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function archivedFile(dir: string, path: string): Promise<ArchivedFile> {
  const full = join(dir, path);
  return { path, sha256: await sha256(full), bytes: statSync(full).size };
}

/** Writes one partition's Parquet and CSV (gzip) from one read; returns the rows written. */
async function writePartition(db: Db, dir: string, key: string, plan: ExportPlan): Promise<number> {
  mkdirSync(join(dir, key), { recursive: true });
  const parquetPath = join(dir, key, 'readings.parquet');
  const csvPath = join(dir, key, 'readings.csv.gz');
  const encoders = [createEncoder({ ...plan, format: 'parquet' }), createEncoder({ ...plan, format: 'csv' })];
  let rows = 0;
  const parquetOut = createWriteStream(`${parquetPath}.partial`);
  const gzip = createGzip();
  const csvDone = pipeline(gzip, createWriteStream(`${csvPath}.partial`));
  const put = async (stream: NodeJS.WritableStream, chunk: Chunk) => {
    if (chunk.length === 0) return;
    if (!stream.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk))
      await new Promise((resolve) => stream.once('drain', resolve));
  };
  try {
    for await (const { chunks, rows: n } of exportEncoded(db, plan, encoders)) {
      rows += n;
      await put(parquetOut, chunks[0]!);
      await put(gzip, chunks[1]!);
    }
    parquetOut.end();
    await finished(parquetOut);
    gzip.end();
    await csvDone;
  } catch (e) {
    parquetOut.destroy();
    gzip.destroy();
    rmSync(`${parquetPath}.partial`, { force: true });
    rmSync(`${csvPath}.partial`, { force: true });
    throw e;
  }
  renameSync(`${parquetPath}.partial`, parquetPath);
  renameSync(`${csvPath}.partial`, csvPath);
  return rows;
}

/** YYYY.MM.DD of the build, with .2, .3… when a snapshot of that day exists already. */
function nextVersion(dir: string, now: number): string {
  const day = new Date(now).toISOString().slice(0, 10).replaceAll('-', '.');
  let version = day;
  for (let n = 2; existsSync(join(dir, 'snapshots', `souffle-archive-${version}`)); n++)
    version = `${day}.${n}`;
  return version;
}

/** Every file of the archive proper, relative to `dir` (partitions and descriptive files). */
function archiveFiles(manifest: Manifest): string[] {
  const parts = Object.values(manifest.partitions).flatMap((p) => [p.parquet.path, p.csv.path]);
  return [...parts.sort(), 'datapackage.json', 'CITATION.cff', SUMS_FILE];
}

async function snapshot(dir: string, manifest: Manifest, version: string, now: number): Promise<string> {
  const name = `souffle-archive-${version}`;
  const folder = join(dir, 'snapshots', name);
  const files = archiveFiles(manifest);
  for (const f of files) {
    mkdirSync(dirname(join(folder, f)), { recursive: true });
    linkSync(join(dir, f), join(folder, f));
  }
  // Only the latest zip is kept: each is a full copy, unlike the folders of hard links.
  for (const old of readdirSync(join(dir, 'snapshots')))
    if (old.endsWith('.zip')) rmSync(join(dir, 'snapshots', old), { force: true });
  const zip = join(dir, 'snapshots', `${name}.zip`);
  await writeStoredZip(
    `${zip}.partial`,
    files.map((f) => ({ name: `${name}/${f}`, path: join(folder, f) })),
    now,
  );
  renameSync(`${zip}.partial`, zip);
  return name;
}

export async function buildArchive(o: BuildArchiveOptions): Promise<BuildArchiveResult> {
  mkdirSync(o.dir, { recursive: true });
  const manifest = readManifest(o.dir);
  const closedBefore = monthStart(o.now);
  const firsts = await firstReadingTimes(o.db);
  const months: { source: StationSource; from: number }[] = [];
  for (const source of STATION_SOURCES) {
    const first = firsts.get(source);
    if (first === undefined) continue;
    let from = monthStart(Math.max(first, o.since ?? first));
    for (; from < closedBefore; from = nextMonth(from)) months.push({ source, from });
  }
  const written: string[] = [];
  let unchanged = 0;
  let rows = 0;
  for (const [i, { source, from }] of months.entries()) {
    const to = nextMonth(from);
    const month = monthOf(from);
    const key = partitionKey(source, month);
    const before = manifest.partitions[key];
    const report = (action: ArchiveProgress['action'], n: number) =>
      o.onProgress?.({ done: i + 1, total: months.length, key, action, rows: n });
    if (before && o.frozenBefore !== undefined && to <= o.frozenBefore) {
      report('frozen', before.rows);
      continue;
    }
    const fp = await monthFingerprint(o.db, source, from, to);
    // A month the database no longer holds (deleted) keeps its archive: the archive outlives raw rows.
    if (fp.rows === 0) {
      report('empty', 0);
      continue;
    }
    if (before?.fingerprint === fp.fingerprint) {
      unchanged += 1;
      report('unchanged', before.rows);
      continue;
    }
    const plan: ExportPlan = {
      format: 'parquet',
      shape: 'long',
      dialect: 'rfc4180',
      source,
      from,
      to,
      step: 'raw',
      timeZone: o.timeZone,
      now: o.now,
    };
    const n = await writePartition(o.db, o.dir, key, plan);
    manifest.partitions[key] = {
      source,
      month,
      rows: n,
      fingerprint: fp.fingerprint,
      parquet: await archivedFile(o.dir, `${key}/readings.parquet`),
      csv: await archivedFile(o.dir, `${key}/readings.csv.gz`),
      written: new Date(o.now).toISOString(),
    };
    written.push(key);
    rows += n;
    report('written', n);
  }
  // Every closed month is now archived or empty, for every source; `since` leaves earlier ones alone.
  if (o.since === undefined || manifest.completeThrough !== null)
    manifest.completeThrough = Math.max(manifest.completeThrough ?? 0, closedBefore);

  const first = manifest.version === null;
  const version = written.length > 0 || first ? nextVersion(o.dir, o.now) : manifest.version!;
  manifest.version = version;
  const info = {
    manifest,
    version,
    created: new Date(o.now).toISOString(),
    extents: await sourceExtents(o.db),
    publicUrl: o.publicUrl,
  };
  let made: string | null = null;
  if (written.length > 0 || first || !existsSync(join(o.dir, SUMS_FILE))) {
    writeFileAtomic(join(o.dir, 'datapackage.json'), `${JSON.stringify(dataPackage(info), null, 2)}\n`);
    writeFileAtomic(join(o.dir, 'CITATION.cff'), citationCff(info));
    const sums = [];
    for (const f of archiveFiles(manifest).filter((f) => f !== SUMS_FILE)) {
      const part = Object.values(manifest.partitions).find((p) => p.parquet.path === f || p.csv.path === f);
      const sum = part
        ? part.parquet.path === f
          ? part.parquet.sha256
          : part.csv.sha256
        : await sha256(join(o.dir, f));
      // sha256sum's format: `sha256sum -c SHA256SUMS` checks the archive.
      sums.push(`${sum}  ${f}\n`);
    }
    writeFileAtomic(join(o.dir, SUMS_FILE), sums.join(''));
    made = await snapshot(o.dir, manifest, version, o.now);
  }
  writeManifest(o.dir, manifest);
  return { written, unchanged, rows, snapshot: made, manifest };
}
