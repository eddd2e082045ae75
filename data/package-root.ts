// The folder of Souffle's package.json, found by walking up from this module, so that files kept
// beside the package (dist/web, bin/souffle.mjs, package.json) resolve the same whether the code
// runs from its TypeScript sources (data/package-root.ts) or compiled into dist/node/ (one folder
// deeper, and the depth may change again): `new URL('../dist/web', import.meta.url)` only works in
// one of the two layouts.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'souffle';

let found: { root: string; version: string } | undefined;

function readPackage(dir: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name?: unknown;
      version?: unknown;
    };
  } catch {
    return undefined;
  }
}

function find(): { root: string; version: string } {
  const start = dirname(fileURLToPath(import.meta.url));
  // The name is checked so that a package.json added inside dist/ (a `"type"` marker, say) is
  // never taken for the package's own.
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = readPackage(dir);
    if (pkg?.name === PACKAGE_NAME) return { root: dir, version: String(pkg.version ?? '0.0.0') };
    if (dirname(dir) === dir) throw new Error(`no package.json named "${PACKAGE_NAME}" above ${start}`);
  }
}

/** The absolute path of the folder holding Souffle's package.json (read once, then remembered). */
function packageRoot(): string {
  found ??= find();
  return found.root;
}

/** A path inside the package, e.g. `packagePath('dist', 'web')`. */
export function packagePath(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}

/** The package's version from package.json. */
export function packageVersion(): string {
  found ??= find();
  return found.version;
}
