// What an operator met in their first hour with the command line (issue 20, defect 7): device
// instructions naming localhost with no word why, and the commands `souffle start` suggests.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cli/config.js';
import { closest } from '../../cli/did-you-mean.js';
import { deviceAddCommand, simCommand } from '../../cli/start-hints.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-db.js';

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

describe('souffle device add without SOUFFLE_PUBLIC_URL', () => {
  it('says the addresses name localhost, and how to check the device', async () => {
    const r = await runCli(['device', 'add', '--name', 'Balcon', '--lat', '43.3', '--lon', '5.38'], {
      SOUFFLE_DB: join(dir, 'souffle.db'),
      SOUFFLE_PUBLIC_URL: '',
      MQTT_URL: '',
      PORT: '8090',
      SOUFFLE_MOSQUITTO_DIR: '',
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('broker    mqtt://localhost:1883');
    expect(r.stdout).toMatch(/curl -u balcon:\S+ http:\/\/localhost:8090\/api\/v1\/devices\/balcon\/status/);
    expect(r.stdout).toContain(
      'Warning: SOUFFLE_PUBLIC_URL is not set, so these addresses name localhost:8090',
    );
  });
});

describe('the commands souffle start suggests', () => {
  it('carry the ports and database it runs with, and nothing when they are the defaults', () => {
    const defaults = loadConfig({});
    expect(simCommand(defaults, 1883)).toBe('npm run sim -- --backfill 7d');
    expect(deviceAddCommand(defaults)).toBe(
      'npm run souffle -- device add --name "My balcony" --lat 43.30 --lon 5.38',
    );
    const moved = loadConfig({
      PORT: '8090',
      SOUFFLE_MQTT_PORT: '1884',
      SOUFFLE_DB: '/srv/air quality/s.db',
    });
    expect(simCommand(moved, 1884)).toBe(
      'SOUFFLE_API_URL=http://localhost:8090 SOUFFLE_MQTT_PORT=1884 npm run sim -- --backfill 7d',
    );
    expect(deviceAddCommand(moved)).toBe(
      'SOUFFLE_DB=\'/srv/air quality/s.db\' npm run souffle -- device add --name "My balcony" --lat 43.30 --lon 5.38',
    );
    // Against an external broker, sim needs its URL.
    expect(simCommand(loadConfig({ MQTT_URL: 'mqtt://broker:1883' }), undefined)).toBe(
      'MQTT_URL=mqtt://broker:1883 npm run sim -- --backfill 7d',
    );
  });
});

describe('did you mean', () => {
  it('finds typos and prefixes, and nothing for a word that is not one', () => {
    const commands = ['start', 'migrate', 'device', 'sim', 'export', 'backfill'];
    expect(closest('strat', commands)).toBe('start');
    expect(closest('devcie', commands)).toBe('device');
    expect(closest('exprot', commands)).toBe('export');
    expect(closest('back', commands)).toBe('backfill');
    expect(closest('frobnicate', commands)).toBeUndefined();
    expect(closest('x', commands)).toBeUndefined();
  });
});
