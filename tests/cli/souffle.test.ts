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

  it('answers an unknown command or option with exit code 2, and the closest name when it is a typo', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'souffle: unknown command "frobnicate". `souffle --help` lists the commands.\n',
    );
    const typo = await runCli(['strat']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      'souffle: unknown command "strat". Did you mean "start"? `souffle --help` lists the commands.\n',
    );
    const badOption = await runCli(['migrate', '--frob']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('unknown option --frob.');
    const optionTypo = await runCli(['migrate', '--jsno']);
    expect(optionTypo.stderr).toContain('unknown option --jsno. Did you mean "--json"?');
    const subcommand = await runCli(['device', 'ad']);
    expect(subcommand.stderr).toContain('unknown device command "ad". Did you mean "add"?');
  });

  it('names the environment variable that is wrong', async () => {
    const r = await runCli(['migrate'], { PORT: 'eighty', ATMOSUD_INTERVAL: 'soon' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PORT="eighty": must be a port number, a whole number from 0 to 65535');
    expect(r.stderr).toContain('ATMOSUD_INTERVAL="soon"');
  });
});
