import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-db.js';

describe('the souffle command', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('explains its commands with --help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['start', 'migrate', 'device', 'ingest', 'api', 'export', 'backfill', 'sim']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('migrates a new database and says so, in JSON when asked', async () => {
    const db = join(tmp.dir, 'sub', 'souffle.db');
    const first = await runCli(['migrate', '--json'], { SOUFFLE_DB: db });
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout) as { database: string; applied: string[] };
    expect(result.database).toBe(db);
    expect(result.applied[0]).toBe('0001-initial');
    expect(result.applied).toEqual([...result.applied].sort());
    const again = await runCli(['migrate'], { SOUFFLE_DB: db });
    expect(again.stdout).toContain('is up to date');
  });

  it('answers an unknown command or option with usage and exit code 2', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const badOption = await runCli(['migrate', '--frob']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("Unknown option '--frob'");
  });

  it('names the environment variable that is wrong', async () => {
    const r = await runCli(['migrate'], { PORT: 'eighty', ATMOSUD_INTERVAL: 'soon' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PORT="eighty"');
    expect(r.stderr).toContain('ATMOSUD_INTERVAL="soon"');
  });
});
