// <souffle-dashboard>: the page at /. The map and the list of stations with their index, a search,
// and a station page (#/station/<id>) with its card, its indices and its charts: what a citizen
// opens to see their sensor next to the official stations. Renders in the light DOM so that the
// widget entry's autoloader sees the charts and the map it contains.
import { LitElement, html, nothing } from 'lit';
import type { StationSummary } from '../../data/api-types.js';
import type { IndexScheme } from '../../data/indices.js';
import { DEFAULT_REFRESH_MS } from '../format.js';
import type { Lang } from '../i18n.js';
import { sourceClass } from '../source-names.js';
import { stationCharts } from '../phenomenon-order.js';
import { AtmosudNotice } from './atmosud-notice.js';
import { renderFooter, renderHeader } from './page-chrome.js';
import { applyLang, initialLang, pt } from './page-i18n.js';
import { filterLabel, sourceFilters, sourceTag } from './source-labels.js';
import { searchStations, type SourceFilter } from './station-search.js';
import { StationsController } from './stations-controller.js';
import './souffle-download.js';

/** Pollutants AtmoSud measures that a citizen sensor may too, in the order the panel prefers. */
const COMPARED = ['pm25', 'pm10', 'no2', 'o3'] as const;

type Route = { name: 'home' } | { name: 'station'; id: string };

export function parseRoute(hash: string): Route {
  const m = /^#\/station\/(.+)$/.exec(hash);
  return m ? { name: 'station', id: decodeURIComponent(m[1]!) } : { name: 'home' };
}

export class SouffleDashboard extends LitElement {
  static override properties = {
    _lang: { state: true },
    _query: { state: true },
    _source: { state: true },
    _scheme: { state: true },
    _route: { state: true },
    _selected: { state: true },
  };

  declare _lang: Lang;
  declare _query: string;
  declare _source: SourceFilter;
  declare _scheme: IndexScheme;
  declare _route: Route;
  declare _selected: string | undefined;

  // The stations, each with its current index in the chosen scheme: one request for the list. Their
  // indices are refreshed like the widgets' (5 min), not while the page is hidden.
  #stations = new StationsController(this, { scheme: () => this._scheme, refreshMs: DEFAULT_REFRESH_MS });
  // Says why official stations are missing or old, when they are (AtmoSud unreachable).
  #atmosud = new AtmosudNotice(this);

  constructor() {
    super();
    this._lang = initialLang();
    this._query = '';
    this._source = 'all';
    this._scheme = 'atmo';
    this._route = parseRoute(location.hash);
  }

  override createRenderRoot() {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    applyLang(this._lang);
    window.addEventListener('hashchange', this.#onHash);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.#onHash);
  }

  #onHash = () => {
    this._route = parseRoute(location.hash);
    window.scrollTo({ top: 0 });
  };

