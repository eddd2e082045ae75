// The commands that work on "the" database use PostgreSQL when SOUFFLE_DATABASE_URL is set, and
// never quietly create or read the SQLite file SOUFFLE_DB instead.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema, openPostgres, type OpenPostgres } from '../../data/db-postgres.js';
import { marseilleMeasures, marseilleStations, startFakeAtmosud } from '../helpers/fake-atmosud.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir, testDatabaseUrl, testSchemaName } from '../helpers/temp-db.js';
import { withSearchPath } from '../../testing/search-path.js';

describe('souffle commands on PostgreSQL (SOUFFLE_DATABASE_URL)', () => {
  const server = testDatabaseUrl() ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = testSchemaName();
  const tmp = tempDir();
  const sqliteFile = join(tmp.dir, 'must-not-exist.db');
  let env: Record<string, string>;
  let check: OpenPostgres;

  beforeAll(async () => {
    // An empty schema, as an operator would create for Souffle: `souffle migrate` fills it.
    check = await openPostgres(server, { schema, migrate: false, maxConnections: 1 });
    env = { SOUFFLE_DATABASE_URL: withSearchPath(server, schema), SOUFFLE_DB: sqliteFile };
  });

  afterAll(async () => {
    await check?.close();
    await dropPostgresSchema(server, schema);
    tmp.cleanup();
  });

  it('migrate creates the tables in the URL’s schema, then says it is up to date', async () => {
    const first = await runCli(['migrate', '--json'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout) as { database: string; applied: string[] };
    expect(result.database).toMatch(/^postgres:\/\//);
    expect(result.applied[0]).toBe('0001-initial');
    const tables = await check.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toContain('readings');

    const again = await runCli(['migrate'], env);
    expect(again.stdout).toContain('is up to date');
    expect(existsSync(sqliteFile)).toBe(false);
  });

  it('device add and list use the same database', async () => {
    const add = await runCli(['device', 'add', '--name', 'Balcon PG', '--lat', '43.3', '--lon', '5.4'], env);
    expect(add.code).toBe(0);
    const list = await runCli(['device', 'list', '--json'], env);
    expect((JSON.parse(list.stdout) as { devices: { id: string }[] }).devices.map((d) => d.id)).toEqual([
      'balcon-pg',
    ]);
    const row = await check.db.selectFrom('devices').select('id').executeTakeFirst();
    expect(row?.id).toBe('balcon-pg');
    expect(existsSync(sqliteFile)).toBe(false);
  });

  it('backfill atmosud writes there, and export reads it back', async () => {
    const stations = marseilleStations().slice(0, 1);
    const fake = await startFakeAtmosud({
      data: { stations, generateMeasures: marseilleMeasures(stations) },
    });
    try {
      const backfill = await runCli(['backfill', 'atmosud', '--days', '3', '--json'], {
        ...env,
        ATMOSUD_URL: fake.url,
        ATMOSUD_TIMEOUT: '10s',
      });
      expect(backfill.code).toBe(0);
      const summary = JSON.parse(backfill.stdout) as { complete: boolean; values: { inserted: number } };
      expect(summary.complete).toBe(true);
      expect(summary.values.inserted).toBeGreaterThan(0);
      const stored = await check.db
        .selectFrom('readings')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(summary.values.inserted);

      const exported = await runCli(['export', '--format', 'ndjson', '--source', 'atmosud'], env);
      expect(exported.code).toBe(0);
      expect(exported.stdout.trim().split('\n')).toHaveLength(summary.values.inserted);
    } finally {
      await fake.close();
    }
    expect(existsSync(sqliteFile)).toBe(false);
  });
});
