// Builds the widgets and pages (vite build → dist/web) once before the browser tests, and only when
// a source is newer than the last build, so runs that do not touch the web pay a few stat() calls.
// A lock directory keeps two test runs on one machine from building over each other.
// The build is the production one `npm run build` makes: vitest sets NODE_ENV=test, under which
// Vite builds a development bundle (Lit's dev mode, ~30% bigger) and leaves it in dist/web, where
// `souffle start` then serves it to schools. The stamp names the mode, so an older test-mode build
// is replaced.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const stamp = join(root, 'dist/web/.build-stamp');
const lock = join(root, 'dist/.web-build-lock');
const SOURCES = ['web-components', 'data', 'vite.config.ts', 'package-lock.json'];
const MODE = 'production';

function newest(path: string): number {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  // Only sources count: a database file under data/ changes all the time.
  if (!info.isDirectory()) return /\.(ts|html|css|json)$/.test(path) ? info.mtimeMs : 0;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function built(): boolean {
  const info = statSync(stamp, { throwIfNoEntry: false });
  if (!info || info.mtimeMs < Math.max(...SOURCES.map((s) => newest(join(root, s))))) return false;
  return readFileSync(stamp, 'utf8').includes(`mode=${MODE}`);
}

async function withLock(fn: () => void): Promise<void> {
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes belongs to a build that died.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age > 120_000 || i > 600) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export default async function setup(): Promise<void> {
  if (built()) return;
  await withLock(() => {
    if (built()) return;
    execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--mode', MODE], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: MODE },
    });
    writeFileSync(stamp, `${new Date().toISOString()} mode=${MODE}\n`);
  });
}