  /** A marker chosen (click or keyboard): one behaviour, the station selected in the list, scrolled
   * to, and its card shown under the map. A popup on the map was cut at its edge (issue 20). */
  async #selectFromMap(id: string): Promise<void> {
    this._selected = id;
    await this.updateComplete;
    this.querySelector('.station-list li.is-selected')?.scrollIntoView({ block: 'nearest' });
  }

  #switchLang = () => {
    this._lang = this._lang === 'fr' ? 'en' : 'fr';
    applyLang(this._lang);
  };

  override render() {
    const lang = this._lang;
    document.title = pt(lang, 'titleDashboard');
    return html`<a class="skip-link" href="#main"
        >${lang === 'fr' ? 'Aller au contenu' : 'Skip to content'}</a
      >
      ${renderHeader(lang, 'map', this.#switchLang)}
      <main id="main" tabindex="-1">
        ${this.#atmosud.render(lang)}
        ${this._route.name === 'station' ? this.#renderStation(this._route.id) : this.#renderHome()}
      </main>
      ${renderFooter(lang)}`;
  }

  #renderHome() {
    const lang = this._lang;
    const stations = this.#stations.list;
    const error = this.#stations.error;
    const found = stations ? searchStations(stations, this._query, this._source) : [];
    const count = (source: SourceFilter) => (stations ? searchStations(stations, '', source).length : 0);
    const selected = stations?.find((s) => s.id === this._selected);
    return html`<section class="hero">
        <h1>${pt(lang, 'heroTitle')}</h1>
        <p>${pt(lang, 'heroText')}</p>
      </section>
      <div class="dashboard">
        <aside class="panel" aria-label=${pt(lang, 'stationsPanel')}>
          <div class="field">
            <label for="station-search">${pt(lang, 'search')}</label>
            <input
              id="station-search"
              type="search"
              autocomplete="off"
              placeholder=${pt(lang, 'searchPlaceholder')}
              .value=${this._query}
              @input=${(e: Event) => (this._query = (e.target as HTMLInputElement).value)}
            />
          </div>
          <fieldset class="segmented">
            <legend>${pt(lang, 'filter')}</legend>
            ${sourceFilters(count).map(
              (source) =>
                html`<label>
                  <input
                    type="radio"
                    name="source"
                    value=${source}
                    .checked=${this._source === source}
                    @change=${() => (this._source = source)}
                  />
                  <span>${filterLabel(lang, source)} (${count(source)})</span>
                </label>`,
            )}
          </fieldset>
          <div class="field field--inline">
            <label for="scheme">${pt(lang, 'scheme')}</label>
            <select
              id="scheme"
              @change=${(e: Event) => {
                this._scheme = (e.target as HTMLSelectElement).value as IndexScheme;
                void this.#stations.reload();
              }}
            >
              ${(['atmo', 'eaqi', 'usaqi'] as const).map(
                (s) =>
                  html`<option value=${s} ?selected=${this._scheme === s}>
                    ${pt(lang, `scheme.${s}`)}
                  </option>`,
              )}
            </select>
          </div>
          ${
            error
              ? html`<p class="notice notice--error" role="alert">
                  ${pt(lang, 'stationsError', { message: error })}
                </p>`
              : !stations
                ? html`<p class="muted" aria-busy="true">${pt(lang, 'loadingStations')}</p>`
                : html`<p class="muted results" role="status">${pt(lang, 'results', { n: found.length })}</p>
                    ${
                      found.length === 0
                        ? html`<p class="muted">${this.#emptyList(lang, stations.length)}</p>`
                        : html`<ul class="station-list">
                            ${found.map((s) => this.#renderListItem(s))}
                          </ul>`
                    }`
          }
        </aside>
        <div class="map-column">
          <souffle-map
            class="dashboard-map"
            lang=${lang}
            scheme=${this._scheme}
            source=${this._source}
            selected=${this._selected ?? ''}
            popup="none"
            @souffle-station-select=${(e: CustomEvent<{ id: string }>) => this.#selectFromMap(e.detail.id)}
          ></souffle-map>
          ${
            selected
              ? html`<div class="map-selection">
                  <souffle-card station=${selected.id} scheme=${this._scheme} lang=${lang}></souffle-card>
                  <p>
                    <a class="button" href="#/station/${encodeURIComponent(selected.id)}"
                      >${pt(lang, 'openStation', { name: selected.name })} →</a
                    >
                  </p>
                </div>`
              : nothing
          }
        </div>
      </div>`;
  }

  /** Why the list is empty: no station at all yet (a fresh install), none of the kind picked, or none matching the search. */
  #emptyList(lang: Lang, total: number) {
    if (total === 0) return pt(lang, 'noStations');
    return this._query.trim() === '' ? pt(lang, 'noneOfKind') : pt(lang, 'noResults', { q: this._query });
  }

  #renderListItem(s: StationSummary) {
    const lang = this._lang;
    // Until the list of the newly chosen scheme arrives, no badge rather than another scheme's.
    const index = s.index?.scheme === this._scheme ? s.index : undefined;
    return html`<li class=${s.id === this._selected ? 'is-selected' : ''}>
      <a
        href="#/station/${encodeURIComponent(s.id)}"
        aria-current=${s.id === this._selected ? 'true' : 'false'}
      >
        <span class="station-list__text">
          <span class="station-list__name">${s.name}</span>
          <span class="station-list__meta">
            <span class="tag tag--${sourceClass(s.source)}">${sourceTag(lang, s.source)}</span>
            ${s.source === 'atmosud' ? (s.address ?? '') : ''}
          </span>
        </span>
        ${index ? html`<souffle-index .result=${index} lang=${lang} compact></souffle-index>` : nothing}
      </a>
    </li>`;
  }

  #renderStation(id: string) {
    const lang = this._lang;
    const stations = this.#stations.list;
    const station = stations?.find((s) => s.id === id);
    const back = html`<p class="breadcrumb"><a href="#/">← ${pt(lang, 'backToList')}</a></p>`;
    if (!stations && !this.#stations.error)
      return html`${back}
        <p class="muted">${pt(lang, 'loadingStations')}</p>`;
    if (!station)
      return html`${back}
        <p class="notice notice--error" role="alert">${pt(lang, 'unknownStation', { id })}</p>`;
    const charts = stationCharts(station.phenomena);
    const shown = charts.length ? charts : station.phenomena.slice(0, 2);
    const compare = station.source === 'citizen';
    // A citizen sensor's comparison with AtmoSud, on the first pollutant both can measure.
    const compared = compare ? COMPARED.find((p) => station.phenomena.includes(p)) : undefined;
    return html`${back}
      <div class="station-head">
        <h1>${station.name}</h1>
        <span class="tag tag--${sourceClass(station.source)}">${sourceTag(lang, station.source)}</span>
      </div>
      <div class="station-top">
        <souffle-card station=${station.id} scheme=${this._scheme} lang=${lang}></souffle-card>
        <section class="indices" aria-labelledby="indices-title">
          <h2 id="indices-title">${pt(lang, 'indices')}</h2>
          <div class="indices__list">
            ${(['atmo', 'eaqi', 'usaqi'] as const).map(
              (scheme) =>
                html`<souffle-index station=${station.id} scheme=${scheme} lang=${lang}></souffle-index>`,
            )}
          </div>
          <p>
            <a class="button button--secondary" href="./embed#station=${encodeURIComponent(station.id)}"
              >${pt(lang, 'embedThis')}</a
            >
          </p>
          <souffle-download station=${station.id} lang=${lang}></souffle-download>
        </section>
      </div>
      ${
        compared
          ? html`<div class="compare-panel">
              <souffle-compare station=${station.id} phenomenon=${compared} lang=${lang}></souffle-compare>
            </div>`
          : nothing
      }
      <h2 class="section-title">${pt(lang, 'history')}</h2>
      ${compare ? html`<p class="muted">${pt(lang, 'compareNote')}</p>` : nothing}
      <div class="charts">
        ${shown.map(
          (p) =>
            html`<souffle-chart
              station=${station.id}
              phenomenon=${p}
              scheme=${this._scheme}
              lang=${lang}
              ?compare=${compare}
            ></souffle-chart>`,
        )}
      </div>`;
  }
}

customElements.define('souffle-dashboard', SouffleDashboard);
