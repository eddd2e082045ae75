// <souffle-index station="…" scheme="atmo|eaqi|usaqi">: the station's current air-quality index as
// a coloured badge, with its dominant pollutant and "indicative" for citizen stations.
import { LitElement, css, html } from 'lit';
import type { IndexResponse } from '../data/api-types.js';
import type { IndexScheme } from '../data/indices.js';
import { api, apiBaseFor } from './api-client.js';
import { DataController } from './data-controller.js';
import { parseRefresh } from './format.js';
import { resolveLang } from './i18n.js';
import { badgeStyles, renderIndexBadge, type BadgeIndex } from './index-badge.js';
import { baseStyles, renderError, renderLoading, renderMissingStation } from './styles.js';

const SCHEMES: readonly IndexScheme[] = ['atmo', 'eaqi', 'usaqi'];

export function toScheme(value: string | null | undefined): IndexScheme {
  const v = value?.trim().toLowerCase();
  return SCHEMES.find((s) => s === v) ?? 'atmo';
}

export class SouffleIndex extends LitElement {
  static override properties = {
    station: { type: String },
    scheme: { type: String },
    api: { type: String },
    refresh: { type: String },
    lang: { type: String },
    compact: { type: Boolean, reflect: true },
    result: { attribute: false },
  };

  static override styles = [
    baseStyles,
    badgeStyles,
    css`
      :host {
        display: inline-block;
      }
    `,
  ];

  declare station: string | undefined;
  declare scheme: string | undefined;
  declare api: string | undefined;
  declare refresh: string | undefined;
  declare compact: boolean;
  /** An index the page has already (a station list fetched with `index=`): drawn as is, no request. */
  declare result: (BadgeIndex & { indicative?: boolean }) | undefined;

  #data = new DataController<IndexResponse>(this, {
    key: () =>
      this.station && !this.result
        ? [apiBaseFor(this.api), this.station, toScheme(this.scheme)].join(' ')
        : undefined,
    load: (signal) => api.index(apiBaseFor(this.api), this.station!, toScheme(this.scheme), signal),
    refreshMs: () => parseRefresh(this.refresh),
    live: () => [apiBaseFor(this.api), this.station!],
  });

  constructor() {
    super();
    this.compact = false;
  }

  override render() {
    const lang = resolveLang(this);
    const state = this.#data.state;
    if (this.result) {
      const { indicative = false } = this.result;
      return renderIndexBadge(this.result, { lang, indicative, compact: this.compact });
    }
    if (!this.station) return renderMissingStation(lang);
    switch (state.status) {
      case 'idle':
      case 'loading':
        return renderLoading(lang);
      case 'error':
        return renderError(state.error, lang, this.station);
      case 'ready':
        return html`${renderIndexBadge(state.data, { lang, indicative: state.data.indicative, compact: this.compact })}`;
    }
  }
}

if (!customElements.get('souffle-index')) customElements.define('souffle-index', SouffleIndex);

declare global {
  interface HTMLElementTagNameMap {
    'souffle-index': SouffleIndex;
  }
}
