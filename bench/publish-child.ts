// The load generator of the ingest benchmarks in a child process of its own, at a lower CPU
// priority (devices publish from their own hardware, not from the server), with a deadline: the
// child reports how many of its messages the broker acknowledged, and one that stops making
// progress is killed and the run fails, naming how many acknowledgements are missing.
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { STALL_MS, BenchStalledError } from './wait.js';

/** Publishes fleet messages [from, from + count) from bench/ingest-fleet.ts run as a script. */
export function publishFromChild(
  url: string,
  from: number,
  count: number,
  startSeconds: number,
  stallMs = STALL_MS,
): Promise<void> {
  const script = new URL('./ingest-fleet.ts', import.meta.url).pathname;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, url, String(from), String(count), String(startSeconds)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (child.pid !== undefined) setPriority(child.pid, 10);
  let stderr = '';
  let acked = 0;
  let progressAt = performance.now();
  child.stderr.on('data', (d) => (stderr += d));
  // Lines "acked <n>" as acknowledgements arrive (bench/ingest-fleet.ts).
  let pending = '';
  child.stdout.on('data', (d: Buffer) => {
    const lines = (pending + d.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const n = Number(/^acked (\d+)$/.exec(line)?.[1]);
      if (n > acked) {
        acked = n;
        progressAt = performance.now();
      }
    }
  });
  return new Promise((resolve, reject) => {
    const watchdog = setInterval(() => {
      if (performance.now() - progressAt <= stallMs) return;
      clearInterval(watchdog);
      child.kill('SIGKILL');
      reject(
        new BenchStalledError(
          `publisher of messages ${from}–${from + count - 1}: ${acked} of ${count} acknowledged by the broker, ` +
            `no progress for ${(stallMs / 1000).toFixed(0)} s: ${count - acked} missing${stderr ? `\n${stderr}` : ''}`,
        ),
      );
    }, 1000);
    child.once('exit', (code) => {
      clearInterval(watchdog);
      if (code === 0) resolve();
      else reject(new Error(`publisher exited ${code} after ${acked} of ${count} acknowledged: ${stderr}`));
    });
  });
}
