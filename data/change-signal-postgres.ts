// The change signal of a PostgreSQL database (data/change-signal.ts): a connection LISTENs to the
// notifications migration 0012's triggers send. Its own file so that only PostgreSQL loads pg.
import pg from 'pg';
import type { ChangeSignal } from './change-signal.js';
import { CHANGES_CHANNEL } from './migrations/0012-current-values.js';

export type PostgresSignalOptions = {
  /** Told when the listening connection is lost (it reconnects after `retryMs`). */
  onLost?: (error: Error) => void;
  retryMs?: number;
};

/**
 * The change signal of a PostgreSQL database: a connection of its own (from `url`, whose options
 * select the schema) LISTENs to the triggers' channel and counts the notifications of its schema.
 * Resolves once listening. A notification arrives just after the commit, so an answer cached in
 * between is dropped a moment later, not at once.
 */
export async function postgresChangeSignal(
  url: string,
  options: PostgresSignalOptions = {},
): Promise<ChangeSignal> {
  let generation = 0;
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    const lost = (e: Error) => {
      if (client !== c) return;
      client = undefined;
      generation += 1;
      c.end().catch(() => {});
      if (closed) return;
      options.onLost?.(e);
      retry = setTimeout(() => void connect().catch(lost), options.retryMs ?? 5000);
      retry.unref();
    };
    c.on('error', lost);
    c.on('end', () => lost(new Error('the listening connection ended')));
    await c.connect();
    const { rows } = await c.query<{ schema: string }>('select current_schema() as schema');
    const schema = rows[0]?.schema;
    c.on('notification', (n) => {
      if (n.payload === schema) generation += 1;
    });
    await c.query(`listen ${CHANGES_CHANNEL}`);
    generation += 1; // whatever changed while nobody listened
    client = c;
  };
  await connect();
  return {
    async version() {
      return client ? String(generation) : undefined;
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
