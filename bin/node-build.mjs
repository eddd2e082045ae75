// The compiled run path. `npm run build` runs this file: tsc compiles the server code
// (tsconfig.build.json) into dist/node/ and a stamp records the modification time of every source
// it compiled. bin/souffle.mjs runs dist/node/ only while `staleReason()` finds nothing: a source
// whose time differs from the stamp's (edited, checked out, restored), or one added or removed
// since, sends the run back to the TypeScript sources. Times are compared for equality, not
// against the build's clock, so an edit made while tsc runs also counts.
// Plain JavaScript: bin/souffle.mjs reads it before (and usually instead of) loading tsx.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const COMPILED_ENTRY = 'dist/node/souffle.js';
const STAMP = 'dist/node/build-stamp.json';
/** Not sources, but a change to them may change what tsc emits. */
const CONFIG_FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json'];
const SOURCE = /\.[mc]?ts$/;

/**
 * Modification time (ms) of every source file and configuration file the build depends on, by
 * path relative to root. The sources are the TypeScript files under tsconfig.build.json's
 * `include` (only sources: data/ also holds the SQLite database, which changes all the time).
 */
export function sourceTimes(root) {
  const times = {};
  const walk = (rel) => {
    const info = statSync(join(root, rel), { throwIfNoEntry: false });
    if (info?.isFile() && SOURCE.test(rel)) times[rel] = info.mtimeMs;
    if (!info?.isDirectory()) return;
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      if (entry.isDirectory() || SOURCE.test(entry.name)) walk(`${rel}/${entry.name}`);
    }
  };
  for (const rel of buildInclude(root)) walk(rel);
  for (const rel of CONFIG_FILES) {
    const info = statSync(join(root, rel), { throwIfNoEntry: false });
    if (info) times[rel] = info.mtimeMs;
  }
  return times;
}

/** tsconfig.build.json's `include`: the files and folders the build compiles. */
function buildInclude(root) {
  const file = join(root, 'tsconfig.build.json');
  // Absent in an install of the compiled build alone (the container image): nothing to compile.
  if (!existsSync(file)) return [];
  return JSON.parse(readFileSync(file, 'utf8')).include;
}

/** Why dist/node/ must not run (a sentence), or null when it is up to date with the sources. */
export function staleReason(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, STAMP), 'utf8'));
  } catch {
    return 'no compiled build in dist/node (npm run build makes one)';
  }
  if (!existsSync(join(root, COMPILED_ENTRY))) return `${COMPILED_ENTRY} is missing`;
  const built = stamp.sources ?? {};
  const now = sourceTimes(root);
  // No source at all: an install that ships only the compiled build (the container image,
  // Dockerfile), where there is nothing to be stale against and no tsx to run sources with.
  if (!Object.keys(now).some((rel) => SOURCE.test(rel))) return null;
  for (const [rel, time] of Object.entries(now)) {
    if (!(rel in built)) return `${rel} was added after the build`;
    if (built[rel] !== time) return `${rel} changed after the build`;
  }
  for (const rel of Object.keys(built)) if (!(rel in now)) return `${rel} was removed after the build`;
  return null;
}

/** Compiles the server code into dist/node/ and stamps it; returns tsc's exit code. */
export function build(root) {
  const started = performance.now();
  mkdirSync(join(root, 'dist/node'), { recursive: true });
  // No stamp while tsc writes: a `souffle` started meanwhile runs the sources.
  rmSync(join(root, STAMP), { force: true });
  // Only what the build compiles: a folder taken out of the build (the benchmarks, the test
  // helpers and vite.config they imported) must not linger from an earlier one.
  const compiled = new Set(buildInclude(root).map((rel) => rel.split('/')[0].replace(SOURCE, '.js')));
  for (const name of readdirSync(join(root, 'dist/node')))
    if (!compiled.has(name)) rmSync(join(root, 'dist/node', name), { recursive: true, force: true });
  // Taken before tsc reads anything: a file edited during the build no longer matches it.
  const sources = sourceTimes(root);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) return r.status ?? 1;
  writeFileSync(
    join(root, STAMP),
    `${JSON.stringify({ builtAt: new Date().toISOString(), node: process.version, sources }, null, 1)}\n`,
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(`dist/node: server code compiled in ${seconds} s\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = build(dirname(dirname(fileURLToPath(import.meta.url))));
}
