import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type OpenDatabase } from '../../data/db.js';

export type TempDb = OpenDatabase & { dir: string; cleanup: () => Promise<void> };

/** A migrated SQLite file in a fresh temp folder: a real database, thrown away afterwards. */
export async function tempDb(): Promise<TempDb> {
  const dir = mkdtempSync(join(tmpdir(), 'souffle-test-'));
  const handle = await openDatabase(join(dir, 'souffle.db'));
  return {
    ...handle,
    dir,
    cleanup: async () => {
      await handle.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function tempDir(prefix = 'souffle-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
