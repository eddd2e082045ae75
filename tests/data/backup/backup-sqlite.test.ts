// SQLite backup while another connection keeps writing, and restore with its checks. The writer is
// a second connection to the same file, as the ingest worker is to `souffle backup`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupSqlite, restoreSqlite, sqliteDataRows } from '../../../data/backup/backup-sqlite.js';
import { insertReadings } from '../../../data/store/readings.js';
import { ensureSeries } from '../../../data/store/series.js';
import { upsertStation } from '../../../data/store/stations.js';
import { tempDb, type TempDb } from '../../helpers/temp-db.js';

const T0 = Date.UTC(2026, 0, 1);

describe('SQLite backup and restore', () => {
  let t: TempDb;
  let seriesId: number;
  let nextTime = T0;

  /** Commits one batch of `n` readings one minute apart; returns the time of the last. */
  async function commitBatch(n: number): Promise<number> {
    const rows = Array.from({ length: n }, () => ({ seriesId, time: (nextTime += 60_000), value: 12.5 }));
    await insertReadings(t.db, rows);
    return nextTime;
  }

  beforeEach(async () => {
    t = await tempDb({ dialect: 'sqlite' });
    await upsertStation(t.db, { id: 'balcon', source: 'citizen', name: 'Balcon', lat: 43.3, lon: 5.4 });
    seriesId = await ensureSeries(t.db, {
      stationId: 'balcon',
      phenomenon: 'pm25',
      sensor: 'sds011',
      unit: 'µg/m³',
    });
    nextTime = T0;
    // Enough pages that a copy in small steps takes many steps.
    for (let i = 0; i < 20; i++) await commitBatch(1000);
  });
  afterEach(() => t.cleanup());

  it('takes a consistent copy while writes go on, and restores it', async () => {
    let writing = true;
    let committedBeforeBackup = 0;
    const writer = (async () => {
      while (writing) {
        await commitBatch(50);
        await new Promise((r) => setImmediate(r));
      }
    })();
    // Let the writer commit a few batches, then note what is committed when the backup begins.
    await commitBatch(50);
    committedBeforeBackup = nextTime;
    const file = join(t.dir, 'backup.db');
    const steps: number[] = [];
    const result = await backupSqlite(t.path, file, {
      stepPages: 8,
      onProgress: (p) => steps.push(p.copiedPages),
    });
    writing = false;
    await writer;

    // The writer committed between steps: the copy started over, then finished in one step.
    expect(result.restarts).toBeGreaterThan(0);
    expect(steps.length).toBeGreaterThan(2);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}.sha256`).mode & 0o777).toBe(0o600);
    // The checksum is in sha256sum's format: the standard tool checks it.
    expect(execFileSync('sha256sum', ['-c', 'backup.db.sha256'], { cwd: t.dir, encoding: 'utf8' })).toContain(
      'backup.db: OK',
    );

    const copy = new BetterSqlite3(file, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const expected = (committedBeforeBackup - T0) / 60_000;
      const { n } = copy
        .prepare('select count(*) as n from readings where time <= ?')
        .get(committedBeforeBackup) as {
        n: number;
      };
      expect(n).toBe(expected);
      // Rows and rollups of the copy agree: it is one snapshot, not pages of different moments.
      const { total } = copy.prepare('select sum(n) as total from rollups_hourly').get() as { total: number };
      const { rows } = copy.prepare('select count(*) as rows from readings').get() as { rows: number };
      expect(total).toBe(rows);
    } finally {
      copy.close();
    }

    const target = join(t.dir, 'restored', 'souffle.db');
    mkdirSync(join(t.dir, 'restored'));
    const restored = await restoreSqlite(file, target);
    expect(restored.checksum).toBe('ok');
    expect(restored.counts.readings).toBeGreaterThanOrEqual((committedBeforeBackup - T0) / 60_000);
    expect(sqliteDataRows(target)).toBe(restored.counts.readings + restored.counts.stations);
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('refuses a backup that does not match its checksum, and one that is not a Souffle database', async () => {
    const file = join(t.dir, 'backup.db');
    await backupSqlite(t.path, file);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(file, bytes);
    await expect(restoreSqlite(file, join(t.dir, 'a.db'))).rejects.toThrow(
      /does not match backup\.db\.sha256/,
    );

    const other = join(t.dir, 'other.db');
    const o = new BetterSqlite3(other);
    o.exec('create table notes (text text)');
    o.close();
    await expect(restoreSqlite(other, join(t.dir, 'b.db'))).rejects.toThrow(/not a Souffle database/);
  });

  it('refuses to replace a database that holds data unless forced, and will not overwrite a backup', async () => {
    const file = join(t.dir, 'backup.db');
    await backupSqlite(t.path, file);
    await expect(backupSqlite(t.path, file)).rejects.toThrow(/exists already/);
    await t.db.deleteFrom('readings').execute();
    await expect(restoreSqlite(file, t.path)).rejects.toThrow(
      /holds 1 stations, devices and readings.*--force/,
    );
    await t.close();
    const restored = await restoreSqlite(file, t.path, { force: true });
    expect(restored.counts.readings).toBe(20_000);
    expect(sqliteDataRows(t.path)).toBe(20_001);
  });
});
