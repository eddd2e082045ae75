// <souffle-embed-builder>: the page at /embed, for teachers. Pick a station (search or map), a
// widget and its options, watch the live preview, copy the two-line snippet with the absolute
// script URL. Light DOM, like the dashboard, so the autoloader sees the previewed widget.
import { LitElement, html, nothing } from 'lit';
import type { StationSummary } from '../../data/api-types.js';
import type { Lang } from '../i18n.js';
import { CHARTABLE, renderOptionsStep } from './builder-options.js';
import { renderFooter, renderHeader } from './page-chrome.js';
import { applyLang, initialLang, pt } from './page-i18n.js';
import {
  embedSnippet,
  badgeSnippet,
  frameSnippet,
  widgetAttributes,
  widgetScriptUrl,
  type BuilderOptions,
  type WidgetTag,
} from './snippet.js';
import { searchStations } from './station-search.js';
import { StationsController } from './stations-controller.js';
import './souffle-download.js';

const TAGS: readonly WidgetTag[] = ['souffle-card', 'souffle-index', 'souffle-chart', 'souffle-map'];

export class SouffleEmbedBuilder extends LitElement {
  static override properties = {
    _lang: { state: true },
    _query: { state: true },
    _options: { state: true },
    _copyStatus: { state: true },
  };

  declare _lang: Lang;
  declare _query: string;
  declare _options: BuilderOptions;
  declare _copyStatus: 'copied' | 'failed' | undefined;

  #stations = new StationsController(this, { refreshMs: 0 });
  #previewKey = '';

  constructor() {
    super();
    this._lang = initialLang();
    this._query = '';
    const station = /(?:^|[#&])station=([^&]+)/.exec(location.hash)?.[1];
    this._options = {
      tag: 'souffle-card',
      station: station ? decodeURIComponent(station) : undefined,
      scheme: 'atmo',
      phenomenon: 'pm25',
      range: '7d',
      compare: false,
      lang: '',
      refresh: '5m',
      source: 'all',
    };
  }

  override createRenderRoot() {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    applyLang(this._lang);
  }

  /** Once the stations arrive, a builder opened without one picks the first of the list. */
  override willUpdate(): void {
    const stations = this.#stations.list;
    if (!this._options.station && stations?.[0]) {
      this.#set({ station: searchStations(stations, '')[0]?.id });
    }
  }

  #set(patch: Partial<BuilderOptions>): void {
    this._options = { ...this._options, ...patch };
    this._copyStatus = undefined;
    const station = this.#station;
    // Keep the chart's pollutant one the station measures.
    if (station && !station.phenomena.includes(this._options.phenomenon)) {
      const first = CHARTABLE.find((p) => station.phenomena.includes(p));
      if (first) this._options = { ...this._options, phenomenon: first };
    }
    if (this._options.station)
      history.replaceState(history.state, '', `#station=${encodeURIComponent(this._options.station)}`);
  }

  /** The chosen station, once the list has arrived. */
  get #station(): StationSummary | undefined {
    return this.#stations.list?.find((s) => s.id === this._options.station);
  }

  get snippet(): string {
    return embedSnippet(
      widgetScriptUrl(document.baseURI),
      this._options.tag,
      widgetAttributes(this._options),
    );
  }

