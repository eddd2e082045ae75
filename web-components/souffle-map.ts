// <souffle-map>: stations on a Leaflet map, coloured by their current index, with a popup holding a
// <souffle-card>. Markers are vector circles, not images, so they show without tiles
// (offline, or a tile server that is down). Leaflet and its CSS live in this lazily loaded module,
// the CSS inside the shadow root. The only third-party requests any widget makes are these tiles.
import leafletCss from 'leaflet/dist/leaflet.css?inline';
import {
  circleMarker,
  control,
  latLngBounds,
  map as leafletMap,
  tileLayer,
  type CircleMarker,
  type LayerGroup,
  type Map as LeafletMap,
  layerGroup,
} from 'leaflet';
import { LitElement, html, nothing, unsafeCSS } from 'lit';
import type { StationIndexSummary, StationSummary } from '../data/api-types.js';
import { UNAVAILABLE } from '../data/indices.js';
import { ApiError, api, apiBaseFor } from './api-client.js';
import { DataController } from './data-controller.js';
import { parseRefresh } from './format.js';
import { resolveLang, t, translator, type Lang } from './i18n.js';
import { NETWORK_NAMES, sourceClass, sourceLabel } from './source-names.js';
import './souffle-card.js';
import { toScheme } from './souffle-index.js';
import { renderMapLegend } from './map-legend.js';
import { mapStyles } from './map-styles.js';
import { baseStyles, renderError } from './styles.js';

export const DEFAULT_TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
export const DEFAULT_ATTRIBUTION = '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';
/** Marseille, when there is no station to fit. */
const DEFAULT_VIEW = { lat: 43.2965, lon: 5.3698, zoom: 11 };
/** Index requests in flight at once, for a server too old to give the index with the list. */
const CONCURRENCY = 4;

const mt = translator({
  fr: {
    map: 'Carte des stations',
    stations: 'Stations',
    unknownIndex: 'indice inconnu',
  },
  en: {
    map: 'Map of stations',
    stations: 'Stations',
    unknownIndex: 'unknown index',
  },
});

type MapStation = Omit<StationSummary, 'index'> & { index: StationIndexSummary | null };

/** The names of the networks with imported kits on the map, for its legend. */
function importedNetworks(state: { status: string; data?: MapStation[] }): string[] {
  if (state.status !== 'ready' || !state.data) return [];
  const sources = new Set(state.data.map((s) => s.source));
  return Object.entries(NETWORK_NAMES)
    .filter(([source]) => sources.has(source as MapStation['source']))
    .map(([, name]) => name);
}

/** Runs `task` over `items` with at most `limit` running at once; failures become null. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<Array<R | null>> {
  const out: Array<R | null> = new Array(items.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i]!).catch(() => null);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** "43.3,5.4" → {lat, lon}; undefined when unreadable. */
export function parseCenter(value: string | undefined): { lat: number; lon: number } | undefined {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(value ?? '');
  return m ? { lat: Number(m[1]), lon: Number(m[2]) } : undefined;
}

export class SouffleMap extends LitElement {
  static override properties = {
    api: { type: String },
    lang: { type: String },
    refresh: { type: String },
    scheme: { type: String },
    tiles: { type: String },
    attribution: { type: String },
    center: { type: String },
    zoom: { type: Number },
    source: { type: String },
    selected: { type: String },
    popup: { type: String },
    legend: { type: String },
  };

  declare api: string | undefined;
  declare refresh: string | undefined;
  declare scheme: string | undefined;
  declare tiles: string | undefined;
  declare attribution: string | undefined;
  declare center: string | undefined;
  declare zoom: number | undefined;
  /** Only stations of this source: "citizen" or "atmosud"; all by default. */
  declare source: string | undefined;
  /** The id of a station to highlight. */
  declare selected: string | undefined;
  /** "card" (default) opens a <souffle-card> on click; "none" only sends the select event. */
  declare popup: string | undefined;
  /** "open" (default), "closed" (a button that opens it) or "none". */
  declare legend: string | undefined;

  #map: LeafletMap | undefined;
  #markers: LayerGroup | undefined;
  #byId = new Map<string, CircleMarker>();
  #fitted = false;
  #resize: ResizeObserver | undefined;

