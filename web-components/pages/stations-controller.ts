// The list of stations a page shows (the dashboard's list and map, the embed builder's choices),
// loaded through the widgets' DataController: the same abort, refresh and visibility rules as every
// widget, not a copy of them. A failed refresh keeps the list on screen and reports the error.
import type { ReactiveControllerHost } from 'lit';
import type { StationSummary } from '../../data/api-types.js';
import type { IndexScheme } from '../../data/indices.js';
import { api, apiBaseFor } from '../api-client.js';
import { DataController } from '../data-controller.js';

export type StationsOptions = {
  /** With a scheme, each station carries its current index in it (call `reload` when it changes). */
  scheme?: () => IndexScheme;
  /** Refresh period in ms; 0 loads once. */
  refreshMs: number;
};

export class StationsController {
  readonly #data: DataController<StationSummary[]>;

  constructor(host: ReactiveControllerHost, options: StationsOptions) {
    this.#data = new DataController(host, {
      key: () => 'stations',
      load: async (signal) => (await api.stations(apiBaseFor(null), signal, options.scheme?.())).stations,
      refreshMs: () => options.refreshMs,
      announce: false, // a page is not a widget
    });
  }

  /** Loads the list again now (another scheme), keeping the current one on screen meanwhile. */
  reload(): Promise<void> {
    return this.#data.reload();
  }

  /** The stations, or undefined until the first load succeeds. */
  get list(): StationSummary[] | undefined {
    const state = this.#data.state;
    return state.status === 'ready' ? state.data : undefined;
  }

  /** Why the last load failed, or undefined when it succeeded (or is still running). */
  get error(): string | undefined {
    const state = this.#data.state;
    if (state.status === 'error') return state.error.message;
    return state.status === 'ready' ? state.stale?.message : undefined;
  }
}
