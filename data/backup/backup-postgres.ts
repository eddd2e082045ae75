// PostgreSQL backup and restore through pg_dump and pg_restore (custom format: compressed, and
// pg_restore can list and check it before touching anything). Only the schema Souffle's tables
// live in is dumped: several Souffle databases, or other applications, may share the server.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { sql } from 'kysely';
import type { Db } from '../db.js';
import {
  discardPartial,
  partialPath,
  publishBackup,
  verifyChecksum,
  type ChecksumCheck,
} from './backup-file.js';

/** Runs a PostgreSQL client tool; its stderr lines go to `onLine` (pg_dump --verbose: progress). */
function runTool(tool: string, args: string[], onLine: (line: string) => void = () => {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new Error(
              `${tool} not found on PATH: install the PostgreSQL client (Debian: apt install postgresql-client), of the server's major version or newer`,
            )
          : e,
      ),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else {
        const last = stderr
          .trim()
          .split('\n')
          .filter((l) => !/: (last|processing|dumping|reading|creating|executing)/.test(l));
        reject(new Error(`${tool} failed (exit ${code}): ${last.slice(-3).join(' / ') || stderr.trim()}`));
      }
    });
  });
}

/**
 * The URL as libpq reads it. WHATWG URLs write a space in the query as "+", which node-postgres
 * decodes and libpq does not: `options=-c+search_path%3Dx` reached the server as an invalid
 * option. Query values are re-encoded with %20.
 */
export function libpqUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url; // a key=value connection string: libpq reads it as it is
  }
  const query = [...u.searchParams]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  u.search = '';
  return query ? `${u.toString()}?${query}` : u.toString();
}

export type PostgresBackupResult = { file: string; bytes: number; sha256: string; schema: string };

/** Dumps `schema` of the database at `url` into `file` (custom format, through `<file>.partial`). */
export async function backupPostgres(
  url: string,
  schema: string,
  file: string,
  onProgress: (line: string) => void = () => {},
): Promise<PostgresBackupResult> {
  if (existsSync(file)) throw new Error(`${file} exists already: choose another name, or remove it first`);
  discardPartial(file);
  try {
    await runTool(
      'pg_dump',
      [
        '--format=custom',
        '--no-owner',
        '--no-privileges',
        '--verbose',
        `--schema=${schema}`,
        `--file=${partialPath(file)}`,
        `--dbname=${libpqUrl(url)}`,
      ],
      onProgress,
    );
  } catch (e) {
    discardPartial(file);
    throw e;
  }
  const sha256 = await publishBackup(file);
  return { file, bytes: statSync(file).size, sha256, schema };
}

export type PostgresRestoreResult = {
  file: string;
  schema: string;
  checksum: ChecksumCheck['status'];
  counts: Record<'stations' | 'devices' | 'readings', number>;
};

/** Rows in stations, devices and readings of `schema`; tables that do not exist count 0. */
export async function postgresDataRows(
  db: Db,
  schema: string,
): Promise<Record<'stations' | 'devices' | 'readings', number>> {
  const counts = { stations: 0, devices: 0, readings: 0 };
  for (const table of Object.keys(counts) as (keyof typeof counts)[]) {
    const exists = await sql<{
      n: number;
    }>`select count(*)::int as n from information_schema.tables where table_schema = ${schema} and table_name = ${table}`.execute(
      db,
    );
    if (!exists.rows[0]?.n) continue;
    const r = await sql<{
      n: number;
    }>`select count(*)::bigint as n from ${sql.table(`${schema}.${table}`)}`.execute(db);
    counts[table] = Number(r.rows[0]?.n ?? 0);
  }
  return counts;
}

/**
 * Checks a pg_dump archive (checksum when the .sha256 is there; `pg_restore --list` reads it and
 * it must hold Souffle's kysely_migration table) and restores it into `schema` of the database at
 * `url` in one transaction: a failure leaves the database as it was. Refuses a schema holding
 * stations, devices or readings unless `force`; then its objects are dropped first (--clean).
 */
export async function restorePostgres(
  file: string,
  url: string,
  db: Db,
  schema: string,
  options: { force?: boolean } = {},
): Promise<PostgresRestoreResult> {
  const checksum = await verifyChecksum(file);
  const list = await runTool('pg_restore', ['--list', file]);
  if (!/ TABLE \S+ kysely_migration /.test(list)) {
    throw new Error(`${file} is not a Souffle backup (no kysely_migration table in its contents)`);
  }
  const dumped = / SCHEMA - (\S+) /.exec(list)?.[1];
  if (dumped && dumped !== schema) {
    throw new Error(
      `${file} holds schema "${dumped}", and the database URL selects "${schema}": restore into "${dumped}"`,
    );
  }
  const existing = await postgresDataRows(db, schema);
  const total = existing.stations + existing.devices + existing.readings;
  if (total > 0 && !options.force) {
    throw new Error(
      `schema "${schema}" holds ${total} stations, devices and readings: stop the services, then run again with --force to replace it`,
    );
  }
  await runTool('pg_restore', [
    '--clean',
    '--if-exists',
    '--no-owner',
    '--no-privileges',
    '--single-transaction',
    '--exit-on-error',
    `--dbname=${libpqUrl(url)}`,
    file,
  ]);
  return { file, schema, checksum: checksum.status, counts: await postgresDataRows(db, schema) };
}
