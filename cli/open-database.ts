// The configured database: PostgreSQL when SOUFFLE_DATABASE_URL is set, else the SQLite file
// SOUFFLE_DB (as cli/api.ts opens it), without loading the API.
import { openDatabase } from '../data/db.js';
import { openPostgres } from '../data/db-postgres.js';
import type { Config } from './config.js';

export async function openConfiguredDatabase(config: Config) {
  return config.SOUFFLE_DATABASE_URL
    ? openPostgres(config.SOUFFLE_DATABASE_URL)
    : openDatabase(config.SOUFFLE_DB);
}
