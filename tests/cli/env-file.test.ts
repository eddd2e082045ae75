// --env and SOUFFLE_ENV_FILE: the CLI run by hand reads the services' EnvironmentFile=, and
// variables set in the environment win over the file.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-db.js';

describe('souffle --env', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const envFile = join(tmp.dir, 'souffle.env');
  writeFileSync(envFile, `# comment\nSOUFFLE_DB=${join(tmp.dir, 'from-file.db')}\nLOG_LEVEL="warn"\n`);

  it('reads the settings of --env <file> before the command', async () => {
    const run = await runCli(['--env', envFile, 'migrate', '--json'], { SOUFFLE_DB: undefined });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { database: string }).database).toBe(join(tmp.dir, 'from-file.db'));
  });

  it('reads SOUFFLE_ENV_FILE, and lets the environment win', async () => {
    const mine = join(tmp.dir, 'from-env.db');
    const run = await runCli(['migrate', '--json'], { SOUFFLE_ENV_FILE: envFile, SOUFFLE_DB: mine });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { database: string }).database).toBe(mine);
    expect(existsSync(mine)).toBe(true);
  });

  it('says so when the file cannot be read', async () => {
    const run = await runCli(['--env', join(tmp.dir, 'nope.env'), 'migrate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot read the environment file');
  });
});
