// `souffle demo` (`npm run demo`): the platform as `souffle start` runs it, with no network. A
// built-in stand-in for AtmoSud (sensors-sim/atmosud/) answers the puller in process, so the
// reference stations of the metropolis and a week of their hourly values arrive through the same
// path as AtmoSud's; a simulated city of citizen sensors publishes beside them (two days of
// history, then live). Everything it shows is labelled "Données de démonstration / Demonstration
// data", and it runs on its own database (data/demo.db), so demonstration data never mix with real.
import { join } from 'node:path';
import { createAtmosudStandin, metropolisDataset, runSimulation } from '../sensors-sim/index.js';
import { parseCommandArgs, UsageError } from './args.js';
import { parseDuration, type Config } from './config.js';
import { dataFolder } from './open-database.js';
import { parseSimArgs } from './sim-options.js';
import { runPlatform } from './start.js';

export const usage = `souffle demo [options]        (from a checkout: npm run demo)
  Runs the platform as \`souffle start\` does, with no network: a built-in stand-in for AtmoSud
  (eleven reference stations of the Aix-Marseille metropolis and their hourly values) and a
  simulated city of citizen sensors. Everything is labelled as demonstration data. It uses its own
  database, SOUFFLE_DEMO_DB (default data/demo.db), never SOUFFLE_DB or SOUFFLE_DATABASE_URL, and
  the embedded broker on SOUFFLE_MQTT_PORT.

  --devices N      simulated citizen sensors (default 25)
  --history D      history of the reference stations, e.g. 3d (default 7d)
  --sim-history D  history the simulated sensors publish first (default 2d; 0 for none)`;

const DEFAULTS = { devices: '25', history: '7d', simHistory: '2d' };

/** The stand-in's address: never resolved (its fetch answers in process); .invalid is reserved (RFC 2606). */
const STANDIN_URL = 'https://atmosud-demo.invalid';

/** The configuration of the demo: its own SQLite file and broker, whatever the environment says. */
export function demoConfig(config: Config, env: NodeJS.ProcessEnv = process.env): Config {
  return {
    ...config,
    SOUFFLE_DB: env.SOUFFLE_DEMO_DB || 'data/demo.db',
    SOUFFLE_DATABASE_URL: undefined,
    MQTT_URL: undefined,
    SOUFFLE_INGEST_WORKERS: 1,
    ATMOSUD_ENABLED: true,
  };
}

function durationOption(name: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as Error).message}`);
  }
}

export async function run(argv: string[], base: Config): Promise<void> {
  const { values } = parseCommandArgs(argv, {
    devices: { type: 'string' },
    history: { type: 'string' },
    'sim-history': { type: 'string' },
  });
  const history = durationOption('history', values.history ?? DEFAULTS.history);
  const simHistory = durationOption('sim-history', values['sim-history'] ?? DEFAULTS.simHistory);
  const config = demoConfig(base);
  const standin = createAtmosudStandin(metropolisDataset());

  await runPlatform(config, {
    demo: true,
    atmosud: {
      baseUrl: STANDIN_URL,
      fetch: standin.fetch,
      initialLookbackMs: Math.max(history, config.ATMOSUD_OVERLAP),
    },
    afterStart: async ({ apiUrl, mqttPort }) => {
      const sim = parseSimArgs(
        [
          '--devices',
          values.devices ?? DEFAULTS.devices,
          '--api-url',
          apiUrl,
          '--mqtt-url',
          `mqtt://127.0.0.1:${mqttPort}`,
          '--credentials',
          join(dataFolder(config) ?? 'data', 'demo-devices.json'),
          '--quiet',
          ...(simHistory > 0 ? ['--backfill', `${Math.round(simHistory / 60_000)}m`] : []),
        ],
        config,
      );
      const controller = new AbortController();
      const running = runSimulation({ ...sim.options, signal: controller.signal }).catch((e: Error) =>
        process.stderr.write(`souffle demo: the simulated city stopped: ${e.message}\n`),
      );
      process.stdout.write(
        `\nDemonstration data (Données de démonstration): a stand-in for AtmoSud and ${sim.options.fleet.length} simulated sensors.\n` +
          `Database ${config.SOUFFLE_DB}; delete it to start the demo afresh.\n\n`,
      );
      return async () => {
        controller.abort();
        await running;
      };
    },
  });
}