  async #copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.snippet);
      this._copyStatus = 'copied';
    } catch {
      // Clipboard API refused (insecure origin, permissions): fall back to a selection copy.
      const area = this.querySelector<HTMLTextAreaElement>('#snippet');
      area?.select();
      this._copyStatus = document.execCommand?.('copy') ? 'copied' : 'failed';
    }
  }

  #switchLang = () => {
    this._lang = this._lang === 'fr' ? 'en' : 'fr';
    applyLang(this._lang);
  };

  override render() {
    const lang = this._lang;
    document.title = pt(lang, 'titleEmbed');
    return html`<a class="skip-link" href="#main"
        >${lang === 'fr' ? 'Aller au contenu' : 'Skip to content'}</a
      >
      ${renderHeader(lang, 'embed', this.#switchLang)}
      <main id="main" tabindex="-1">
        <section class="hero">
          <h1>${pt(lang, 'embedTitle')}</h1>
          <p>${pt(lang, 'embedIntro')}</p>
        </section>
        <div class="builder">
          <form class="builder__form" @submit=${(e: Event) => e.preventDefault()}>
            ${this.#renderStationStep()} ${this.#renderWidgetStep()}
            ${renderOptionsStep(this._lang, this._options, this.#station, (patch) => this.#set(patch))}
          </form>
          <div class="builder__output">
            <section class="preview" aria-labelledby="preview-title">
              <h2 id="preview-title">${pt(lang, 'preview')}</h2>
              <div class="preview__stage" id="preview"></div>
            </section>
            <section class="code" aria-labelledby="code-title">
              <h2 id="code-title">${pt(lang, 'code')}</h2>
              <p class="muted" id="code-help">${pt(lang, 'codeHelp')}</p>
              <textarea
                id="snippet"
                readonly
                rows="5"
                spellcheck="false"
                aria-labelledby="code-title"
                aria-describedby="code-help"
                .value=${this.snippet}
              ></textarea>
              <div class="code__actions">
                <button type="button" class="button" @click=${() => this.#copy()}>${pt(lang, 'copy')}</button>
                <span role="status" class=${this._copyStatus === 'failed' ? 'notice--error' : 'success'}
                  >${this._copyStatus ? pt(lang, this._copyStatus === 'copied' ? 'copied' : 'copyFailed') : ''}</span
                >
              </div>
              <p class="muted small">${pt(lang, 'themeHelp')}</p>
              ${this.#renderNoScript()}
            </section>
            ${
              this._options.station && this._options.tag !== 'souffle-map'
                ? html`<souffle-download station=${this._options.station} lang=${lang}></souffle-download>`
                : nothing
            }
          </div>
        </div>
      </main>
      ${renderFooter(lang)}`;
  }

  /** The embeds that need no script: the card in an iframe and the index badge, for one station. */
  #renderNoScript() {
    const lang = this._lang;
    const station = this._options.station;
    const area = (id: string, label: 'frameCode' | 'badgeCode', value: string) =>
      html`<label class="field" for=${id}>${pt(lang, label)}</label>
        <textarea id=${id} readonly rows="3" spellcheck="false" .value=${value}></textarea>`;
    return html`<details class="no-script">
      <summary>${pt(lang, 'noScript')}</summary>
      <p class="muted small">${pt(lang, 'noScriptHelp')}</p>
      ${
        station
          ? html`${area('frame-snippet', 'frameCode', frameSnippet(document.baseURI, station, this._options.lang))}
            ${area('badge-snippet', 'badgeCode', badgeSnippet(document.baseURI, station, this._options.scheme, this._options.lang))}`
          : html`<p class="muted small">${pt(lang, 'pickStationFirst')}</p>`
      }
    </details>`;
  }

  #renderStationStep() {
    const lang = this._lang;
    const o = this._options;
    if (o.tag === 'souffle-map') return nothing;
    const stations = this.#stations.list;
    const error = this.#stations.error;
    const found = stations ? searchStations(stations, this._query).slice(0, 30) : [];
    const chosen = stations?.find((s) => s.id === o.station);
    return html`<fieldset class="step">
      <legend>${pt(lang, 'stepStation')}</legend>
      <div class="field">
        <label for="builder-search">${pt(lang, 'search')}</label>
        <input
          id="builder-search"
          type="search"
          autocomplete="off"
          placeholder=${pt(lang, 'searchPlaceholder')}
          .value=${this._query}
          @input=${(e: Event) => (this._query = (e.target as HTMLInputElement).value)}
        />
      </div>
      ${
        error
          ? html`<p class="notice notice--error" role="alert">
              ${pt(lang, 'stationsError', { message: error })}
            </p>`
          : !stations
            ? html`<p class="muted">${pt(lang, 'loadingStations')}</p>`
            : html`<div class="choice-list" role="radiogroup" aria-label=${pt(lang, 'stepStation')}>
                ${found.map(
                  (s) =>
                    html`<label class="choice">
                      <input
                        type="radio"
                        name="station"
                        value=${s.id}
                        .checked=${s.id === o.station}
                        @change=${() => this.#set({ station: s.id })}
                      />
                      <span>${s.name}</span>
                      <span class="tag tag--${s.source}"
                        >${pt(lang, s.source === 'atmosud' ? 'officialTag' : 'citizenTag')}</span
                      >
                    </label>`,
                )}
                ${found.length === 0 ? html`<p class="muted">${pt(lang, 'noResults', { q: this._query })}</p>` : nothing}
              </div>`
      }
      <p class="muted small">${pt(lang, 'pickOnMap')}</p>
      <souffle-map
        class="builder__map"
        popup="none"
        legend="closed"
        lang=${lang}
        selected=${o.station ?? ''}
        @souffle-station-select=${(e: CustomEvent<{ id: string }>) => this.#set({ station: e.detail.id })}
      ></souffle-map>
      <p class="chosen" role="status">
        ${chosen ? pt(lang, 'chosen', { name: chosen.name }) : pt(lang, 'noStation')}
      </p>
    </fieldset>`;
  }

  #renderWidgetStep() {
    const lang = this._lang;
    return html`<fieldset class="step">
      <legend>${pt(lang, 'stepWidget')}</legend>
      <div class="widget-choices">
        ${TAGS.map(
          (tag) =>
            html`<label class="widget-choice">
              <input
                type="radio"
                name="widget"
                value=${tag}
                .checked=${this._options.tag === tag}
                @change=${() => this.#set({ tag })}
              />
              <span class="widget-choice__name">${pt(lang, `widget.${tag}`)}</span>
              <span class="widget-choice__hint">${pt(lang, `widget.${tag}.hint`)}</span>
            </label>`,
        )}
      </div>
    </fieldset>`;
  }

  /** The preview is the real widget, re-created only when its attributes change. */
  override updated(): void {
    const stage = this.querySelector<HTMLElement>('#preview');
    if (!stage) return;
    const attributes = widgetAttributes(this._options);
    const key = JSON.stringify([this._options.tag, attributes]);
    if (key === this.#previewKey) return;
    this.#previewKey = key;
    const element = document.createElement(this._options.tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === true) element.setAttribute(name, '');
      else if (value) element.setAttribute(name, value);
    }
    stage.replaceChildren(element);
  }
}

customElements.define('souffle-embed-builder', SouffleEmbedBuilder);
