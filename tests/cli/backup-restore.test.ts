// `souffle backup`, `souffle restore` and the backup `souffle migrate` takes, through the real
// command line on SQLite files.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationNames, migrationProvider } from '../../data/migrations/index.js';
import type { Database } from '../../data/schema.js';
import { upsertStation } from '../../data/store/stations.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDb, tempDir, type TempDb } from '../helpers/temp-db.js';

describe('souffle backup / restore / migrate --backup', () => {
  let t: TempDb;
  const out = tempDir();
  beforeAll(async () => {
    t = await tempDb({ dialect: 'sqlite' });
    await upsertStation(t.db, { id: 'ecole', source: 'citizen', name: 'École', lat: 43.3, lon: 5.4 });
  });
  afterAll(async () => {
    await t.cleanup();
    out.cleanup();
  });

  it('backs up with progress, and restores into an empty database', async () => {
    const file = join(out.dir, 'souffle.backup');
    const backup = await runCli(['backup', file, '--json'], t.env);
    expect(backup.code).toBe(0);
    expect(backup.stderr).toMatch(/copied \d+\/\d+ pages \(100%\)/);
    const summary = JSON.parse(backup.stdout) as { file: string; sha256: string; bytes: number };
    expect(summary.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(`${file}.sha256`)).toBe(true);

    const target = join(out.dir, 'restored.db');
    const restore = await runCli(['restore', file], { SOUFFLE_DB: target });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('1 stations, 0 devices, 0 readings');

    const again = await runCli(['restore', file], { SOUFFLE_DB: target });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--force');
    expect((await runCli(['restore', file, '--force'], { SOUFFLE_DB: target })).code).toBe(0);
  });

  it('restore warns when the checksum file is missing, and a usage error names the missing file', async () => {
    const file = join(out.dir, 'no-sum.backup');
    expect((await runCli(['backup', file], t.env)).code).toBe(0);
    rmSync(`${file}.sha256`);
    const restore = await runCli(['restore', file], { SOUFFLE_DB: join(out.dir, 'no-sum.db') });
    expect(restore.code).toBe(0);
    expect(restore.stderr).toContain('its checksum was not verified');

    const usage = await runCli(['backup'], t.env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give exactly one backup file');
  });

  it('migrate backs up a database before changing its schema, and not a new one', async () => {
    // A database at the previous schema version, as an operator's before an upgrade.
    const path = join(out.dir, 'old.db');
    const sqlite = new BetterSqlite3(path);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    const previous = migrationNames[migrationNames.length - 2]!;
    await new Migrator({ db, provider: migrationProvider }).migrateTo(previous);
    await db.destroy();

    const migrate = await runCli(['migrate', '--json'], { SOUFFLE_DB: path });
    expect(migrate.code).toBe(0);
    const result = JSON.parse(migrate.stdout) as { applied: string[]; backup: { file: string } | null };
    expect(result.applied).toEqual([migrationNames[migrationNames.length - 1]]);
    expect(result.backup?.file).toContain(join(out.dir, 'backups', 'before-'));
    const copy = new BetterSqlite3(result.backup!.file, { readonly: true });
    const names = (copy.prepare('select name from kysely_migration').all() as { name: string }[]).map(
      (r) => r.name,
    );
    copy.close();
    expect(names).not.toContain(migrationNames[migrationNames.length - 1]);

    const fresh = join(out.dir, 'fresh', 'new.db');
    const first = await runCli(['migrate', '--json'], { SOUFFLE_DB: fresh });
    expect(first.code).toBe(0);
    expect((JSON.parse(first.stdout) as { backup: unknown }).backup).toBeNull();
    expect(existsSync(join(out.dir, 'fresh', 'backups'))).toBe(false);
  });

  it('migrate --no-backup skips it', async () => {
    const path = join(out.dir, 'old2.db');
    const sqlite = new BetterSqlite3(path);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    await new Migrator({ db, provider: migrationProvider }).migrateTo(migrationNames[0]!);
    await db.destroy();
    const before = readdirSync(join(out.dir, 'backups')).length;
    const migrate = await runCli(['migrate', '--no-backup'], { SOUFFLE_DB: path });
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).not.toContain('backed up');
    expect(readdirSync(join(out.dir, 'backups')).length).toBe(before);
  });
});
