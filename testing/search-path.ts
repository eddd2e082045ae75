// A PostgreSQL URL pinned to one schema, for child processes: tests give each run a schema of its
// own (tests/helpers/temp-db.ts), and the postgres benchmark works in one it drops afterwards.

/** A URL that selects `schema` on every connection, for child processes (libpq `options`). */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}
