import { configDefaults, defineConfig } from 'vitest/config';

// The PostgreSQL server the `postgres` project runs the storage suite against (docs/postgres.md).
// SOUFFLE_TEST_POSTGRES=skip leaves the project out (a developer without PostgreSQL); CI keeps it,
// and an unreachable server then fails the run with a message that says so.
const postgres = process.env.SOUFFLE_TEST_POSTGRES || 'postgres://postgres@127.0.0.1:5432/test';
const skipPostgres = /^(skip|off|0|false|no)$/i.test(postgres);

// Suites that run on both engines. Files that test SQLite itself stay in the sqlite project only.
const BOTH_ENGINES = [
  'tests/data/store/**/*.test.ts',
  'tests/api/**/*.test.ts',
  'tests/cli/export-and-api.test.ts',
  // Corrections and invalidations rewrite and delete rows: their SQL must hold on both engines.
  'tests/ingest/corrections.test.ts',
  'tests/ingest/atmosud/invalidations.test.ts',
];
// Suites about PostgreSQL itself: the postgres project only.
const POSTGRES_ONLY = ['tests/postgres/**/*.test.ts', 'tests/cli/postgres-database.test.ts'];
// migrations: SQLite's STRICT tables and pragmas. export-memory and large-reads: seed their rows
// through better-sqlite3 directly; the export's queries are the same Kysely ones tests/api/export
// runs on both. admin-write-busy: SQLite's write lock held by another process.
const SQLITE_ONLY = [
  'tests/data/store/migrations.test.ts',
  'tests/api/export-memory.test.ts',
  'tests/api/large-reads.test.ts',
  'tests/api/admin-write-busy.test.ts',
];

// Tests start real brokers, databases, servers and browsers: give them room, and run files in
// separate processes (forks) so that native modules and listening sockets never collide.
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for a browser or a worker to catch up: 1 s (the default) is too short on a
    // loaded 2-core machine (a widget pasted on a fresh page loads its bundle, chart.js and a
    // year of data); a poll that succeeds returns at once, so a long timeout costs only failures.
    expect: { poll: { timeout: 15_000 } },
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...POSTGRES_ONLY],
          // Builds dist/web (vite) when its sources changed, for the widget browser tests.
          globalSetup: ['tests/web-components/global-setup.ts'],
        },
      },
      ...(skipPostgres
        ? []
        : [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: [...BOTH_ENGINES, ...POSTGRES_ONLY],
                exclude: [...configDefaults.exclude, ...SQLITE_ONLY],
                // Checks the server once and sweeps schemas left by killed runs.
                globalSetup: ['tests/postgres/global-setup.ts'],
                // tempDb() reads it: each call gets a fresh schema on this server.
                env: { SOUFFLE_TEST_DATABASE_URL: postgres },
              },
            },
          ]),
    ],
  },
});
