// The ingest process's own GET /metrics and GET /healthz, on SOUFFLE_INGEST_METRICS_PORT
// (docs/operations.md, "Metrics"). The API's /metrics shows the workers' counters once they are
// flushed to the database; this shows what only the process knows, and also when the database is
// down: its memory and event loop, whether its worker is connected and subscribed, the messages
// waiting in its queue now, and its own counters since it started. Plain node:http: two read-only
// routes do not need the API's framework in every worker process.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../data/db.js';
import { packageVersion } from '../data/package-root.js';
import type { IngestServices } from './ingest-services.js';

/** How long the database may take to answer `select 1` before it counts as down. */
const DATABASE_TIMEOUT_MS = 2_000;

export type IngestHttpOptions = {
  db: Db;
  /** What runs in this process: a worker, a supervisor of child workers, or neither (--no-mqtt). */
  services: Pick<IngestServices, 'worker' | 'supervisor'>;
  host: string;
  port: number;
};

export type IngestHttp = { port: number; close: () => Promise<void> };

type DatabaseCheck = { ok: boolean; latencyMs: number; error?: string };

async function checkDatabase(db: Db): Promise<DatabaseCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      sql`select 1`.execute(db),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer in ${DATABASE_TIMEOUT_MS} ms`)),
          DATABASE_TIMEOUT_MS,
        );
      }),
    ]);
    return { ok: true, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  } catch (e) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** The registry of this process's metrics; the ingest ones are read from the worker at each scrape. */
function ingestRegistry(services: IngestHttpOptions['services']): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const status = () => services.worker?.status;
  new Gauge({
    name: 'souffle_build_info',
    help: 'Always 1; the labels say which Souffle and Node.js answer.',
    labelNames: ['version', 'node'],
    registers,
  }).set({ version: packageVersion(), node: process.versions.node }, 1);

  // Counters since this process started: Prometheus's rate() takes restarts in its stride.
  const counter = (name: string, help: string, read: (s: NonNullable<ReturnType<typeof status>>) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        const s = status();
        this.reset();
        if (s) this.inc(read(s));
      },
    });
  counter('souffle_ingest_messages_received_total', 'Messages this process received.', (s) => s.received);
  counter('souffle_ingest_messages_stored_total', 'Messages with a value stored.', (s) => s.stored);
  counter('souffle_ingest_values_stored_total', 'Values written as new rows.', (s) => s.valuesStored);
  counter(
    'souffle_ingest_messages_rate_limited_total',
    "Messages the embedded broker dropped under their device's rate limit.",
    (s) => s.rateLimited,
  );
  new Counter({
    name: 'souffle_ingest_messages_rejected_total',
    help: 'Messages of which nothing was stored, by the reason of their first rejection.',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(status()?.messagesRejected ?? {}))
        this.inc({ reason }, n ?? 0);
    },
  });

  const gauge = (name: string, help: string, read: () => number | null | undefined) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const v = read();
        this.reset();
        if (v !== null && v !== undefined) this.set(v);
      },
    });
  gauge(
    'souffle_ingest_queue_depth',
    'Messages received and not yet committed, now.',
    () => status()?.queueDepth,
  );
  gauge(
    'souffle_ingest_lag_seconds',
    'Longest wait from receipt to commit among the batches before the last flush.',
    () => status()?.lagSeconds,
  );
  gauge('souffle_ingest_last_commit_timestamp_seconds', 'When this process last committed a batch.', () => {
    const at = status()?.lastCommitAt;
    return at ? at / 1000 : null;
  });
  gauge(
    'souffle_ingest_worker_connected',
    '1 while the worker is connected to the broker and subscribed.',
    () => {
      const s = status();
      return s ? Number(s.connected && s.subscribed) : null;
    },
  );
  gauge('souffle_ingest_workers_running', 'Child workers running under this supervisor.', () =>
    services.supervisor
      ? Object.values(services.supervisor.pids).filter((p) => p !== undefined).length
      : null,
  );
  return registry;
}

/** Starts the server; resolves once it listens. */
export async function startIngestHttp(options: IngestHttpOptions): Promise<IngestHttp> {
  const { db, services } = options;
  const registry = ingestRegistry(services);
  const databaseUp = new Gauge({
    name: 'souffle_database_up',
    help: '1 when the database answered this scrape.',
    registers: [registry],
  });

  const health = async () => {
    const database = await checkDatabase(db);
    const s = services.worker?.status;
    const worker = s && {
      connected: s.connected,
      subscribed: s.subscribed,
      queueDepth: s.queueDepth,
      lastMessageAt: s.lastMessageAt ? new Date(s.lastMessageAt).toISOString() : null,
      lastCommitAt: s.lastCommitAt ? new Date(s.lastCommitAt).toISOString() : null,
    };
    const slots = services.supervisor?.pids;
    const workers = slots && {
      running: Object.values(slots).filter((p) => p !== undefined).length,
      slots: Object.keys(slots).length,
    };
    const ok =
      database.ok &&
      (!worker || (worker.connected && worker.subscribed)) &&
      (!workers || workers.running === workers.slots);
    return {
      ok,
      body: {
        status: ok ? 'ok' : 'down',
        database,
        ...(worker ? { worker } : {}),
        ...(workers ? { workers } : {}),
      },
    };
  };

  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('GET or HEAD only\n');
    } else if (path === '/metrics') {
      databaseUp.set((await checkDatabase(db)).ok ? 1 : 0);
      const text = await registry.metrics();
      res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' }).end(text);
    } else if (path === '/healthz') {
      const { ok, body } = await health();
      res
        .writeHead(ok ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        .end(`${JSON.stringify(body)}\n`);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('only /metrics and /healthz here\n');
    }
  };

  const server = createServer((req, res) => {
    answer(req, res).catch((e: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`${e.message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
