// The command-line front door: `souffle <command> [options]`. Each command lives in cli/<name>.ts
// and exports `usage` and `run(argv, config)`; this file only reads the configuration once and
// dispatches, so importing any module never starts anything.
import { InputError, UsageError } from './cli/args.js';
import { didYouMean } from './cli/did-you-mean.js';
import { ConfigError, loadConfig, type Config } from './cli/config.js';
import { applyEnvFile, takeEnvFileOption } from './cli/env-file.js';

type Command = { usage: string; run: (argv: string[], config: Config) => Promise<void> };

/** Loaded lazily so that `souffle migrate` does not load the browser bundle or the broker. */
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  start: {
    summary: 'run everything: broker, ingest worker, AtmoSud puller, API and dashboard',
    load: () => import('./cli/start.js'),
  },
  demo: {
    summary: 'run everything with built-in demonstration data: no network needed',
    load: () => import('./cli/demo.js'),
  },
  migrate: { summary: 'create or upgrade the database', load: () => import('./cli/migrate.js') },
  backup: {
    summary: 'copy the database into a file while it runs (with a .sha256)',
    load: () => import('./cli/backup.js'),
  },
  restore: {
    summary: 'check a backup and restore it into the database',
    load: () => import('./cli/restore.js'),
  },
  'migrate-data': {
    summary: 'copy a database into another (SQLite → PostgreSQL)',
    load: () => import('./cli/migrate-data.js'),
  },
  device: {
    summary: 'register, list, rotate the token of, or remove a citizen device',
    load: () => import('./cli/device.js'),
  },
  enrol: {
    summary: 'issue, list or revoke enrolment codes for citizens registering their own sensors',
    load: () => import('./cli/enrol.js'),
  },
  outbox: {
    summary: 'list, retry or discard the HTTP pushes the outbox gave up on (dead letters)',
    load: () => import('./cli/outbox.js'),
  },
  ingest: {
    summary: 'run the ingest worker (MQTT subscriber and AtmoSud puller) alone',
    load: () => import('./cli/ingest.js'),
  },
  api: { summary: 'run the API, widgets and dashboard alone', load: () => import('./cli/api.js') },
  sim: {
    summary: 'simulate a fleet of citizen sensors publishing to the platform',
    load: () => import('./cli/sim.js'),
  },
  export: { summary: 'export readings as CSV, NDJSON or GeoJSON', load: () => import('./cli/export.js') },
  archive: {
    summary: 'build the citable open-data archive (Parquet, CSV, datapackage.json, CITATION.cff)',
    load: () => import('./cli/archive.js'),
  },
  calibrate: {
    summary: 'fit a device against a reference station beside it; --apply corrects its values',
    load: () => import('./cli/calibrate.js'),
  },
  backfill: {
    summary: 'fill history from a remote source (atmosud)',
    load: () => import('./cli/backfill.js'),
  },
  'mosquitto-config': {
    summary: 'write Mosquitto password, ACL and configuration files for the fleet',
    load: () => import('./cli/mosquitto-config.js'),
  },
  'mosquitto-plugin': {
    summary: 'build the per-device publish rate limit plugin for Mosquitto',
    load: () => import('./cli/mosquitto-plugin.js'),
  },
};

const HELP = () => `Souffle: citizen air-quality platform.

Usage: souffle [--env <file>] <command> [options]      (from a checkout: npm run souffle -- <command> ...)

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(18)} ${c.summary}`)
  .join('\n')}

Every command that prints a result accepts --json. \`souffle <command> --help\` shows its options.
Configuration comes from environment variables (see README.md, "Configuration"), and from the
KEY=value file given by --env or SOUFFLE_ENV_FILE for those not set.`;

async function main(args: string[]): Promise<number> {
  let argv: string[];
  try {
    const taken = takeEnvFileOption(args);
    argv = taken.argv;
    applyEnvFile(taken.file);
  } catch (e) {
    process.stderr.write(`souffle: ${(e as Error).message}\n`);
    return 2;
  }
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${HELP()}\n`);
    return 0;
  }
  const entry = commands[name];
  if (!entry) {
    const hint = didYouMean(name, Object.keys(commands));
    process.stderr.write(
      `souffle: unknown command "${name}".${hint} \`souffle --help\` lists the commands.\n`,
    );
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    await command.run(rest, loadConfig());
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`souffle ${name}: ${e.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (e instanceof InputError) {
      process.stderr.write(`souffle ${name}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`souffle: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`souffle ${name}: ${(e as Error).message}\n`);
    // SQLite waited its busy timeout (5 s) for another process's write lock: say which and what to do.
    if (/database is locked|SQLITE_BUSY/i.test((e as Error).message))
      process.stderr.write(
        'Another Souffle process (start, ingest, sim --backfill, migrate) held the database for more than 5 s. Run the command again; it waits for the lock up to 5 s each time.\n',
      );
    if (process.env.LOG_LEVEL === 'debug') process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
