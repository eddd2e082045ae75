// Waiting in the benchmarks, with a deadline: a count that stops growing fails the run, naming how
// many messages are missing and where they were last seen, instead of hanging it (a run once sat
// for 15 minutes on a message that never arrived). The deadline runs from the last progress, not
// from the start, so a slow machine is not mistaken for a lost message.

/** How long a count may stand still before the wait fails. */
export const STALL_MS = 60_000;

export class BenchStalledError extends Error {
  override name = 'BenchStalledError';
}

export type CountWait = {
  /** What is being waited for, e.g. "the worker to store the end-to-end messages". */
  what: string;
  /** The current count (messages received, stored, rows). */
  count: () => number | Promise<number>;
  target: number;
  /** Where the messages are, for the failure: counts at each stage, the broker's log tail. */
  where?: () => string | Promise<string>;
  /** A reason to stop at once (a child process that exited), or null. */
  failed?: () => string | null;
  stallMs?: number;
  pollMs?: number;
};

/** Resolves once `count()` reaches `target`; rejects when it stood still for `stallMs`. */
export async function waitForCount(w: CountWait): Promise<void> {
  const stallMs = w.stallMs ?? STALL_MS;
  const pollMs = w.pollMs ?? 2;
  const started = performance.now();
  let last = await w.count();
  let progressAt = started;
  while (last < w.target) {
    const failure = w.failed?.();
    if (failure) throw new BenchStalledError(`${w.what}: ${failure} (${last} of ${w.target})`);
    const now = performance.now();
    if (now - progressAt > stallMs) {
      const where = w.where ? `; ${await w.where()}` : '';
      throw new BenchStalledError(
        `${w.what}: ${last} of ${w.target} after ${((now - started) / 1000).toFixed(0)} s, ` +
          `no progress for ${(stallMs / 1000).toFixed(0)} s: ${w.target - last} missing${where}`,
      );
    }
    await new Promise((r) => setTimeout(r, pollMs));
    const n = await w.count();
    if (n > last) progressAt = performance.now();
    last = n;
  }
}
