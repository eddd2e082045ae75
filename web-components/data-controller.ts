// Loads a widget's data, refreshes it on a period, and cleans up: the one lifecycle every element
// shares (docs/architecture.md, Conventions). A refresh is skipped while the page is hidden and made as soon as it
// is visible again; a fetch in flight is aborted when its element leaves the page or its inputs
// change; a failed refresh keeps the last good data on screen (marked stale) instead of breaking.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type LoadState<T> =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; data: T; at: number; stale: Error | null }
  | { status: 'error'; error: Error };

export type DataOptions<T> = {
  /** What to load, as a string: a change reloads from scratch; undefined means nothing to load. */
  key: () => string | undefined;
  load: (signal: AbortSignal) => Promise<T>;
  /** Refresh period in ms; 0 disables refreshing. */
  refreshMs: () => number;
  /** Dispatch `souffle-load` after each load (default true): the widgets' event (docs/widgets.md). */
  announce?: boolean;
  /** The API base and station whose new readings reload at once (web-components/live-updates.ts). */
  live?: () => [base: string, station: string] | undefined;
};

/** After a failure, try again sooner than the refresh period, but not in a tight loop. */
const RETRY_MS = 60_000;

export class DataController<T> implements ReactiveController {
  state: LoadState<T> = { status: 'idle' };
  #key: string | undefined;
  #abort: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #due = false;
  #connected = false;
  #unwatch: (() => void) | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: DataOptions<T>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    document.addEventListener('visibilitychange', this.#onVisibility);
    // Moved in the DOM (a map popup re-attaching its card): keep fresh data, resume the schedule.
    const state = this.state;
    const period = this.options.refreshMs();
    const age = state.status === 'ready' ? Date.now() - state.at : Infinity;
    if (state.status === 'ready' && age < (period || Infinity)) {
      this.#schedule(period - age);
      return;
    }
    this.#key = undefined; // the key check in hostUpdate then loads again
    this.host.requestUpdate();
  }

  hostUpdate(): void {
    const key = this.options.key();
    if (key === this.#key) return;
    this.#key = key;
    this.state = key === undefined ? { status: 'idle' } : { status: 'loading' };
    void this.reload();
    this.#watch(key !== undefined && this.options.live?.());
  }

  /** Reloads on the station's new readings, over the live stream (lazy); polling stays the fallback. */
  #watch(live: [string, string] | undefined | false): void {
    this.#unwatch?.();
    let on = !!live;
    let unwatch: (() => void) | undefined;
    this.#unwatch = () => {
      on = false;
      unwatch?.();
    };
    if (live)
      void import('./live-updates.js').then((m) => {
        if (on) unwatch = m.watch(...live, () => void this.reload());
      });
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#watch(undefined);
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#abort?.abort();
    this.#abort = undefined;
    clearTimeout(this.#timer);
  }

  /** Loads now, aborting a load in flight. */
  async reload(): Promise<void> {
    this.#abort?.abort();
    clearTimeout(this.#timer);
    if (!this.#connected || this.#key === undefined) return;
    const abort = new AbortController();
    this.#abort = abort;
    try {
      const data = await this.options.load(abort.signal);
      if (abort.signal.aborted) return;
      this.state = { status: 'ready', data, at: Date.now(), stale: null };
      this.#schedule(this.options.refreshMs());
    } catch (error) {
      if (abort.signal.aborted) return;
      const err = error instanceof Error ? error : new Error(String(error));
      const previous = this.state;
      this.state =
        previous.status === 'ready' ? { ...previous, stale: err } : { status: 'error', error: err };
      const period = this.options.refreshMs();
      this.#schedule(period === 0 ? 0 : Math.min(period, RETRY_MS));
    }
    this.host.requestUpdate();
    // Tell the page (and a map popup holding a card) that fresh content is about to render.
    if (this.options.announce !== false && this.host instanceof HTMLElement) {
      const host = this.host;
      void this.host.updateComplete.then(() =>
        host.dispatchEvent(
          new CustomEvent('souffle-load', {
            bubbles: true,
            composed: true,
            detail: { status: this.state.status },
          }),
        ),
      );
    }
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    if (ms <= 0 || !this.#connected) return;
    this.#timer = setTimeout(() => {
      if (document.hidden) this.#due = true;
      else void this.reload();
    }, ms);
  }

  #onVisibility = (): void => {
    if (!document.hidden && this.#due) {
      this.#due = false;
      void this.reload();
    }
  };
}
