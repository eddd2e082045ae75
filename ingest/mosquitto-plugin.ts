// Builds the souffle_rate_limit Mosquitto plugin (ingest/mosquitto-plugin/souffle_rate_limit.c)
// with the machine's C compiler, against the Mosquitto headers installed there, and optionally
// checks that the installed Mosquitto loads it. Built on the broker's machine rather than shipped:
// a plugin must match the broker's plugin interface and C library, which only that machine knows.
//
// A door of the ingest area of its own (beside ingest/mosquitto-config.ts): `souffle
// mosquitto-plugin build` loads neither the broker nor the worker.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packagePath } from '../data/package-root.js';

export const PLUGIN_FILE = 'souffle_rate_limit.so';

/** The plugin's C source, inside the package (the same from sources and from dist/node). */
export function pluginSource(): string {
  return packagePath('ingest', 'mosquitto-plugin', 'souffle_rate_limit.c');
}

const HEADERS_HINT =
  'the Mosquitto plugin headers are missing: install them (Debian/Ubuntu: apt-get install mosquitto-dev libmosquitto-dev)';
const COMPILER_HINT = 'install one (Debian/Ubuntu: apt-get install gcc libc6-dev) or name one with --cc';

export class PluginBuildError extends Error {
  override name = 'PluginBuildError';
}

export type PluginBuild = {
  /** The shared object written: the path to give `souffle mosquitto-config --plugin`. */
  plugin: string;
  source: string;
  command: string[];
  /** Set with `check`: what the installed Mosquitto said when it loaded the plugin. */
  check?: { mosquitto: string; loaded: string };
};

/** Compiles the plugin into `<dir>/souffle_rate_limit.so`; with `check`, loads it in Mosquitto. */
export async function buildMosquittoPlugin(
  dir: string,
  { cc = 'cc', check = false, mosquitto }: { cc?: string; check?: boolean; mosquitto?: string } = {},
): Promise<PluginBuild> {
  const source = pluginSource();
  if (!existsSync(source)) throw new PluginBuildError(`the plugin's source is missing: ${source}`);
  mkdirSync(dir, { recursive: true });
  const plugin = resolve(dir, PLUGIN_FILE);
  // -lm: the plugin uses fmin/floor, and the broker need not have loaded the maths library.
  const args = ['-shared', '-fPIC', '-O2', '-Wall', '-o', plugin, source, '-lm'];
  const run = spawnSync(cc, args, { encoding: 'utf8' });
  if (run.error) {
    const missing = (run.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new PluginBuildError(
      missing ? `no C compiler "${cc}": ${COMPILER_HINT}` : `${cc} did not run: ${run.error.message}`,
    );
  }
  if (run.status !== 0) {
    const output = `${run.stderr}${run.stdout}`.trim();
    const hint = /mosquitto(_broker|_plugin)?\.h/.test(output) ? `${HEADERS_HINT}\n` : '';
    throw new PluginBuildError(`${hint}${cc} ${args.join(' ')} failed:\n${output}`);
  }
  const result: PluginBuild = { plugin, source, command: [cc, ...args] };
  if (check) result.check = await checkPluginLoads(plugin, mosquitto);
  return result;
}

const MOSQUITTO_PATHS = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'];
/** What the plugin logs once its options are read and its callbacks registered. */
const LOADED = /souffle_rate_limit: each device may publish [^\n]*/;

/**
 * Starts the installed Mosquitto on a Unix socket with only the plugin, and waits for the
 * plugin's start-up line: a plugin built against other headers, or a broker without plugin API
 * v5 (Mosquitto < 2), fails here and not at the next restart of the production broker.
 */
export async function checkPluginLoads(
  plugin: string,
  mosquitto = MOSQUITTO_PATHS.find((p) => existsSync(p)),
): Promise<{ mosquitto: string; loaded: string }> {
  if (!mosquitto) {
    throw new PluginBuildError(
      `--check needs Mosquitto (looked for ${MOSQUITTO_PATHS.join(', ')}): apt-get install mosquitto`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'souffle-plugin-check-'));
  const conf = join(dir, 'check.conf');
  // A Unix socket in the temporary folder: the check takes no port and is reachable by no one.
  writeFileSync(
    conf,
    [
      `listener 0 ${join(dir, 'check.sock')}`,
      'allow_anonymous false',
      `plugin ${plugin}`,
      'plugin_opt_rate 60',
      'plugin_opt_burst 1',
      '',
    ].join('\n'),
  );
  try {
    const output = await runUntil(mosquitto, ['-c', conf], LOADED, 10_000);
    const loaded = LOADED.exec(output)?.[0];
    if (!loaded) {
      // Started as root, Mosquitto drops to its own user before it loads plugins.
      const hint = /Permission denied/.test(output)
        ? '\nMosquitto loads plugins as its own user (mosquitto): put the plugin in a folder that user can read, e.g. /usr/local/lib/souffle (mode 755).'
        : '';
      throw new PluginBuildError(
        `${mosquitto} did not load ${plugin}:\n${output.trim() || '(no output)'}${hint}`,
      );
    }
    return { mosquitto, loaded };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a command until its output matches `until`, it exits, or `timeoutMs` passes; its output. */
function runUntil(bin: string, args: string[], until: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      done(output);
    };
    const timer = setTimeout(finish, timeoutMs);
    const read = (d: Buffer) => {
      output += d.toString();
      if (until.test(output)) finish();
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', finish);
    child.once('error', (e) => {
      finished = true;
      clearTimeout(timer);
      fail(new PluginBuildError(`${bin} did not run: ${e.message}`));
    });
  });
}
