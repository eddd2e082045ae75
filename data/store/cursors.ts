// Pull cursors: how far a puller has read a remote source, so that it resumes where it stopped.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export async function getCursor(db: Kysely<Database>, source: string, key: string) {
  return db
    .selectFrom('pull_cursors')
    .selectAll()
    .where('source', '=', source)
    .where('key', '=', key)
    .executeTakeFirst();
}

export async function setCursor(
  db: Kysely<Database>,
  input: { source: string; key: string; cursor: number; state?: unknown },
  now = Date.now(),
): Promise<void> {
  const row = {
    cursor: input.cursor,
    state: input.state === undefined ? null : JSON.stringify(input.state),
    updated_at: now,
  };
  await db
    .insertInto('pull_cursors')
    .values({ source: input.source, key: input.key, ...row })
    .onConflict((oc) => oc.columns(['source', 'key']).doUpdateSet(row))
    .execute();
}
