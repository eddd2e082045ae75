// Placeholder replaced by the issue that implements `souffle api`.
import type { Config } from './config.js';

export const usage = 'souffle api: not implemented yet';

export async function run(_argv: string[], _config: Config): Promise<void> {
  throw new Error('souffle api is not implemented yet');
}
