// `souffle backup` and `souffle restore` on PostgreSQL: pg_dump of the URL's schema, restored
// after the schema is dropped, and refused over a schema that holds data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { sql } from 'kysely';
import { dropPostgresSchema, openPostgres, type OpenPostgres } from '../../data/db-postgres.js';
import { upsertStation } from '../../data/store/stations.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir, testDatabaseUrl, testSchemaName } from '../helpers/temp-db.js';
import { withSearchPath } from '../../testing/search-path.js';

describe('souffle backup / restore on PostgreSQL', () => {
  const server = testDatabaseUrl() ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = testSchemaName();
  const tmp = tempDir();
  let pg: OpenPostgres;
  let env: Record<string, string>;

  beforeAll(async () => {
    pg = await openPostgres(server, { schema, maxConnections: 2 });
    await upsertStation(pg.db, { id: 'ecole', source: 'citizen', name: 'École', lat: 43.3, lon: 5.4 });
    env = { SOUFFLE_DATABASE_URL: withSearchPath(server, schema), SOUFFLE_DB: join(tmp.dir, 'unused.db') };
  });
  afterAll(async () => {
    await pg?.close();
    await dropPostgresSchema(server, schema);
    tmp.cleanup();
  });

  it('dumps the schema, refuses to restore over its data, and restores it once dropped', async () => {
    const file = join(tmp.dir, 'souffle.dump');
    const backup = await runCli(['backup', file, '--json'], env);
    expect(backup.code).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({
      file,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    const refused = await runCli(['restore', file], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--force');

    await sql`drop schema ${sql.id(schema)} cascade`.execute(pg.db);
    await sql`create schema ${sql.id(schema)}`.execute(pg.db);
    const restore = await runCli(['restore', file], env);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('1 stations, 0 devices, 0 readings');
    const rows = await pg.db.selectFrom('stations').select('name').execute();
    expect(rows).toEqual([{ name: 'École' }]);

    const forced = await runCli(['restore', file, '--force'], env);
    expect(forced.code).toBe(0);
  });
});
