// GET /healthz (database and broker reachability) and GET /metrics (Prometheus text: process and
// operator figures from api/operator-metrics.ts, HTTP requests, the ingest worker's counters
// shared through the database, database size).
import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { dialectOf } from '../../data/dialect.js';
import { AtmosudStatusSchema } from '../../data/source-api-schemas.js';
import { readCounters } from '../../data/store/counters.js';
import { importStatuses } from '../../data/store/import-status.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { noStore } from '../http-cache.js';
import { jsonAnswer } from '../json-answer.js';
import { diskSpace } from '../operator-metrics.js';
import { atmosudStatus } from './sources.js';

/** Below this fraction of free space the disk is reported low: SQLite fails writes when it is full. */
const LOW_DISK_FRACTION = 0.05;

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'down']).openapi({
      description:
        'ok: all reachable; degraded: the broker is not (reads work, HTTP pushes wait in the outbox), or the disk is nearly full; down: the database is not.',
    }),
    database: z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() }),
    broker: z.object({
      ok: z.boolean().nullable().openapi({ description: 'null when this API has no broker.' }),
      outbox: z.number().int().optional().openapi({
        description:
          'HTTP pushes (airrohr, openSenseMap, TTN) accepted and not yet acknowledged by the broker (api/push-outbox.ts).',
      }),
    }),
    // Official data out of date does not make Souffle unhealthy (status stays ok), but an operator
    // must see it: the same object as GET /api/v1/sources/atmosud.
    atmosud: AtmosudStatusSchema.optional().openapi({
      description: 'The AtmoSud pull (absent when the database does not answer).',
    }),
    imports: z
      .array(
        z.object({
          source: z.string(),
          reachable: z.boolean().openapi({ description: 'Whether the last cycle reached the network.' }),
          lastAttempt: z.string().nullable(),
          lastSuccess: z.string().nullable(),
        }),
      )
      .optional()
      .openapi({
        description:
          'The Sensor.Community and openSenseMap importers that have run (docs/ingest.md, "Imported networks"); absent when none has. Like `atmosud`, never makes the status degraded.',
      }),
    disk: z
      .object({
        ok: z
          .boolean()
          .openapi({ description: `false when under ${LOW_DISK_FRACTION * 100} % of it is free.` }),
        freeBytes: z.number(),
        sizeBytes: z.number(),
      })
      .optional()
      .openapi({ description: 'The file system of the data folder (SQLite); absent on PostgreSQL.' }),
    demo: z.literal(true).optional().openapi({
      description: 'Present (true) when this instance serves demonstration data (`souffle demo`).',
    }),
  })
  .openapi('Health');

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['operations'],
  summary: 'Health',
  middleware: [noStore] as const,
  responses: {
    200: { content: { 'application/json': { schema: HealthSchema } }, description: 'The database answers.' },
    503: {
      content: { 'application/json': { schema: HealthSchema } },
      description: 'The database does not answer.',
    },
  },
});

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['operations'],
  summary: 'Prometheus metrics',
  middleware: [noStore] as const,
  responses: {
    200: {
      content: { 'text/plain': { schema: z.string() } },
      description: 'Prometheus text exposition format 0.0.4.',
    },
  },
});

async function databaseSize(deps: AppDeps): Promise<number> {
  if (dialectOf(deps.db) === 'postgres') {
    const r = await sql<{ size: number }>`select pg_database_size(current_database()) as size`.execute(
      deps.db,
    );
    return Number(r.rows[0]?.size ?? 0);
  }
  const r = await sql<{
    size: number;
  }>`select page_count * page_size as size from pragma_page_count(), pragma_page_size()`.execute(deps.db);
  return Number(r.rows[0]?.size ?? 0);
}

/** The counters table (written by the ingest worker) in exposition format, one TYPE line per name. */
async function ingestCounters(deps: AppDeps): Promise<string[]> {
  const lines: string[] = [];
  let current = '';
  for (const row of await readCounters(deps.db)) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(row.name)) continue;
    if (row.name !== current) {
      current = row.name;
      lines.push(`# TYPE ${row.name} ${row.name.endsWith('_total') ? 'counter' : 'gauge'}`);
    }
    lines.push(`${row.name}${row.labels ? `{${row.labels}}` : ''} ${row.value}`);
  }
  return lines;
}

