// `--env <file>` (before the command) or SOUFFLE_ENV_FILE: settings read from a file of
// KEY=value lines, the same file systemd's EnvironmentFile= reads. The CLI, run by hand as the
// operator (`souffle backup`, `souffle device add`), then sees the services' configuration.
// Variables already set in the environment win, as they would over EnvironmentFile=. Not
// `--env-file`: Node 20 takes that option for itself wherever it appears on the command line, even
// after the script, and exits with code 9 when the file is missing.
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/** Removes a leading `--env <file>` / `--env=<file>` from argv; returns the file named. */
export function takeEnvFileOption(argv: string[]): { argv: string[]; file: string | undefined } {
  const [first, second, ...rest] = argv;
  if (first === '--env') {
    if (!second) throw new Error('--env needs a file');
    return { argv: rest, file: second };
  }
  if (first?.startsWith('--env=')) return { argv: argv.slice(1), file: first.slice('--env='.length) };
  return { argv, file: undefined };
}

/** Loads `file` (or SOUFFLE_ENV_FILE) into `env`, without replacing variables already set. */
export function applyEnvFile(
  file: string | undefined,
  env: Record<string, string | undefined> = process.env,
): void {
  const path = file ?? (env.SOUFFLE_ENV_FILE || undefined);
  if (!path) return;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the environment file ${path}: ${(e as Error).message}`);
  }
  for (const [key, value] of Object.entries(parseEnv(text))) {
    if (env[key] === undefined) env[key] = value;
  }
}
