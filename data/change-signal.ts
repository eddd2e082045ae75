// Whether the database changed since an answer was cached: the API's in-process caches of current
// values and indices (api/answer-cache.ts) key their entries by a version, and drop them all when it
// moves. SQLite: PRAGMA data_version moves when another connection committed (the ingest worker,
// the CLI), total_changes() when this one wrote (`souffle start` shares one connection between the
// worker and the API). PostgreSQL: triggers NOTIFY every write to the tables those answers read
// (migration 0012) and a dedicated connection LISTENs; while it is not listening, there is no
// version and nothing is cached (data/change-signal-postgres.ts, loaded only on PostgreSQL).
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export type ChangeSignal = {
  /** The current version, or undefined when changes cannot be told (then cache nothing). */
  version(): Promise<string | undefined>;
  close(): Promise<void>;
};

/** The change signal of a SQLite database, read on the connection the API reads with. */
export function sqliteChangeSignal(db: Kysely<Database>): ChangeSignal {
  return {
    async version() {
      const { rows } = await sql<{ v: number; t: number }>`
        select (select data_version from pragma_data_version) as v, total_changes() as t`.execute(db);
      return `${rows[0]!.v}:${rows[0]!.t}`;
    },
    close: async () => {},
  };
}
