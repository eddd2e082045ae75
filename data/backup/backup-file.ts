// What every backup file gets, whatever the engine: written under `<file>.partial` and renamed
// only once complete (a crash never leaves a truncated file under the real name), readable by its
// owner only (it holds token hashes and exact locations, as the database does: docs/security.md),
// and a `<file>.sha256` beside it in `sha256sum` format, so `sha256sum -c` checks it anywhere.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  createReadStream,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename } from 'node:path';

export const checksumPath = (file: string) => `${file}.sha256`;
export const partialPath = (file: string) => `${file}.partial`;

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function fsyncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Makes a finished `<file>.partial` the backup: 0600, flushed to disk, renamed over `file`, with
 * its checksum written beside it. Returns the checksum.
 */
export async function publishBackup(file: string): Promise<string> {
  const sum = await sha256File(partialPath(file));
  finishPartial(file);
  writeFileSync(checksumPath(file), `${sum}  ${basename(file)}\n`, { mode: 0o600 });
  return sum;
}

/** Makes `<file>.partial` the file: 0600, flushed to disk, then renamed (atomic on one file system). */
export function finishPartial(file: string): void {
  const partial = partialPath(file);
  chmodSync(partial, 0o600);
  fsyncFile(partial);
  renameSync(partial, file);
}

/** Removes what a failed backup left. */
export function discardPartial(file: string): void {
  rmSync(partialPath(file), { force: true });
}

export type ChecksumCheck = { status: 'ok'; sha256: string } | { status: 'missing' };

/** Checks `file` against `<file>.sha256` when there is one; throws on a mismatch. */
export async function verifyChecksum(file: string): Promise<ChecksumCheck> {
  if (!existsSync(file)) throw new Error(`${file}: no such backup file`);
  const sumFile = checksumPath(file);
  if (!existsSync(sumFile)) return { status: 'missing' };
  const expected = readFileSync(sumFile, 'utf8').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const actual = await sha256File(file);
  if (expected !== actual) {
    throw new Error(
      `${file} does not match ${basename(sumFile)} (sha256 ${actual}, expected ${expected}): ` +
        'the file is damaged or is not the backup that checksum was written for',
    );
  }
  return { status: 'ok', sha256: actual };
}
