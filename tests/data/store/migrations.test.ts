import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../../data/db.js';
import { tempDir } from '../../helpers/temp-db.js';

describe('opening a database', () => {
  const dirs: Array<() => void> = [];
  afterEach(() => dirs.splice(0).forEach((cleanup) => cleanup()));

  it('creates the file and its folder, and migrates it from empty', async () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const path = join(dir, 'nested', 'souffle.db');
    const handle = await openDatabase(path);
    expect(existsSync(path)).toBe(true);
    const tables = handle.sqlite
      .prepare(
        "select name, sql from sqlite_master where type = 'table' and name not like 'kysely_%' and name not like 'sqlite_%' order by name",
      )
      .all() as Array<{ name: string; sql: string }>;
    expect(tables.map((t) => t.name)).toEqual([
      'commune_indices',
      'counters',
      'devices',
      'ingest_errors',
      'pull_cursors',
      'readings',
      'rollups_daily',
      'rollups_hourly',
      'series',
      'stations',
    ]);
    // Every table is STRICT: SQLite enforces the declared types.
    for (const t of tables) expect(t.sql.toLowerCase()).toMatch(/strict$/);
    await handle.close();
  });

  it('sets WAL, a busy timeout and foreign keys', async () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const handle = await openDatabase(join(dir, 'souffle.db'), { busyTimeoutMs: 1234 });
    expect(handle.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(handle.sqlite.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(handle.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    await handle.close();
  });

  it('applies each migration once: migrating again changes nothing', async () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const handle = await openDatabase(join(dir, 'souffle.db'));
    const again = await migrate(handle.db);
    expect(again.results).toEqual([]);
    await handle.close();
  });

  it('rejects a value of the wrong type, because the tables are STRICT', async () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const handle = await openDatabase(join(dir, 'souffle.db'));
    expect(() =>
      handle.sqlite
        .prepare('insert into counters (name, labels, value, updated_at) values (?, ?, ?, ?)')
        .run('x', '', 'not a number', 0),
    ).toThrow(/cannot store TEXT value in REAL column/);
    await handle.close();
  });
});
