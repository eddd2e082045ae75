// Pacing and progress for the long runs (backfill, load): hold a target rate without drifting
// (the schedule is computed from the start, so a slow moment is caught up, up to a small burst),
// bound the number of sends in flight, and report progress at a steady cadence.

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Pacer {
  private readonly started = performance.now();

  /** `rate` per second; 0 or Infinity means no limit. */
  constructor(
    private readonly rate: number,
    private readonly burst = Math.max(1, Math.ceil(rate / 50)),
  ) {}

  /** Waits until the `n`-th send (0-based) is due. */
  async wait(n: number): Promise<void> {
    if (!(this.rate > 0) || !Number.isFinite(this.rate)) return;
    const due = ((n - this.burst) / this.rate) * 1000;
    const ahead = due - (performance.now() - this.started);
    if (ahead > 1) await sleep(ahead);
  }
}

/** Keeps at most `limit` promises pending; `add` waits for room first. */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly limit: number) {}

  async add(p: Promise<unknown>): Promise<void> {
    const tracked = p.catch(() => {}).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    while (this.pending.size >= this.limit) await Promise.race(this.pending);
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.race(this.pending);
  }
}

/** Calls `report` every `everyMs` while running, and once more at the end. */
export function every(everyMs: number, report: () => void): { stop: () => void } {
  const timer = setInterval(report, everyMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      report();
    },
  };
}
