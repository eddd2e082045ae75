// The systemd units in deploy/systemd pass `systemd-analyze verify` without a single warning (an
// unknown or misspelt key is only a warning there, and would silently drop a hardening option).
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-db.js';

const UNITS = fileURLToPath(new URL('../../deploy/systemd/', import.meta.url));
const analyze = spawnSync('systemd-analyze', ['--version']);
const missing = analyze.error ? 'systemd-analyze is not installed' : undefined;
if (missing) console.warn(`systemd units: skipped, ${missing}`);

function verify(files: string[]) {
  const r = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

describe.skipIf(missing !== undefined)('deploy/systemd', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const units = readdirSync(UNITS).filter((f) => /\.(service|timer)$/.test(f));

  it('has the services and the backup timer', () => {
    expect(units.sort()).toEqual([
      'souffle-api.service',
      'souffle-backup.service',
      'souffle-backup.timer',
      'souffle-ingest.service',
      'souffle-ingest@.service',
      'souffle.service',
    ]);
  });

  it('verifies every unit, and an instance of the slot template, with no warning', () => {
    // A template is checked as an instance: %i must expand to a valid command line.
    copyFileSync(join(UNITS, 'souffle-ingest@.service'), join(tmp.dir, 'souffle-ingest@2.service'));
    const files = [
      ...units.filter((u) => !u.includes('@')).map((u) => join(UNITS, u)),
      join(tmp.dir, 'souffle-ingest@2.service'),
    ];
    const r = verify(files);
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  it('would report a misspelt key (the check above is not blind)', () => {
    const bad = join(tmp.dir, 'bad.service');
    writeFileSync(bad, '[Service]\nExecStart=/usr/bin/node x\nProtectSystm=strict\n');
    expect(verify([bad]).output).toContain("Unknown key 'ProtectSystm'");
  });
});
