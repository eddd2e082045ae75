#!/usr/bin/env node
// The package's `bin`. Runs the server code that `npm run build` compiled into dist/node/ with
// plain Node when that build is up to date with the sources (bin/node-build.mjs), else the
// TypeScript sources through tsx, as before any build: a fresh `npm install` needs no build step.
// Why both: on Node 20, which cannot strip types, tsx's loader runs in a second V8 isolate and
// costs ~50 MB per process (`souffle api` idles at ~157 MB under tsx, ~105 MB compiled, against
// its 150 MB target: docs/api.md, Memory). A developer who edits a .ts file never runs stale code:
// any source changed, added or removed since the build sends the run to tsx until the next build.
// SOUFFLE_RUN_FROM_SOURCE=1 forces tsx. Which one ran is said on stderr at LOG_LEVEL=debug only.
import { fileURLToPath } from 'node:url';
import { staleReason } from './node-build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function sourceReason() {
  if (/^(1|true|yes)$/i.test(process.env.SOUFFLE_RUN_FROM_SOURCE ?? ''))
    return 'SOUFFLE_RUN_FROM_SOURCE is set';
  return staleReason(root);
}

const reason = sourceReason();
const debug = process.env.LOG_LEVEL === 'debug';
if (reason === null) {
  if (debug) process.stderr.write('souffle: running the compiled build in dist/node\n');
  await import('../dist/node/souffle.js');
} else {
  if (debug) process.stderr.write(`souffle: running the TypeScript sources through tsx: ${reason}\n`);
  // Loaded only here: the compiled path never pays for tsx.
  const { register } = await import('tsx/esm/api');
  register();
  await import('../souffle.ts');
}
