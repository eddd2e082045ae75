// SQLite backup and restore through SQLite's online backup API (better-sqlite3 `.backup`): the
// copy is a consistent snapshot taken while the ingest worker keeps writing, because WAL readers
// never block the writer, and it is a database file SQLite opens as it is (no dump to replay).
import { existsSync, rmSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { migrationNames } from '../migrations/index.js';
import {
  discardPartial,
  finishPartial,
  partialPath,
  publishBackup,
  verifyChecksum,
  type ChecksumCheck,
} from './backup-file.js';

export type BackupProgress = { copiedPages: number; totalPages: number };
export type SqliteBackupResult = {
  file: string;
  bytes: number;
  sha256: string;
  pages: number;
  /** Times the copy started over because another connection wrote (then it finishes in one step). */
  restarts: number;
};

/** Pages copied per step: ~40 MB at 4 KiB pages, so progress is printed every few hundred ms. */
const STEP_PAGES = 10_000;

export type SqliteBackupOptions = {
  onProgress?: (p: BackupProgress) => void;
  /** Pages per step (tests make it small, to see a restart under writes). */
  stepPages?: number;
};

/**
 * Copies the live database at `source` into `file` (through `<file>.partial`), reporting progress.
 * The backup API restarts from the first page when another connection writes between two steps;
 * under a steady ingest load it could restart forever. After the first restart the rest is
 * therefore copied in one step, which holds a read snapshot for its duration: the worker keeps
 * writing into the WAL meanwhile, and the copy holds every row committed before that step began.
 */
export async function backupSqlite(
  source: string,
  file: string,
  options: SqliteBackupOptions = {},
): Promise<SqliteBackupResult> {
  const { onProgress = () => {}, stepPages = STEP_PAGES } = options;
  if (!existsSync(source)) throw new Error(`${source}: no such database file`);
  if (existsSync(file)) throw new Error(`${file} exists already: choose another name, or remove it first`);
  discardPartial(file);
  const db = new BetterSqlite3(source, { fileMustExist: true });
  let pages = 0;
  let restarts = 0;
  try {
    db.pragma('busy_timeout = 5000');
    let lastRemaining = Infinity;
    const done = await db.backup(partialPath(file), {
      progress: ({ totalPages, remainingPages }) => {
        onProgress({ copiedPages: totalPages - remainingPages, totalPages });
        const restarted = remainingPages > lastRemaining;
        if (restarted) restarts += 1;
        lastRemaining = remainingPages;
        return restarted ? 0x7fffffff : stepPages;
      },
    });
    pages = done.totalPages;
    onProgress({ copiedPages: pages, totalPages: pages });
  } catch (e) {
    discardPartial(file);
    throw e;
  } finally {
    db.close();
  }
  const sha256 = await publishBackup(file);
  return { file, bytes: statSync(file).size, sha256, pages, restarts };
}

export type SqliteRestoreResult = {
  file: string;
  target: string;
  checksum: ChecksumCheck['status'];
  migrations: string[];
  counts: Record<'stations' | 'devices' | 'readings', number>;
};

/** Rows in the tables that make a Souffle database worth keeping; 0 for a missing file or table. */
export function sqliteDataRows(path: string): number {
  if (!existsSync(path) || statSync(path).size === 0) return 0;
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    return Object.values(countRows(db)).reduce((a, b) => a + b, 0);
  } finally {
    db.close();
  }
}

function countRows(db: BetterSqlite3.Database): SqliteRestoreResult['counts'] {
  const tables = new Set(
    (db.prepare(`select name from sqlite_master where type = 'table'`).all() as { name: string }[]).map(
      (r) => r.name,
    ),
  );
  const count = (t: string) =>
    tables.has(t) ? Number((db.prepare(`select count(*) as n from ${t}`).get() as { n: number }).n) : 0;
  return { stations: count('stations'), devices: count('devices'), readings: count('readings') };
}

/**
 * Checks a backup and makes it the database at `target`: its checksum (when the .sha256 is there),
 * `PRAGMA integrity_check`, and that it is a Souffle database this version can open (every
 * migration it records is known here). Refuses a target that holds stations, devices or readings
 * unless `force`. The services must be stopped: the file is replaced under them.
 */
export async function restoreSqlite(
  file: string,
  target: string,
  options: { force?: boolean } = {},
): Promise<SqliteRestoreResult> {
  const checksum = await verifyChecksum(file);
  const backup = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = backup.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`${file} fails PRAGMA integrity_check: ${String(integrity)}`);
    const hasMigrations = backup
      .prepare(`select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'`)
      .get();
    if (!hasMigrations) throw new Error(`${file} is not a Souffle database (no kysely_migration table)`);
    const applied = (
      backup.prepare('select name from kysely_migration order by name').all() as { name: string }[]
    ).map((r) => r.name);
    const unknown = applied.filter((n) => !migrationNames.includes(n));
    if (unknown.length) {
      throw new Error(
        `${file} was made by a newer Souffle (migrations ${unknown.join(', ')} are unknown here): upgrade first`,
      );
    }
    const existing = sqliteDataRows(target);
    if (existing > 0 && !options.force) {
      throw new Error(
        `${target} holds ${existing} stations, devices and readings: stop the services, then run again with --force to replace it`,
      );
    }
    const counts = countRows(backup);
    // Copied through the backup API rather than the file system: the result is a clean database
    // file whatever journal the backup was in, written under .partial and renamed like a backup.
    rmSync(partialPath(target), { force: true });
    await backup.backup(partialPath(target));
    for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
    finishPartial(target);
    return { file, target, checksum: checksum.status, migrations: applied, counts };
  } finally {
    backup.close();
  }
}
