// The compiled run path (bin/node-build.mjs, bin/souffle.mjs): tsc's build in dist/node runs with
// plain Node, finds the files beside the package, and is never run once a source changed. On a
// copy of the checkout's sources in a temporary folder (node_modules linked), so that building,
// editing and removing files never touches the working tree.
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../testing/free-port.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** What the build reads: the folders tsconfig.build.json includes, bin/, configs. */
const COPIED = [
  ...['souffle.ts', 'cli', 'data', 'ingest', 'api', 'sensors-sim', 'bin'],
  ...['package.json', 'tsconfig.json', 'tsconfig.build.json'],
];

/** Files an earlier build left in dist/node, from sources it no longer compiles. */
const LEFTOVERS = [
  'dist/node/bench/suites.js',
  'dist/node/tests/helpers/mosquitto.js',
  'dist/node/vite.config.js',
];

type Run = { code: number | null; stdout: string; stderr: string };

let copy: string;

/** Runs node with args in the copy; resolves at exit, or once `until` matches stdout (then kill()). */
function node(
  args: string[],
  env: Record<string, string | undefined> = {},
  until?: RegExp,
): Promise<Run & { kill: () => Promise<void> }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, {
      cwd: copy,
      env: {
        ...process.env,
        LOG_LEVEL: undefined,
        SOUFFLE_RUN_FROM_SOURCE: undefined,
        SOUFFLE_DATABASE_URL: undefined,
        SOUFFLE_DB: join(copy, 'test.db'),
        ATMOSUD_ENABLED: 'false',
        ...env,
      },
    });
    const run: Run = { code: null, stdout: '', stderr: '' };
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const kill = async () => {
      child.kill('SIGTERM');
      await exited;
    };
    child.stdout.on('data', (d) => {
      run.stdout += d;
      if (until?.test(run.stdout)) done({ ...run, kill });
    });
    child.stderr.on('data', (d) => (run.stderr += d));
    child.on('error', fail);
    child.on('exit', (code) => done({ ...run, code, kill }));
  });
}

const souffle = (args: string[], env: Record<string, string | undefined> = {}) =>
  node([join(copy, 'bin/souffle.mjs'), ...args], env);
const debug = { LOG_LEVEL: 'debug' };

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), 'souffle-compiled-'));
  // Sources only: data/ also holds databases and simulator credentials.
  const source = (path: string) => !/\.(db|db-\w+|log)$/.test(path) && !path.endsWith('sim-devices.json');
  for (const path of COPIED) cpSync(join(ROOT, path), join(copy, path), { recursive: true, filter: source });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  // What an earlier build compiled and this one no longer does (the benchmarks and what they imported).
  for (const stale of LEFTOVERS) {
    mkdirSync(dirname(join(copy, stale)), { recursive: true });
    writeFileSync(join(copy, stale), 'export {};\n');
  }
  const build = await node(['bin/node-build.mjs']);
  expect(build.stderr).toContain('dist/node: server code compiled');
  expect(build.code).toBe(0);
}, 180_000);

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('the compiled build', () => {
  it('runs with plain Node: --help and migrate --json', async () => {
    const help = await node(['dist/node/souffle.js', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}migrate /m);
    const migrate = await node(['dist/node/souffle.js', 'migrate', '--json']);
    expect(migrate.code).toBe(0);
    expect(JSON.parse(migrate.stdout)).toMatchObject({ applied: expect.arrayContaining(['0001-initial']) });
  });

  it('holds the server code only: no benchmark, test helper or vite.config, even left by an earlier build', () => {
    const files = readdirSync(join(copy, 'dist/node'), { recursive: true, encoding: 'utf8' });
    expect(files.filter((path) => /bench|tests|testing|vite/.test(path))).toEqual([]);
    expect(files).toContain('souffle.js');
    for (const stale of LEFTOVERS) expect(existsSync(join(copy, stale))).toBe(false);
  });

  it('is what bin/souffle.mjs runs while it is up to date, and says so only at LOG_LEVEL=debug', async () => {
    const quiet = await souffle(['--help']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    const told = await souffle(['--help'], debug);
    expect(told.stderr).toContain('running the compiled build in dist/node');
  });

  it('serves the API reference, the package version and the web folder from the package root', async () => {
    const port = await freePort();
    const api = await node(
      [join(copy, 'bin/souffle.mjs'), 'api'],
      { ...debug, PORT: String(port), HOST: '127.0.0.1', SOUFFLE_ADMIN_TOKEN: 'compiled-test' },
      /listening on/,
    );
    try {
      expect(api.stderr).toContain('running the compiled build');
      const base = `http://127.0.0.1:${port}`;
      const openapi = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as {
        info: { version: string };
      };
      const pkg = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as { version: string };
      expect(openapi.info.version).toBe(pkg.version);
      expect((await fetch(`${base}/api/v1/docs/assets/swagger-ui.css`)).status).toBe(200);
      // The copy has no dist/web: the page names the folder it looked for, beside package.json.
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(503);
      expect(await page.text()).toContain(join(copy, 'dist', 'web'));
    } finally {
      await api.kill();
    }
  });

  it('is left for the sources when SOUFFLE_RUN_FROM_SOURCE=1', async () => {
    const run = await souffle(['--help'], { ...debug, SOUFFLE_RUN_FROM_SOURCE: '1' });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('running the TypeScript sources through tsx');
  });

  it('is left for the sources while a source file is added or removed, and taken back after', async () => {
    const added = join(copy, 'cli/scratch.ts');
    writeFileSync(added, 'export const scratch = 1;\n');
    expect((await souffle(['--help'], debug)).stderr).toContain('cli/scratch.ts was added after the build');
    rmSync(added);
    const moved = join(copy, 'cli/export.ts');
    renameSync(moved, `${moved}.away`);
    expect((await souffle(['--help'], debug)).stderr).toContain('cli/export.ts was removed after the build');
    renameSync(`${moved}.away`, moved);
    expect((await souffle(['--help'], debug)).stderr).toContain('running the compiled build');
  });

  it('is never run once a source was edited: the edit is what runs', async () => {
    const file = join(copy, 'cli/migrate.ts');
    const edited = readFileSync(file, 'utf8').replace(
      'Creates the database if needed',
      'EDITED Creates the database if needed',
    );
    writeFileSync(file, edited);
    const run = await souffle(['migrate', '--help'], debug);
    expect(run.stdout).toContain('EDITED');
    expect(run.stderr).toContain('cli/migrate.ts changed after the build');
  });
});
