// `souffle start`: everything in one process on embedded defaults.
import { openDatabase } from '../data/db.js';
import { parseCommandArgs } from './args.js';
import type { Config } from './config.js';

export const usage = `souffle start
  Migrates the database and runs the embedded MQTT broker (unless MQTT_URL is set), the ingest
  worker with the AtmoSud puller, the API, the widgets and the dashboard on http://localhost:PORT.`;

export async function run(argv: string[], config: Config): Promise<void> {
  parseCommandArgs(argv, {});
  const handle = await openDatabase(config.SOUFFLE_DB);
  process.stdout.write(`Souffle: database ${config.SOUFFLE_DB} is ready.\n`);
  await handle.close();
}
