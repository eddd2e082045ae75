// The SQLite files hold devices' token hashes and every citizen's exact location: only the
// account that runs Souffle may read them, as it alone reads `.admin-token` (docs/security.md,
// Database files).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../data/db.js';
import { createDevice } from '../../data/store/devices.js';
import { tempDir } from '../helpers/temp-db.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('a database file created by Souffle', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('is readable by its owner only, and so are its -wal and -shm files', async () => {
    const path = join(dir, 'nested', 'souffle.db');
    const handle = await openDatabase(path);
    try {
      // A write while open: the WAL and its shared-memory index exist now.
      await createDevice(handle.db, { name: 'Balcon', lat: 43.3, lon: 5.4 });
      expect(mode(path)).toBe(0o600);
      expect(mode(`${path}-wal`)).toBe(0o600);
      expect(mode(`${path}-shm`)).toBe(0o600);
    } finally {
      await handle.close();
    }
  });
});