  #data = new DataController<MapStation[]>(this, {
    key: () => [apiBaseFor(this.api), toScheme(this.scheme), this.source ?? 'all'].join(' '),
    load: async (signal) => {
      const base = apiBaseFor(this.api);
      const scheme = toScheme(this.scheme);
      // One request: the list carries each station's current index (GET /stations?index=). A
      // server older than `index=` rejects it (400): then ask for each station's index, a few at a time.
      const { stations } = await api.stations(base, signal, scheme).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 400) return api.stations(base, signal);
        throw e;
      });
      const shown = stations.filter((s) => !this.source || this.source === 'all' || s.source === this.source);
      const indices = await mapLimited(shown, CONCURRENCY, async (s): Promise<StationIndexSummary | null> => {
        if (s.index) return s.index.scheme === scheme ? s.index : null;
        if (s.status === 'never') return null;
        return api.index(base, s.id, scheme, signal);
      });
      if (signal.aborted) throw new DOMException('aborted', 'AbortError');
      return shown.map((s, i) => ({ ...s, index: indices[i] ?? null }));
    },
    refreshMs: () => parseRefresh(this.refresh),
  });

  override firstUpdated(): void {
    this.#createMap();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && !this.#map) this.#createMap();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize?.disconnect();
    this.#map?.remove();
    this.#map = undefined;
    this.#markers = undefined;
    this.#byId.clear();
    this.#cards.clear();
    this.#fitted = false;
  }

  #createMap(): void {
    const container = this.renderRoot.querySelector<HTMLElement>('.map');
    if (!container || this.#map) return;
    const center = parseCenter(this.center);
    const map = leafletMap(container, { zoomControl: true, attributionControl: true });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    if (this.tiles !== 'none') {
      tileLayer(this.tiles || DEFAULT_TILES, {
        maxZoom: 19,
        attribution: this.attribution ?? DEFAULT_ATTRIBUTION,
      }).addTo(map);
    }
    map.setView(
      [center?.lat ?? DEFAULT_VIEW.lat, center?.lon ?? DEFAULT_VIEW.lon],
      this.zoom ?? (center ? 13 : DEFAULT_VIEW.zoom),
    );
    control.scale({ imperial: false }).addTo(map);
    this.#markers = layerGroup().addTo(map);
    // The legend sits over the map like a control: fold it away while a popup is open.
    map.on('popupopen', () => {
      const legend = this.renderRoot.querySelector<HTMLDetailsElement>('details.legend');
      if (legend) legend.open = false;
    });
    this.#map = map;
    this.#fitted = center !== undefined;
    this.#resize = new ResizeObserver(() => map.invalidateSize());
    this.#resize.observe(container);
    this.#drawMarkers();
  }

  override updated(): void {
    this.#drawMarkers();
  }

  #drawMarkers(): void {
    const state = this.#data.state;
    const map = this.#map;
    const layer = this.#markers;
    if (!map || !layer || state.status !== 'ready') return;
    const lang = resolveLang(this);
    layer.clearLayers();
    this.#byId.clear();
    for (const s of state.data) {
      const colour = s.index?.colour ?? UNAVAILABLE.colour;
      const official = s.source === 'atmosud';
      // Kits imported from another network: a dashed grey ring, so they read apart from Souffle's own.
      const imported = s.source in NETWORK_NAMES;
      const isSelected = s.id === this.selected;
      const marker = circleMarker([s.lat, s.lon], {
        radius: official ? 10 : imported ? 7 : 8,
        color: isSelected ? '#1d5fbf' : official ? '#1d2433' : imported ? '#4a5568' : '#ffffff',
        weight: isSelected ? 4 : 2,
        ...(imported && !isSelected ? { dashArray: '3 2' } : {}),
        fillColor: colour,
        fillOpacity: 0.95,
        className: `souffle-marker ${sourceClass(s.source)}`,
      });
      // Leaflet parses a string content as HTML; a station's name is data (a citizen's, or
      // AtmoSud's), so it reaches the DOM only as a text node (docs/security.md, Names).
      const tip = document.createElement('span');
      tip.textContent = this.#describe(s, lang);
      marker.bindTooltip(tip, { direction: 'top', offset: [0, -8] });
      if (this.popup !== 'none') {
        marker.bindPopup(() => this.#popupCard(s.id, lang), {
          minWidth: 280,
          maxWidth: 360,
          // A card taller than the map scrolls inside its popup instead of spilling out.
          maxHeight: Math.max(200, map.getSize().y - 48),
          autoPanPadding: [12, 12],
        });
      }
      marker.on('click', () => this.#select(s));
      marker.on('popupopen', () => marker.closeTooltip());
      marker.addTo(layer);
      const el = marker.getElement();
      el?.setAttribute('data-station', s.id);
      el?.setAttribute('data-colour', colour);
      this.#byId.set(s.id, marker);
    }
    if (!this.#fitted && state.data.length) {
      this.#fitted = true;
      const bounds = latLngBounds(state.data.map((s) => [s.lat, s.lon] as [number, number]));
      map.fitBounds(bounds, { padding: [32, 32], maxZoom: 14, animate: false });
    }
  }

  #describe(s: MapStation, lang: Lang): string {
    const index = s.index?.available ? s.index.label[lang] : mt(lang, 'unknownIndex');
    const source = sourceLabel(lang, s.source);
    // Every index Souffle computes is indicative, at an AtmoSud station too (the API says so).
    const indicative = s.index?.available && (s.index.indicative ?? s.indicative);
    return `${s.name} · ${index}${indicative ? ` (${t(lang, 'indicative')})` : ''} · ${source}`;
  }

  /** One card per station, kept: Leaflet asks for the content again on every layout. */
  #cards = new Map<string, HTMLElement>();

  #popupCard(id: string, lang: Lang): HTMLElement {
    const cached = this.#cards.get(id);
    if (cached?.getAttribute('lang') === lang) return cached;
    const card = document.createElement('souffle-card');
    this.#cards.set(id, card);
    card.setAttribute('station', id);
    card.setAttribute('lang', lang);
    if (this.api) card.setAttribute('api', this.api);
    if (this.scheme) card.setAttribute('scheme', this.scheme);
    if (this.refresh) card.setAttribute('refresh', this.refresh);
    card.style.setProperty('--souffle-shadow', 'none');
    card.style.setProperty('--souffle-border', 'transparent');
    card.style.setProperty('--souffle-padding', '0');
    // The card grows once its data arrive: lay the popup out again, and pan it into view.
    card.addEventListener('souffle-load', () => this.#byId.get(id)?.getPopup()?.update(), { once: true });
    return card;
  }

  #select(s: MapStation): void {
    this.dispatchEvent(
      new CustomEvent('souffle-station-select', {
        detail: { id: s.id, station: s },
        bubbles: true,
        composed: true,
      }),
    );
  }

  // The stations' buttons are one tab stop (roving tabindex), arrow keys move between them: 25–33
  // tab stops stood between a keyboard user and the rest of the page (issue 20).
  #focusIndex: number | undefined;

  #activeIndex(stations: readonly MapStation[]): number {
    if (this.#focusIndex !== undefined && this.#focusIndex < stations.length) return this.#focusIndex;
    const selected = stations.findIndex((s) => s.id === this.selected);
    return selected >= 0 ? selected : 0;
  }

  #onListKey = (e: KeyboardEvent): void => {
    const buttons = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('ul.sr-only button')];
    const current = buttons.indexOf(e.target as HTMLButtonElement);
    if (current < 0) return;
    const next =
      e.key === 'ArrowDown' || e.key === 'ArrowRight'
        ? Math.min(buttons.length - 1, current + 1)
        : e.key === 'ArrowUp' || e.key === 'ArrowLeft'
          ? Math.max(0, current - 1)
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? buttons.length - 1
              : undefined;
    if (next === undefined) return;
    e.preventDefault();
    this.#focusIndex = next;
    buttons.forEach((b, i) => (b.tabIndex = i === next ? 0 : -1));
    buttons[next]!.focus();
  };

  /** Opens the popup of a station, as a click on its marker would. */
  openStation(id: string): void {
    const marker = this.#byId.get(id);
    if (!marker || !this.#map) return;
    this.#map.panTo(marker.getLatLng());
    marker.openPopup();
  }

  override render() {
    const lang = resolveLang(this);
    const state = this.#data.state;
    const scheme = toScheme(this.scheme);
    return html`<div class="frame" part="frame">
      <div class="map" part="map" role="region" aria-label=${mt(lang, 'map')}></div>
      ${
        state.status === 'error'
          ? html`<div class="overlay">${renderError(state.error, lang)}</div>`
          : nothing
      }
      ${this.legend === 'none' ? nothing : renderMapLegend(scheme, lang, this.legend !== 'closed', importedNetworks(state))}
      ${
        state.status === 'ready'
          ? html`<ul class="sr-only" aria-label=${mt(lang, 'stations')} @keydown=${this.#onListKey}>
              ${state.data.map(
                (s, i) =>
                  html`<li>
                    <button
                      type="button"
                      tabindex=${i === this.#activeIndex(state.data) ? '0' : '-1'}
                      @focus=${() => (this.#focusIndex = i)}
                      @click=${() => (this.#select(s), this.openStation(s.id))}
                    >
                      ${this.#describe(s, lang)}
                    </button>
                  </li>`,
              )}
            </ul>`
          : nothing
      }
    </div>`;
  }

  static override styles = [baseStyles, unsafeCSS(leafletCss), mapStyles];
}

if (!customElements.get('souffle-map')) customElements.define('souffle-map', SouffleMap);

declare global {
  interface HTMLElementTagNameMap {
    'souffle-map': SouffleMap;
  }
}
