// The operator's figures in /metrics, through prom-client: process and Node.js runtime metrics,
// souffle_build_info, whether the database answers, disk free beside it, stations by source and
// status, and the age of the last AtmoSud pull. Each source is read on its own and bounded in
// time: a database that is down (the moment /metrics matters most) sets souffle_database_up 0 and
// leaves its figures out, and the process figures are still served with status 200.
import { statfs } from 'node:fs/promises';
import { sql } from 'kysely';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { packageVersion } from '../data/package-root.js';
import { lastReadingTimes } from '../data/store/latest.js';
import type { Db } from '../data/db.js';
import { statusOf } from './station-status.js';

/** How long one source may take before it counts as down for this scrape. */
const SOURCE_TIMEOUT_MS = 2_000;

export type OperatorMetrics = {
  /** The exposition text of these metrics (ends with a newline). */
  render: () => Promise<string>;
  contentType: string;
};

export type OperatorMetricsOptions = {
  db: Db;
  now: () => number;
  /** Folder whose file system's free space is shown (SQLite: the database's folder). */
  diskPath?: string;
};

function withTimeout<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} took over ${SOURCE_TIMEOUT_MS} ms`)),
        SOURCE_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Free and total bytes of the file system holding `path`. */
export async function diskSpace(path: string): Promise<{ free: number; total: number }> {
  const s = await statfs(path);
  return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
}

export function createOperatorMetrics(options: OperatorMetricsOptions): OperatorMetrics {
  // One registry per app: tests and `souffle start` may create several apps in one process.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const build = new Gauge({
    name: 'souffle_build_info',
    help: 'Always 1; the labels say which Souffle and Node.js answer.',
    labelNames: ['version', 'node'],
    registers,
  });
  build.set({ version: packageVersion(), node: process.versions.node }, 1);

  const databaseUp = new Gauge({
    name: 'souffle_database_up',
    help: '1 when the database answered this scrape, 0 when it did not (its figures are then left out).',
    registers,
  });
  const diskFree = new Gauge({
    name: 'souffle_disk_free_bytes',
    help: 'Bytes free for Souffle on the file system of the data folder.',
    labelNames: ['path'],
    registers,
  });
  const diskTotal = new Gauge({
    name: 'souffle_disk_size_bytes',
    help: 'Size of the file system of the data folder.',
    labelNames: ['path'],
    registers,
  });
  const stations = new Gauge({
    name: 'souffle_stations',
    help: 'Stations by source and status (online: heard recently enough for their kind; offline; never).',
    labelNames: ['source', 'status'],
    registers,
  });
  const atmosudPull = new Gauge({
    name: 'souffle_atmosud_last_pull_timestamp_seconds',
    help: 'When the AtmoSud puller last advanced a station cursor (absent before the first pull).',
    registers,
  });

  const readDatabase = async () => {
    const { db, now } = options;
    await sql`select 1`.execute(db);
    const [rows, last, pull] = await Promise.all([
      db.selectFrom('stations').select(['id', 'source']).execute(),
      lastReadingTimes(db),
      db
        .selectFrom('pull_cursors')
        .select((eb) => eb.fn.max('updated_at').as('at'))
        .where('source', '=', 'atmosud')
        .executeTakeFirst(),
    ]);
    stations.reset();
    const at = now();
    const counts = new Map<string, { source: string; status: string; n: number }>();
    for (const r of rows) {
      const status = statusOf(last.get(r.id), at, r.source);
      const key = `${r.source}\u0000${status}`;
      const c = counts.get(key) ?? { source: r.source, status, n: 0 };
      c.n += 1;
      counts.set(key, c);
    }
    for (const c of counts.values()) stations.set({ source: c.source, status: c.status }, c.n);
    atmosudPull.reset();
    if (pull?.at != null) atmosudPull.set(Number(pull.at) / 1000);
  };

  const readDisk = async () => {
    if (!options.diskPath) return;
    const d = await diskSpace(options.diskPath);
    diskFree.set({ path: options.diskPath }, d.free);
    diskTotal.set({ path: options.diskPath }, d.total);
  };

  return {
    contentType: registry.contentType,
    render: async () => {
      const [dbResult] = await Promise.allSettled([
        withTimeout('the database', readDatabase()),
        withTimeout('statfs', readDisk()).catch(() => {
          diskFree.reset();
          diskTotal.reset();
        }),
      ]);
      databaseUp.set(dbResult.status === 'fulfilled' ? 1 : 0);
      if (dbResult.status === 'rejected') {
        stations.reset();
        atmosudPull.reset();
      }
      return registry.metrics();
    },
  };
}
