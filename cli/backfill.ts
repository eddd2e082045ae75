// Placeholder replaced by the issue that implements `souffle backfill`.
import type { Config } from './config.js';

export const usage = 'souffle backfill: not implemented yet';

export async function run(_argv: string[], _config: Config): Promise<void> {
  throw new Error('souffle backfill is not implemented yet');
}
