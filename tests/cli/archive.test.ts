// The open-data archive of a seeded year: Hive partitions read back by readers Souffle did not
// write (hyparquet for Parquet, zlib + csv-parse for CSV.gz, Python's zipfile for the snapshot)
// and compared with the API's JSON export; a Frictionless datapackage.json with the fields the
// standard requires; and an incremental rebuild after one AtmoSud correction that rewrites that
// month's files and no other.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArchive } from '../../cli/archive/build-archive.js';
import { retentionCutoff } from '../../cli/raw-retention.js';
import { pruneRawReadings } from '../../data/index.js';
import { loadConfig } from '../../cli/config.js';
import { replaceReadings } from '../../data/store/replace-readings.js';
import { citizen, fixture, HOUR, hourly, readings, reference, type Fixture } from '../api/fixtures.js';
import { runCli } from '../helpers/run-cli.js';

let f: Fixture;
let dir: string;
let no2: number;
const YEAR = Date.UTC(2025, 0, 1);
const BUILT = Date.UTC(2026, 0, 10, 3);
const MARCH = Date.UTC(2025, 2, 1);

beforeAll(async () => {
  f = await fixture();
  dir = mkdtempSync(join(tmpdir(), 'souffle-archive-'));
  await reference(f.db, { id: 'FR03043', lat: 43.3, lon: 5.39 });
  await citizen(f.db, { id: 'balcon', lat: 43.3046, lon: 5.3806 });
  // A year of AtmoSud hourly NO2 (provisional), and a citizen sensor in two months.
  no2 = await readings(
    f.db,
    'FR03043',
    'no2',
    hourly(YEAR, 365 * 24, (i) => 20 + (i % 24) / 2).map((p) => ({ ...p, validation: 'provisional' })),
    { sensor: 'NO2' },
  );
  await readings(f.db, 'balcon', 'pm25', [
    { t: Date.UTC(2025, 5, 3, 12), value: 12.5, flags: 1 },
    { t: Date.UTC(2025, 10, 20, 8), value: 7.25 },
  ]);
}, 120_000);
afterAll(async () => {
  await f.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const build = (now = BUILT) => buildArchive({ db: f.db, dir, now, timeZone: 'Europe/Paris' });
const sums = () =>
  Object.fromEntries(
    readFileSync(join(dir, 'SHA256SUMS'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => l.split('  ').reverse() as [string, string]),
  );
const sha = (path: string) =>
  createHash('sha256')
    .update(readFileSync(join(dir, path)))
    .digest('hex');
const apiJson = async (query: string) =>
  (await (await f.app.request(`/api/v1/export?format=ndjson&${query}`)).text())
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
type Resource = {
  name: string;
  path: string[];
  schema: { fields: { name: string }[] };
  licenses: { name?: string; path?: string; title: string }[];
  sources: { title: string }[];
};
type DataPackage = {
  name: string;
  version: string;
  licenses: { name?: string; path?: string }[];
  resources: Resource[];
  temporalCoverage: unknown;
  spatialCoverage: { bbox: number[] };
};
const MARCH_PATH = 'archive/source=atmosud/year=2025/month=03';

describe('souffle archive build', () => {
  it('writes every closed month of each source as Hive partitions, Parquet and CSV.gz alike', async () => {
    const r = await build();
    expect(r.written.filter((k) => k.includes('source=atmosud'))).toHaveLength(12);
    expect(r.written.filter((k) => k.includes('source=citizen'))).toEqual([
      'archive/source=citizen/year=2025/month=06',
      'archive/source=citizen/year=2025/month=11',
    ]);
    expect(r.rows).toBe(365 * 24 + 2);
    // The month in progress (January 2026) is not closed: not archived.
    expect(existsSync(join(dir, 'archive/source=atmosud/year=2026'))).toBe(false);

    const from = '2025-03-01';
    const want = await apiJson(`source=atmosud&from=${from}&to=2025-04-01`);
    expect(want).toHaveLength(31 * 24);
    const rows = (await parquetReadObjects({
      file: new Uint8Array(readFileSync(join(dir, MARCH_PATH, 'readings.parquet'))).buffer,
    })) as Record<string, unknown>[];
    const csv = parse(gunzipSync(readFileSync(join(dir, MARCH_PATH, 'readings.csv.gz'))), {
      columns: true,
    }) as Record<string, string>[];
    expect(rows).toHaveLength(want.length);
    expect(csv).toHaveLength(want.length);
    want.forEach((w, i) => {
      const p = rows[i]!;
      const c = csv[i]!;
      expect((p.time as Date).toISOString()).toBe(w.time);
      expect(c.time).toBe(w.time);
      for (const key of [
        'station',
        'source',
        'phenomenon',
        'sensor',
        'unit',
        'validation',
        'licence',
        'attribution',
      ]) {
        expect(p[key], key).toBe(w[key]);
        expect(c[key], key).toBe(w[key]);
      }
      expect([p.value, p.lat, p.lon]).toEqual([w.value, w.lat, w.lon]);
      expect([Number(c.value), Number(c.lat)]).toEqual([w.value, w.lat]);
    });
    const balcon = parse(
      gunzipSync(readFileSync(join(dir, 'archive/source=citizen/year=2025/month=06/readings.csv.gz'))),
      { columns: true },
    ) as Record<string, string>[];
    expect(balcon.map((c) => [c.station, c.value, c.licence, c.attribution])).toEqual([
      ['balcon', '12.5', 'ODbL-1.0', 'Souffle contributors'],
    ]);
  });

  it('describes itself: a Frictionless Data Package, a citation, checksums and a deposit-ready snapshot', async () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'datapackage.json'), 'utf8')) as DataPackage;
    // What the Data Package standard requires: a non-empty resources array, each resource a name
    // (lower case, digits, - . _) and a path (string or array) or data; licences with a name or path.
    expect(Array.isArray(pkg.resources) && pkg.resources.length > 0).toBe(true);
    for (const res of pkg.resources) {
      expect(res.name).toMatch(/^[a-z0-9._-]+$/);
      expect(Array.isArray(res.path) && res.path.length > 0).toBe(true);
      for (const p of res.path) {
        expect(p).not.toMatch(/^\/|\.\./);
        expect(existsSync(join(dir, p)), p).toBe(true);
      }
      expect(res.schema.fields.map((x: { name: string }) => x.name)).toContain('time');
      for (const l of res.licenses) expect(l.name ?? l.path).toBeTruthy();
    }
    expect(pkg.name).toMatch(/^[a-z0-9._-]+$/);
    expect(pkg.licenses[0]).toMatchObject({ name: 'ODbL-1.0' });
    expect(pkg.resources.map((x: { name: string }) => x.name)).toEqual([
      'readings-atmosud-parquet',
      'readings-atmosud-csv',
      'readings-citizen-parquet',
      'readings-citizen-csv',
    ]);
    expect(pkg.resources[1]).toMatchObject({ compression: 'gz', format: 'csv' });
    expect(pkg.resources[0]!.sources[0]!.title).toContain('AtmoSud');
    expect(pkg.resources[2]!.licenses[0]!.title).toContain('Souffle contributors');
    expect(pkg.temporalCoverage).toEqual({ start: '2025-01-01', end: '2025-12-31' });
    expect(pkg.spatialCoverage.bbox).toHaveLength(4);
    expect(pkg.version).toBe('2026.01.10');

    const cff = readFileSync(join(dir, 'CITATION.cff'), 'utf8');
    expect(cff).toMatch(/^cff-version: 1\.2\.0$/m);
    expect(cff).toContain('type: dataset');
    expect(cff).toContain('version: "2026.01.10"');
    expect(cff).toContain('- name: "AtmoSud"');

    // Every file's checksum, as sha256sum writes and checks them.
    for (const [path, sum] of Object.entries(sums())) expect(sha(path), path).toBe(sum);
    expect(Object.keys(sums())).toContain(`${MARCH_PATH}/readings.parquet`);
    expect(() => execFileSync('sha256sum', ['--check', '--quiet', 'SHA256SUMS'], { cwd: dir })).not.toThrow();

    // The zip opens with another reader (Python's zipfile), every member's CRC right.
    const zip = join(dir, 'snapshots/souffle-archive-2026.01.10.zip');
    const check = execFileSync('python3', [
      '-c',
      'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print("\\n".join(z.namelist()))',
      zip,
    ]).toString();
    expect(check).toContain(`souffle-archive-2026.01.10/${MARCH_PATH}/readings.csv.gz`);
    expect(check).toContain('souffle-archive-2026.01.10/datapackage.json');
  });

  it('rewrites only the month an AtmoSud validation corrected, and keeps the earlier snapshot', async () => {
    const before = sums();
    const mtimes = Object.fromEntries(Object.keys(before).map((p) => [p, statSync(join(dir, p)).mtimeMs]));
    // Nothing changed: nothing written, no new snapshot.
    const idle = await build(BUILT + 3_600_000);
    expect(idle.written).toEqual([]);
    expect(idle.snapshot).toBeNull();
    // AtmoSud validates and corrects one provisional value of March.
    const t = MARCH + 10 * 24 * HOUR + 10 * 60_000;
    await replaceReadings(f.db, [{ seriesId: no2, time: t, value: 31, validation: 'validated' }]);
    const r = await build(BUILT + 24 * HOUR);
    expect(r.written).toEqual([MARCH_PATH]);
    expect(r.snapshot).toBe('souffle-archive-2026.01.11');
    const after = sums();
    const changed = Object.keys(after).filter((p) => after[p] !== before[p]);
    expect(changed.sort()).toEqual(
      [
        'CITATION.cff',
        'datapackage.json',
        `${MARCH_PATH}/readings.csv.gz`,
        `${MARCH_PATH}/readings.parquet`,
      ].sort(),
    );
    for (const p of Object.keys(before).filter((p) => p.startsWith('archive/') && !p.startsWith(MARCH_PATH)))
      expect(statSync(join(dir, p)).mtimeMs, p).toBe(mtimes[p]);
    const rows = (await parquetReadObjects({
      file: new Uint8Array(readFileSync(join(dir, MARCH_PATH, 'readings.parquet'))).buffer,
    })) as Record<string, unknown>[];
    expect(rows.find((x) => (x.time as Date).getTime() === t)).toMatchObject({
      value: 31,
      validation: 'validated',
    });
    // The first snapshot still holds the month as it was deposited.
    const old = join('snapshots/souffle-archive-2026.01.10', MARCH_PATH, 'readings.parquet');
    expect(sha(old)).toBe(before[`${MARCH_PATH}/readings.parquet`]);
    // Only the latest zip is kept.
    expect(existsSync(join(dir, 'snapshots/souffle-archive-2026.01.10.zip'))).toBe(false);
    expect(existsSync(join(dir, 'snapshots/souffle-archive-2026.01.11.zip'))).toBe(true);
  });

  it('lets raw retention delete only whole months the archive holds', () => {
    const config = loadConfig({ SOUFFLE_ARCHIVE_DIR: dir, SOUFFLE_RAW_RETENTION: '30d' });
    const keep = config.SOUFFLE_RAW_RETENTION!;
    // Archived through the end of 2025 (the build of 2026-01-11): a cut-off mid-February 2026 waits for it.
    expect(retentionCutoff(config, keep, Date.UTC(2026, 2, 15))).toBe(Date.UTC(2026, 0, 1));
    // A cut-off inside an archived month goes back to that month's start, never into it.
    expect(retentionCutoff(config, keep, Date.UTC(2025, 11, 20))).toBe(Date.UTC(2025, 10, 1));
    // No archive built yet: nothing is deleted. No archive configured: the plain cut-off.
    const empty = loadConfig({ SOUFFLE_ARCHIVE_DIR: join(dir, 'none'), SOUFFLE_RAW_RETENTION: '30d' });
    expect(retentionCutoff(empty, keep, BUILT)).toBeNull();
    const plain = loadConfig({ SOUFFLE_RAW_RETENTION: '30d' });
    expect(retentionCutoff(plain, keep, BUILT)).toBe(BUILT - keep);
  });

  it('runs from the command line with its progress on stderr', async () => {
    const out = mkdtempSync(join(tmpdir(), 'souffle-archive-cli-'));
    try {
      const run = await runCli(
        ['archive', 'build', '--out', out, '--since', '2025-11', '--json'],
        f.handle.env,
      );
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as { written: string[] };
      expect(result.written.every((k) => /month=(11|12)$/.test(k) || /year=2026/.test(k))).toBe(true);
      expect(run.stderr).toMatch(/archive: \d+% .* written/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
  it('keeps in the archive and the rollups what retention deletes from the raw readings', async () => {
    // Runs after the command-line build, which wrote into another folder: `dir` holds all of 2025.
    const config = loadConfig({ SOUFFLE_ARCHIVE_DIR: dir, SOUFFLE_RAW_RETENTION: '30d' });
    const cutoff = retentionCutoff(config, config.SOUFFLE_RAW_RETENTION!, Date.UTC(2026, 2, 15))!;
    expect(cutoff).toBe(Date.UTC(2026, 0, 1));
    const count = async (table: 'readings' | 'rollups_hourly', column: 'time' | 'bucket') =>
      Number(
        (
          await f.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .where('series_id', '=', no2)
            .where(column, '<', cutoff)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const hours = await count('rollups_hourly', 'bucket');
    expect(await count('readings', 'time')).toBe(365 * 24);
    const pruned = await pruneRawReadings(f.db, cutoff);
    expect(pruned.deleted).toBeGreaterThanOrEqual(365 * 24);
    expect(await count('readings', 'time')).toBe(0);
    // The rollups keep every hour, and the archive every reading, of the deleted year.
    expect(await count('rollups_hourly', 'bucket')).toBe(hours);
    expect(hours).toBe(365 * 24);
    const march = (await parquetReadObjects({
      file: new Uint8Array(readFileSync(join(dir, MARCH_PATH, 'readings.parquet'))).buffer,
    })) as Record<string, unknown>[];
    expect(march).toHaveLength(31 * 24);
  });
});
