// Placeholder replaced by the issue that implements `souffle mosquitto-config`.
import type { Config } from './config.js';

export const usage = 'souffle mosquitto-config: not implemented yet';

export async function run(_argv: string[], _config: Config): Promise<void> {
  throw new Error('souffle mosquitto-config is not implemented yet');
}
