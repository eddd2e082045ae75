// Placeholder replaced by the issue that implements `souffle export`.
import type { Config } from './config.js';

export const usage = 'souffle export: not implemented yet';

export async function run(_argv: string[], _config: Config): Promise<void> {
  throw new Error('souffle export is not implemented yet');
}
