// Placeholder replaced by the issue that implements `souffle ingest`.
import type { Config } from './config.js';

export const usage = 'souffle ingest: not implemented yet';

export async function run(_argv: string[], _config: Config): Promise<void> {
  throw new Error('souffle ingest is not implemented yet');
}
