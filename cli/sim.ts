// Placeholder replaced by the issue that implements `souffle sim`.
import type { Config } from './config.js';

export const usage = 'souffle sim: not implemented yet';

export async function run(_argv: string[], _config: Config): Promise<void> {
  throw new Error('souffle sim is not implemented yet');
}