export function registerHealthRoutes(app: ApiApp, deps: AppDeps): void {
  app.openapi(healthRoute, async (c) => {
    const started = performance.now();
    let error: string | undefined;
    try {
      await sql`select 1`.execute(deps.db);
    } catch (e) {
      error = (e as Error).message;
    }
    const database = {
      ok: error === undefined,
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
      ...(error ? { error } : {}),
    };
    const outbox =
      database.ok && deps.pushOutbox ? await deps.pushOutbox.pending().catch(() => undefined) : undefined;
    const broker = {
      ok: deps.publish ? (deps.brokerConnected?.() ?? true) : null,
      ...(outbox === undefined ? {} : { outbox }),
    };
    // A nearly full disk degrades: SQLite then fails every write, and the worker stops storing.
    const space = deps.diskPath ? await diskSpace(deps.diskPath).catch(() => undefined) : undefined;
    const disk = space
      ? { ok: space.free >= space.total * LOW_DISK_FRACTION, freeBytes: space.free, sizeBytes: space.total }
      : undefined;
    const status = !database.ok ? 'down' : broker.ok === false || disk?.ok === false ? 'degraded' : 'ok';
    const atmosud = database.ok ? await atmosudStatus(deps).catch(() => undefined) : undefined;
    const imports = database.ok ? await importStatuses(deps.db).catch(() => []) : [];
    const withDisk = { ...(disk ? { disk } : {}), ...(deps.demo ? { demo: true as const } : {}) };
    return database.ok
      ? jsonAnswer(
          c,
          HealthSchema,
          {
            status,
            database,
            broker,
            ...(atmosud ? { atmosud } : {}),
            ...(imports.length > 0 ? { imports } : {}),
            ...withDisk,
          },
          200,
        )
      : jsonAnswer(c, HealthSchema, { status, database, broker, ...withDisk }, 503);
  });

  app.openapi(metricsRoute, async (c) => {
    // Each database source on its own: one that fails leaves its lines out, never the whole answer
    // (api/operator-metrics.ts says whether the database is up, process figures are always there).
    const [size, counters] = await Promise.all([
      databaseSize(deps).then(
        (n) => [
          '# HELP souffle_db_size_bytes Size of the database.',
          '# TYPE souffle_db_size_bytes gauge',
          `souffle_db_size_bytes ${n}`,
        ],
        () => [],
      ),
      ingestCounters(deps).catch(() => []),
    ]);
    const lines = [deps.requestMetrics.render(), ...size];
    if (deps.publish) {
      lines.push(
        '# HELP souffle_api_broker_connected Whether the API is connected to the broker (airrohr push).',
      );
      lines.push('# TYPE souffle_api_broker_connected gauge');
      lines.push(`souffle_api_broker_connected ${(deps.brokerConnected?.() ?? true) ? 1 : 0}`);
    }
    const pending = deps.pushOutbox ? await deps.pushOutbox.pending().catch(() => undefined) : undefined;
    if (pending !== undefined) {
      lines.push(
        '# HELP souffle_api_push_outbox_pending HTTP pushes accepted and not yet acknowledged by the broker.',
        '# TYPE souffle_api_push_outbox_pending gauge',
        `souffle_api_push_outbox_pending ${pending}`,
      );
    }
    const dead = deps.pushOutbox ? await deps.pushOutbox.deadLetters().catch(() => undefined) : undefined;
    if (dead !== undefined) {
      lines.push(
        '# HELP souffle_api_push_outbox_dead_letters Accepted pushes the outbox gave up on (device deleted, refused by the broker), kept for the administrator.',
        '# TYPE souffle_api_push_outbox_dead_letters gauge',
        `souffle_api_push_outbox_dead_letters ${dead}`,
      );
    }
    lines.push(...counters);
    const operator = await deps.operatorMetrics.render();
    return c.text(`${operator}${lines.join('\n')}\n`, 200, {
      'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
    });
  });
}
