// Several ingest workers on one machine (SOUFFLE_INGEST_WORKERS=N > 1): N child processes, one
// per slot 1..N (`souffle ingest --slot K`), each with its fixed client id and persistent session on
// the shared subscription (ingest/worker-topology.ts). A worker that dies is restarted with
// back-off, on the same slot: its session holds what Mosquitto routed to it meanwhile
// (docs/ingest.md, "Several workers"), so it must come back for those messages to be stored.
// SIGTERM is forwarded; a worker whose supervisor dies stops on its own (the IPC channel closes,
// see reportReady), so that a restarted supervisor never races an orphan for its client id. A
// class because it has a lifecycle.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from './logger.js';

/** What a worker sends its supervisor over IPC once connected and subscribed. */
export const READY_MESSAGE = { souffle: 'ingest-ready' } as const;

/** Whether an IPC message is READY_MESSAGE. */
export function isReadyMessage(m: unknown): boolean {
  return (
    typeof m === 'object' && m !== null && (m as { souffle?: unknown }).souffle === READY_MESSAGE.souffle
  );
}

/**
 * The worker's end, in a process a supervisor started (nothing otherwise): tells the supervisor the
 * worker is subscribed, and calls `gone` when the supervisor's IPC channel closes. A worker must
 * then stop: a supervisor started again would otherwise find it holding its slot's client id, and
 * the two would take the session from each other in turn. Returns the function that stops
 * listening.
 */
export function reportReady(gone: () => void): () => void {
  if (!process.send) return () => {};
  process.on('disconnect', gone);
  process.send(READY_MESSAGE);
  return () => process.off('disconnect', gone);
}

export type SupervisorOptions = {
  workers: number;
  /** The arguments Node starts the worker of a slot with (the CLI's `souffle ingest --slot K`). */
  workerArgs: (slot: number) => string[];
  logger: Logger;
  /** Environment of the workers, over this process's. */
  env?: Record<string, string>;
  /** First restart delay, ms; doubled after each worker death in quick succession. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A worker that ran this long before dying is restarted after backoffMs again. */
  healthyAfterMs?: number;
  /** How long a worker may take to finish its batch on SIGTERM before it is killed, ms. */
  stopTimeoutMs?: number;
};

const defaults = {
  env: {},
  backoffMs: 1000,
  maxBackoffMs: 30_000,
  healthyAfterMs: 60_000,
  stopTimeoutMs: 30_000,
};

type Slot = {
  slot: number;
  child: ChildProcess | null;
  startedAt: number;
  /** Deaths in quick succession, for the back-off. */
  failures: number;
  restart: NodeJS.Timeout | null;
};

export class IngestSupervisor {
  private readonly options: Required<SupervisorOptions>;
  private readonly log: Logger;
  private readonly slots: Slot[];
  private stopping = false;

  constructor(options: SupervisorOptions) {
    this.options = { ...defaults, ...options };
    this.log = options.logger;
    this.slots = Array.from({ length: options.workers }, (_, i) => ({
      slot: i + 1,
      child: null,
      startedAt: 0,
      failures: 0,
      restart: null,
    }));
  }

  /** Process ids of the running workers, by slot (for logs and tests). */
  get pids(): Record<number, number | undefined> {
    return Object.fromEntries(this.slots.map((s) => [s.slot, s.child?.pid]));
  }

  /**
   * Starts every worker; resolves once all are subscribed (like a single worker, a worker waits
   * for a broker that is down). If one exits during startup (bad credentials, a refused
   * subscription, an unreachable database), all are stopped and this rejects: restarting a
   * misconfigured worker forever would only fill the log.
   */
  async start(): Promise<void> {
    try {
      await Promise.all(this.slots.map((s) => this.spawn(s, true)));
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.log.info(`${this.slots.length} ingest workers running (slots 1–${this.slots.length})`);
  }

  /** Forwards SIGTERM to every worker and waits for them (SIGKILL after stopTimeoutMs). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.slots.map(async (s) => {
        if (s.restart) clearTimeout(s.restart);
        s.restart = null;
        const child = s.child;
        if (!child || exited(child)) return;
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          this.log.warn(
            `ingest worker ${s.slot} did not stop within ${this.options.stopTimeoutMs} ms: killed`,
          );
          child.kill('SIGKILL');
        }, this.options.stopTimeoutMs);
        await gone;
        clearTimeout(timer);
      }),
    );
  }

  /** Starts the worker of a slot; with `initial`, resolves when it is ready and rejects if it dies first. */
  private spawn(s: Slot, initial: boolean): Promise<void> {
    const child = spawn(process.execPath, this.options.workerArgs(s.slot), {
      env: { ...process.env, ...this.options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Its own process group: Ctrl-C in a terminal reaches the supervisor only, which passes on
      // one SIGTERM (a second signal would make the worker exit before its batch is committed).
      detached: true,
    });
    s.child = child;
    s.startedAt = Date.now();
    this.log.info(`ingest worker ${s.slot} started (pid ${child.pid})`);
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (m) => {
        if (isReadyMessage(m)) resolve();
      });
      child.once('exit', (code, signal) => {
        reject(
          new Error(
            `ingest worker ${s.slot} exited during startup (${describeExit(code, signal)}): its log is above`,
          ),
        );
      });
    });
    child.once('exit', (code, signal) => this.onExit(s, child, code, signal));
    if (!initial) {
      ready.then(
        () => this.log.info(`ingest worker ${s.slot} is back (pid ${child.pid})`),
        () => {}, // its exit is handled by onExit
      );
    }
    return ready;
  }

  private onExit(s: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (s.child !== child) return;
    s.child = null;
    if (this.stopping) return;
    const ran = Date.now() - s.startedAt;
    s.failures = ran >= this.options.healthyAfterMs ? 1 : s.failures + 1;
    const delay = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (s.failures - 1));
    this.log.warn(
      `ingest worker ${s.slot} (pid ${child.pid}) exited (${describeExit(code, signal)}) after ${(ran / 1000).toFixed(1)} s; ` +
        `restarting it in ${(delay / 1000).toFixed(1)} s (its session keeps the messages routed to it)`,
    );
    s.restart = setTimeout(() => {
      s.restart = null;
      if (!this.stopping) void this.spawn(s, false);
    }, delay);
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code}`;
}
