// `souffle enrol` through the real command line, and the code it prints redeemed at /api/v1/join.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';

let db: TempDb;
const env = () => ({ ...db.env, SOUFFLE_PUBLIC_URL: 'https://souffle.example.org' });

beforeAll(async () => {
  db = await tempDb();
});
afterAll(() => db.cleanup());

describe('souffle enrol', () => {
  it('creates a class code that /join then accepts, and lists it without the code', async () => {
    const run = await runCli(
      ['enrol', 'create', '--uses', '30', '--expires', '30d', '--label', '5e B, collège Longchamp', '--json'],
      env(),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const created = JSON.parse(run.stdout) as {
      id: string;
      code: string;
      joinUrl: string;
      usesAllowed: number;
    };
    expect(created.usesAllowed).toBe(30);
    expect(created.joinUrl).toBe(`https://souffle.example.org/join#code=${created.code}`);

    const app = createApp({
      db: db.db,
      adminToken: 'admin-token-for-this-test',
      publicUrl: 'https://souffle.example.org',
      mqttUrl: 'mqtt://souffle.example.org:1883',
      webDir: '/nonexistent-souffle-web',
    });
    const joined = await app.request('/api/v1/join', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        code: created.code,
        acceptLicence: true,
        name: 'Capteur de Léa',
        lat: 43.3,
        lon: 5.4,
      }),
    });
    expect(joined.status).toBe(201);

    const list = await runCli(['enrol', 'list'], env());
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${created.id}\\s+1/30\\s+\\S+\\s+5e B, collège Longchamp`));
    expect(list.stdout).not.toContain(created.code);
  });

  it('revokes a code', async () => {
    const created = JSON.parse((await runCli(['enrol', 'create', '--json'], env())).stdout) as { id: string };
    const run = await runCli(['enrol', 'revoke', created.id], env());
    expect(run.stdout).toContain(`Revoked ${created.id}`);
    const again = await runCli(['enrol', 'revoke', 'ec-000000000000'], env());
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no enrolment code "ec-000000000000"');
  });

  it.each([
    [['--uses', '0'], '--uses "0": Too small'],
    [['--uses', 'many'], '--uses "many"'],
    [['--expires', 'soon'], '--expires: "soon" is not a duration'],
    [['--label', 'a<b'], '--label "a<b"'],
  ])('refuses %j with a usage error naming the option', async (args, expected) => {
    const run = await runCli(['enrol', 'create', ...args], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(expected);
  });
});
