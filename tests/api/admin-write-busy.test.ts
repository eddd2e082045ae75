// An admin write while another process holds SQLite's write lock (`souffle device add` from a
// shell, a long import) waits for it, within the busy timeout, instead of failing at once with a
// 500 (docs/security.md, Busy database).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { startApiServer } from '../../api/server.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';

const ADMIN = 'admin-busy-token';
let handle: TempDb;
let server: Awaited<ReturnType<typeof startApiServer>>;

beforeAll(async () => {
  handle = await tempDb({ dialect: 'sqlite' });
  const app = createApp({
    db: handle.db,
    adminToken: ADMIN,
    publicUrl: 'http://127.0.0.1',
    mqttUrl: 'mqtt://127.0.0.1:1',
  });
  server = await startApiServer({ app, port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server?.close();
  await handle?.cleanup();
});

/** Another process that takes the write lock, says so, and releases it after `ms`. */
function holdWriteLock(path: string, ms: number): Promise<{ done: Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN IMMEDIATE');
    db.prepare("INSERT INTO stations (id, source, name, lat, lon, public_lat, public_lon, created_at, updated_at) VALUES ('held-${ms}', 'citizen', 'Held', 43, 5, 43, 5, 0, 0)").run();
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ['-e', script, path], { cwd: join(import.meta.dirname, '../..') });
  const done = new Promise<void>((ok, fail) =>
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`lock holder exited ${code}`)))),
  );
  done.catch(() => undefined); // reported by the promise below when it fails before locking
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((ok, fail) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && ok({ done }));
    child.on('exit', (code) => fail(new Error(`lock holder exited ${code} before locking: ${stderr}`)));
  });
}

// SQLite's locks: the file is in vitest.config.ts's SQLITE_ONLY list.
describe('an admin write while another process writes', () => {
  it('waits for the lock and succeeds instead of answering 500', async () => {
    const holder = await holdWriteLock(join(handle.dir, 'souffle.db'), 1000);
    const started = Date.now();
    const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/devices`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Balcon', lat: 43.3, lon: 5.4 }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    await holder.done;
  });

  it('answers 503 with Retry-After when the lock outlasts the busy timeout', async () => {
    const holder = await holdWriteLock(join(handle.dir, 'souffle.db'), 6500);
    const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/devices`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Balcon du haut', lat: 43.3, lon: 5.4 }),
    });
    expect(res.status, await res.clone().text()).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('busy');
    await holder.done;
  }, 20_000);
});
