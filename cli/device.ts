// Placeholder replaced by the issue that implements `souffle device`.
import type { Config } from './config.js';

export const usage = 'souffle device: not implemented yet';

export async function run(_argv: string[], _config: Config): Promise<void> {
  throw new Error('souffle device is not implemented yet');
}
