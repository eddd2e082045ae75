// `souffle export` and `souffle api` as a user runs them: real processes on a real database.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../testing/free-port.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { parse } from 'csv-parse/sync';
import { parquetReadObjects } from 'hyparquet';
import type { Evaluation } from '../../data/calibration/evaluate.js';
import { saveCalibration } from '../../data/store/calibrations.js';
import { citizen, hourly, readings, reference, TODAY } from '../api/fixtures.js';

const DAY = 86_400_000;

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'souffle.mjs');
let handle: TempDb;

type Run = { code: number | null; stdout: string; stderr: string };

function souffle(
  args: string[],
  env: Record<string, string>,
  until?: (out: string) => boolean,
): Promise<Run & { kill?: () => void }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    if (until) {
      const timer = setInterval(() => {
        if (until(stdout)) {
          clearInterval(timer);
          resolve({ code: null, stdout, stderr, kill: () => child.kill('SIGTERM') });
        }
      }, 50);
      child.on('exit', () => clearInterval(timer));
    }
  });
}

beforeAll(async () => {
  handle = await tempDb();
  await citizen(handle.db, { id: 'ecole-a', lat: 43.3046, lon: 5.3806 });
  await reference(handle.db, { id: 'FR-X', lat: 43.2, lon: 5.2 });
  await readings(handle.db, 'ecole-a', 'pm25', hourly(TODAY, 3, 10));
  await readings(handle.db, 'FR-X', 'pm25', hourly(TODAY, 2, 8), { sensor: 'reference' });
});
afterAll(() => handle.cleanup());

describe('souffle export', () => {
  it('writes CSV to stdout and its progress and licence to stderr', async () => {
    const run = await souffle(
      ['export', '--format', 'csv', '--phenomenon', 'pm25', '--from', '2026-03-10', '--to', '2026-03-11'],
      handle.env,
    );
    expect(run.stderr).toMatch(/souffle export: 5 rows in [\d.]+ s/);
    expect(run.stderr).toContain('ODbL-1.0');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'station,source,lat,lon,phenomenon,sensor,unit,time,value,flags,validation,raw,correction,calibration_id,licence,attribution',
    );
    expect(lines).toHaveLength(6);
  });

  it('exports corrected values with the measured one beside, read back by independent CSV and Parquet readers', async () => {
    // A co-location calibration of ecole-a's PM2.5 from the start of the day: 0.5·raw + 2.
    const id = await saveCalibration(handle.db, {
      stationId: 'ecole-a',
      deviceId: null,
      phenomenon: 'pm25',
      sensor: 'SDS011',
      model: 'linear',
      coefficients: { a: 0.5, c: 2 },
      referenceStationId: 'FR-X',
      fit: { from: TODAY - 2 * DAY, to: TODAY - DAY },
      evaluation: { from: TODAY - DAY, to: TODAY },
      validFrom: TODAY,
      metrics: {} as Evaluation,
    });
    try {
      const args = ['export', '--phenomenon', 'pm25', '--from', '2026-03-10', '--to', '2026-03-11'];
      const csv = await souffle([...args, '--format', 'csv', '--step', '1h'], handle.env);
      expect(csv.code, csv.stderr).toBe(0);
      const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
      const school = rows.filter((r) => r.station === 'ecole-a');
      expect(school).toHaveLength(3);
      for (const r of school) {
        expect(r).toMatchObject({
          raw: '10',
          value: '7',
          correction: 'colocation',
          calibration_id: String(id),
        });
      }
      // The reference station has no calibration: nothing pretends to be corrected.
      for (const r of rows.filter((r) => r.station === 'FR-X'))
        expect(r).toMatchObject({ value: '8', raw: '', correction: '', calibration_id: '' });

      const out = join(handle.dir, 'pm25.parquet');
      const parquet = await souffle([...args, '--format', 'parquet', '--output', out], handle.env);
      expect(parquet.code, parquet.stderr).toBe(0);
      const bytes = readFileSync(out);
      const objects = (await parquetReadObjects({
        file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      })) as Record<string, unknown>[];
      const raw = objects.filter((o) => o.station === 'ecole-a');
      expect(raw).toHaveLength(3);
      for (const o of raw)
        expect(o).toMatchObject({ value: 7, raw: 10, correction: 'colocation', calibration_id: id });
      for (const o of objects.filter((o) => o.station === 'FR-X'))
        expect(o).toMatchObject({ value: 8, raw: null, correction: null, calibration_id: null });
    } finally {
      await handle.db.deleteFrom('calibrations').execute();
    }
  });

  it('writes a file, complete or not at all', async () => {
    const out = join(handle.dir, 'pm25.ndjson');
    const run = await souffle(['export', '--format', 'ndjson', '--station', 'FR-X', '--output', out], {
      ...handle.env,
    });
    expect(run.code).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('names the bad option and exits 2', async () => {
    const run = await souffle(['export', '--from', 'last week'], handle.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--from "last week"');
    const range = await souffle(['export', '--from', '2026-03-11', '--to', '2026-03-10'], {
      ...handle.env,
    });
    expect(range.code).toBe(2);
    expect(range.stderr).toContain('--from must be before --to');
  });

  it('says so when the database does not exist', async () => {
    const run = await souffle(['export'], { SOUFFLE_DB: join(handle.dir, 'missing.db') });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no database at');
  });
});

describe('souffle api', () => {
  it('serves the API, prints a generated admin token once, and stops on SIGTERM', async () => {
    const port = await freePort();
    const env = {
      ...handle.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SOUFFLE_MQTT_PORT: String(await freePort()),
    };
    const first = await souffle(['api'], env, (out) => out.includes('listening'));
    expect(first.stdout).toMatch(/Admin token \(shown once; kept in .*\.admin-token\): \S+/);
    const token = /Admin token .*: (\S+)/.exec(first.stdout)![1]!;
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/stations/ecole-a`);
    expect(res.status).toBe(200);
    const devices = await fetch(`http://127.0.0.1:${port}/api/v1/devices`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(devices.status).toBe(200);
    first.kill!();
    await new Promise((r) => setTimeout(r, 500));
    const second = await souffle(['api'], env, (out) => out.includes('listening'));
    expect(second.stdout).not.toContain('Admin token');
    second.kill!();
  });

  it('fails clearly when the port is taken', async () => {
    const port = await freePort();
    const env = {
      ...handle.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SOUFFLE_ADMIN_TOKEN: 'x',
      SOUFFLE_MQTT_PORT: String(await freePort()),
    };
    const first = await souffle(['api'], env, (out) => out.includes('listening'));
    const second = await souffle(['api'], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('already in use (EADDRINUSE)');
    first.kill!();
  });
});
