// Stopping on SIGTERM or SIGINT, the same way in every command. The first signal asks for a
// graceful stop: a service (start, api, ingest) finishes what it has in hand and closes in order;
// a task (sim, backfill, migrate-data) is aborted and ends as soon as it safely can. A second
// signal while stopping exits at once: an operator who presses Ctrl-C again means "now".
import { constants } from 'node:os';

type StopSignal = 'SIGTERM' | 'SIGINT';
const STOP_SIGNALS: readonly StopSignal[] = ['SIGTERM', 'SIGINT'];

/** Calls `handler` on each SIGTERM and SIGINT; returns the function that stops listening. */
function onStopSignals(handler: (signal: StopSignal) => void): () => void {
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, handler);
  };
}

export type RunUntilStoppedOptions = {
  /** Says that stopping has begun, and why: the signal's name, or a reason given to `stopFor`. */
  announce: (reason: string) => void;
  /** Stops everything; resolves once done. */
  stop: () => Promise<void>;
  /** Says that a second signal ends the process at once (exit code 1). */
  warn: (line: string) => void;
  /** Other reasons to stop, hooked once the signal handlers are in place; returns its clean-up. */
  also?: (stopFor: (reason: string) => void) => () => void;
};

/** Resolves once the service has been asked to stop and `stop` has finished. */
export function runUntilStopped(options: RunUntilStoppedOptions): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    let releaseAlso = () => {};
    const stopFor = (reason: string) => {
      if (stopping) return;
      stopping = true;
      options.announce(reason);
      void options.stop().finally(() => {
        releaseSignals();
        releaseAlso();
        resolve();
      });
    };
    const releaseSignals = onStopSignals((signal) => {
      if (stopping) {
        options.warn(`${signal} again: exiting now`);
        process.exit(1);
      }
      stopFor(signal);
    });
    releaseAlso = options.also?.(stopFor) ?? releaseAlso;
  });
}

/**
 * Aborts `controller` on the first SIGTERM or SIGINT, after `announce(signal)`. A second signal
 * exits at once with 128 + the signal's number (130 for Ctrl-C), the status a shell gives a
 * process the signal killed. Returns the function that stops listening (call it once done).
 */
export function abortOnStopSignal(
  controller: AbortController,
  announce: (signal: StopSignal) => void = () => {},
): () => void {
  return onStopSignals((signal) => {
    if (controller.signal.aborted) process.exit(128 + constants.signals[signal]);
    announce(signal);
    controller.abort();
  });
}
