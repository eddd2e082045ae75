// <souffle-join>: the page at /join, where a citizen registers their own sensor with an enrolment
// code (POST /api/v1/join): the code, a name, the kind of sensor, its place on a map (shown as the
// ~200 m privacy cell unless they publish the exact place), the ODbL accepted. The answer shows the
// token once, the settings to type into the firmware and a QR code of the sensor's page. Light DOM,
// like the other pages; every field says what is wrong beside it and in a summary at the top.
import 'leaflet/dist/leaflet.css';
import {
  circleMarker,
  map as leafletMap,
  rectangle,
  tileLayer,
  type CircleMarker,
  type Map as LeafletMap,
  type Rectangle,
} from 'leaflet';
import { LitElement, html, nothing } from 'lit';
import type { JoinAnswer } from '../../data/api-types.js';
import { privacyCell } from '../../data/location-privacy.js';
import type { Lang } from '../i18n.js';
import { firmwareSteps } from './firmware-steps.js';
import { jt, type JoinKey } from './join-i18n.js';
import { renderFooter, renderHeader } from './page-chrome.js';
import { applyLang, initialLang } from './page-i18n.js';

type Format = 'airrohr' | 'airgradient' | 'native';
type Field = 'code' | 'name' | 'serial' | 'place' | 'licence';
const FORMATS: readonly Format[] = ['airrohr', 'airgradient', 'native'];
/** Marseille's Vieux-Port: where the map opens before the sensor is placed. */
const START = { lat: 43.2951, lon: 5.3744, zoom: 12 };
const TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
/** Each field's name in the error summary, so that two "required" lines say which is which. */
const LABELS: Record<Field, JoinKey> = {
  code: 'code',
  name: 'name',
  serial: 'serial',
  place: 'place',
  licence: 'licenceShort',
};

export class SouffleJoin extends LitElement {
  static override properties = {
    _lang: { state: true },
    _code: { state: true },
    _name: { state: true },
    _format: { state: true },
    _serial: { state: true },
    _lat: { state: true },
    _lon: { state: true },
    _exact: { state: true },
    _exposure: { state: true },
    _licence: { state: true },
    _errors: { state: true },
    _problem: { state: true },
    _sending: { state: true },
    _result: { state: true },
  };

  declare _lang: Lang;
  declare _code: string;
  declare _name: string;
  declare _format: Format;
  declare _serial: string;
  declare _lat: string;
  declare _lon: string;
  declare _exact: boolean;
  declare _exposure: 'outdoor' | 'indoor';
  declare _licence: boolean;
  declare _errors: Partial<Record<Field, string>>;
  declare _problem: string | undefined;
  declare _sending: boolean;
  declare _result: { answer: JoinAnswer; name: string } | undefined;

  #map: LeafletMap | undefined;
  #marker: CircleMarker | undefined;
  #cell: Rectangle | undefined;

  constructor() {
    super();
    this._lang = initialLang();
    // A join link carries the code in its fragment (never sent to the server's logs).
    this._code = decodeURIComponent(/(?:^|[#&])code=([^&]+)/.exec(location.hash)?.[1] ?? '');
    this._name = '';
    this._format = 'airrohr';
    this._serial = '';
    this._lat = '';
    this._lon = '';
    this._exact = false;
    this._exposure = 'outdoor';
    this._licence = false;
    this._errors = {};
    this._sending = false;
  }

  override createRenderRoot() {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    applyLang(this._lang);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#dropMap();
  }

  #w = (key: JoinKey, params?: Record<string, string | number>) => jt(this._lang, key, params);

  #switchLang = () => {
    this._lang = this._lang === 'fr' ? 'en' : 'fr';
    applyLang(this._lang);
  };

  /** The place typed or clicked, or undefined while either number is missing or wrong. */
  get #place(): { lat: number; lon: number } | undefined {
    const lat = Number(this._lat.replace(',', '.'));
    const lon = Number(this._lon.replace(',', '.'));
    if (this._lat.trim() === '' || this._lon.trim() === '') return undefined;
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180)
      return undefined;
    return { lat, lon };
  }

  override updated(): void {
    if (this._result) {
      this.#dropMap();
      return;
    }
    const container = this.querySelector<HTMLElement>('#join-map');
    if (container && !this.#map) {
      this.#map = leafletMap(container, { zoomControl: true }).setView([START.lat, START.lon], START.zoom);
      this.#map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
      tileLayer(this.getAttribute('tiles') || TILES, {
        maxZoom: 19,
        attribution: '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
      }).addTo(this.#map);
      this.#map.on('click', (e) => {
        this._lat = e.latlng.lat.toFixed(5);
        this._lon = e.latlng.lng.toFixed(5);
        this._errors = { ...this._errors, place: undefined };
      });
    }
    this.#drawPlace();
  }

  #drawPlace(): void {
    const map = this.#map;
    if (!map) return;
    this.#marker?.remove();
    this.#cell?.remove();
    this.#marker = this.#cell = undefined;
    const place = this.#place;
    if (!place) return;
    if (!this._exact) {
      const c = privacyCell(place);
      this.#cell = rectangle(
        [
          [c.south, c.west],
          [c.north, c.east],
        ],
        { color: '#1d5fbf', weight: 2, fillOpacity: 0.15, interactive: false },
      ).addTo(map);
    }
    this.#marker = circleMarker([place.lat, place.lon], {
      radius: 7,
      color: '#ffffff',
      weight: 2,
      fillColor: '#1d5fbf',
      fillOpacity: 1,
      interactive: false,
    }).addTo(map);
    if (map.getZoom() < 15) map.setView([place.lat, place.lon], 16);
  }

  #dropMap(): void {
    this.#map?.remove();
    this.#map = this.#marker = this.#cell = undefined;
  }

  #locate(): void {
    navigator.geolocation?.getCurrentPosition(
      (p) => {
        this._lat = p.coords.latitude.toFixed(5);
        this._lon = p.coords.longitude.toFixed(5);
        this._errors = { ...this._errors, place: undefined };
      },
      () => (this._errors = { ...this._errors, place: this.#w('locateFailed') }),
      { timeout: 10_000 },
    );
  }

  #check(): Partial<Record<Field, string>> {
    const errors: Partial<Record<Field, string>> = {};
    const code = this._code.toUpperCase().replace(/[\s-]/g, '');
    if (!code) errors.code = this.#w('required');
    else if (!/^[0-9A-Z]{28}$/.test(code)) errors.code = this.#w('badCode');
    if (!this._name.trim()) errors.name = this.#w('required');
    if (this._format === 'airgradient' && !/^[0-9a-f]{12}$/i.test(this._serial.replace(/[:\s-]/g, '')))
      errors.serial = this._serial.trim() ? this.#w('badSerial') : this.#w('required');
    if (!this.#place) errors.place = this._lat || this._lon ? this.#w('badNumber') : this.#w('needPlace');
    if (!this._licence) errors.licence = this.#w('needLicence');
    return errors;
  }

  async #submit(e: Event): Promise<void> {
    e.preventDefault();
    if (this._sending) return;
    this._problem = undefined;
    this._errors = this.#check();
    if (Object.values(this._errors).some(Boolean)) {
      await this.updateComplete;
      this.querySelector<HTMLElement>('#join-errors')?.focus();
      return;
    }
    const place = this.#place!;
    const body = {
      code: this._code,
      acceptLicence: true,
      name: this._name.trim(),
      lat: place.lat,
      lon: place.lon,
      format: this._format,
      exposure: this._exposure,
      exactLocation: this._exact,
      ...(this._format === 'airgradient'
        ? { serial: this._serial.replace(/[:\s-]/g, '').toLowerCase() }
        : {}),
    };
    this._sending = true;
    try {
      const res = await fetch(new URL('./api/v1/join', document.baseURI), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await res.json().catch(() => undefined)) as
        JoinAnswer | { error?: { code: string; message: string } } | undefined;
      if (res.status === 201 && answer && 'connection' in answer) {
        this._result = { answer, name: body.name };
        history.replaceState(history.state, '', location.pathname + location.search);
        await this.updateComplete;
        this.querySelector<HTMLElement>('#join-done')?.focus();
        return;
      }
      this.#explain(res, answer && 'error' in answer ? answer.error : undefined);
    } catch {
      this._problem = this.#w('network');
    } finally {
      this._sending = false;
    }
    await this.updateComplete;
    this.querySelector<HTMLElement>('#join-errors')?.focus();
  }

  /** The server's refusal, in the page's language where it is a known one, beside its field. */
  #explain(res: Response, error: { code: string; message: string } | undefined): void {
    const code = error?.code ?? '';
    if (
      code.startsWith('code_') &&
      code in { code_unknown: 1, code_expired: 1, code_used_up: 1, code_revoked: 1 }
    ) {
      this._errors = { code: this.#w(code as JoinKey) };
      return;
    }
    if (res.status === 429) {
      this._problem = this.#w('too_many', { s: res.headers.get('Retry-After') ?? '60' });
      return;
    }
    const field = /body field "(\w+)"/.exec(error?.message ?? '')?.[1];
    const target: Field | undefined =
      field === 'lat' || field === 'lon' ? 'place' : field === 'acceptLicence' ? 'licence' : (field as Field);
    if (target && ['code', 'name', 'serial', 'place', 'licence'].includes(target)) {
      this._errors = { [target]: error!.message };
      return;
    }
    this._problem = error?.message ?? `HTTP ${res.status}`;
  }

  override render() {
    document.title = this.#w('title');
    return html`<a class="skip-link" href="#main"
        >${this._lang === 'fr' ? 'Aller au contenu' : 'Skip to content'}</a
      >
      ${renderHeader(this._lang, 'join', this.#switchLang)}
      <main id="main" tabindex="-1" class="join">
        ${this._result ? this.#renderDone() : this.#renderForm()}
      </main>
      ${renderFooter(this._lang)}`;
  }

  #error(field: Field) {
    const message = this._errors[field];
    return message ? html`<p class="field-error" id="${field}-error">${message}</p>` : nothing;
  }

  #describedBy(field: Field, hint?: string) {
    return [hint, this._errors[field] ? `${field}-error` : undefined].filter(Boolean).join(' ') || nothing;
  }

  #renderSummary() {
    const errors = Object.entries(this._errors).filter(([, m]) => m) as Array<[Field, string]>;
    if (errors.length === 0 && !this._problem) return nothing;
    const target: Record<Field, string> = {
      code: 'join-code',
      name: 'join-name',
      serial: 'join-serial',
      place: 'join-lat',
      licence: 'join-licence',
    };
    return html`<div class="notice notice--error" id="join-errors" tabindex="-1" role="alert">
      ${
        this._problem
          ? html`<p>${this._problem}</p>`
          : html`<p>${this.#w('errorsTitle')}</p>
              <ul>
                ${errors.map(([f, m]) => html`<li><a href="#${target[f]}">${this.#w(LABELS[f])}${this._lang === 'fr' ? ' : ' : ': '}${m}</a></li>`)}
              </ul>`
      }
    </div>`;
  }

  #renderForm() {
    const w = this.#w;
    const invalid = (f: Field) => (this._errors[f] ? 'true' : 'false');
    return html`<section class="hero">
        <h1>${w('heading')}</h1>
        <p>${w('intro')}</p>
      </section>
      ${this.#renderSummary()}
      <form class="join-form" novalidate @submit=${(e: Event) => this.#submit(e)}>
        <div class="field">
          <label for="join-code">${w('code')}</label>
          <input
            id="join-code"
            name="code"
            autocomplete="off"
            autocapitalize="characters"
            spellcheck="false"
            aria-invalid=${invalid('code')}
            aria-describedby=${this.#describedBy('code', 'code-hint')}
            .value=${this._code}
            @input=${(e: Event) => (this._code = (e.target as HTMLInputElement).value)}
          />
          <p class="hint" id="code-hint">${w('codeHint')}</p>
          ${this.#error('code')}
        </div>
        <div class="field">
          <label for="join-name">${w('name')}</label>
          <input
            id="join-name"
            name="name"
            maxlength="100"
            autocomplete="off"
            aria-invalid=${invalid('name')}
            aria-describedby=${this.#describedBy('name', 'name-hint')}
            .value=${this._name}
            @input=${(e: Event) => (this._name = (e.target as HTMLInputElement).value)}
          />
          <p class="hint" id="name-hint">${w('nameHint')}</p>
          ${this.#error('name')}
        </div>
        <fieldset class="step">
          <legend>${w('kind')}</legend>
          <div class="choice-list">
            ${FORMATS.map(
              (f) =>
                html`<label class="choice">
                  <input
                    type="radio"
                    name="format"
                    value=${f}
                    .checked=${this._format === f}
                    @change=${() => (this._format = f)}
                  />
                  <span>${w(`kind.${f}`)}</span>
                  <span class="muted small">${w(`kind.${f}.hint`)}</span>
                </label>`,
            )}
          </div>
          ${
            this._format === 'airgradient'
              ? html`<div class="field">
                  <label for="join-serial">${w('serial')}</label>
                  <input
                    id="join-serial"
                    name="serial"
                    autocomplete="off"
                    spellcheck="false"
                    aria-invalid=${invalid('serial')}
                    aria-describedby=${this.#describedBy('serial', 'serial-hint')}
                    .value=${this._serial}
                    @input=${(e: Event) => (this._serial = (e.target as HTMLInputElement).value)}
                  />
                  <p class="hint" id="serial-hint">${w('serialHint')}</p>
                  ${this.#error('serial')}
                </div>`
              : nothing
          }
        </fieldset>
        <fieldset class="step">
          <legend>${w('place')}</legend>
          <p class="hint" id="place-hint">${w('placeHint')}</p>
          <div id="join-map" class="join-map" role="region" aria-label=${w('mapLabel')}></div>
          <div class="place-inputs">
            <div class="field">
              <label for="join-lat">${w('lat')}</label>
              <input
                id="join-lat"
                name="lat"
                inputmode="decimal"
                autocomplete="off"
                aria-invalid=${invalid('place')}
                aria-describedby=${this.#describedBy('place', 'place-hint')}
                .value=${this._lat}
                @input=${(e: Event) => (this._lat = (e.target as HTMLInputElement).value)}
              />
            </div>
            <div class="field">
              <label for="join-lon">${w('lon')}</label>
              <input
                id="join-lon"
                name="lon"
                inputmode="decimal"
                autocomplete="off"
                aria-invalid=${invalid('place')}
                aria-describedby=${this.#describedBy('place', 'place-hint')}
                .value=${this._lon}
                @input=${(e: Event) => (this._lon = (e.target as HTMLInputElement).value)}
              />
            </div>
            <button type="button" class="button button--secondary" @click=${() => this.#locate()}>
              ${w('locate')}
            </button>
          </div>
          ${this.#error('place')}
          <label class="checkbox">
            <input
              type="checkbox"
              .checked=${this._exact}
              @change=${(e: Event) => (this._exact = (e.target as HTMLInputElement).checked)}
            />
            ${w('exact')}
          </label>
          <p class="muted" role="status">${this._exact ? w('exactNote') : w('cellNote')}</p>
          <fieldset class="segmented">
            <legend>${w('exposure')}</legend>
            ${(['outdoor', 'indoor'] as const).map(
              (x) =>
                html`<label
                  ><input
                    type="radio"
                    name="exposure"
                    value=${x}
                    .checked=${this._exposure === x}
                    @change=${() => (this._exposure = x)}
                  /><span>${w(`exposure.${x}`)}</span></label
                >`,
            )}
          </fieldset>
        </fieldset>
        <div class="field">
          <label class="checkbox">
            <input
              id="join-licence"
              type="checkbox"
              aria-invalid=${invalid('licence')}
              aria-describedby=${this.#describedBy('licence', 'licence-hint')}
              .checked=${this._licence}
              @change=${(e: Event) => (this._licence = (e.target as HTMLInputElement).checked)}
            />
            ${w('licence')}
          </label>
          <p class="hint" id="licence-hint">${w('licenceHint')}</p>
          ${this.#error('licence')}
        </div>
        <p>
          <button type="submit" class="button" ?disabled=${this._sending}>
            ${this._sending ? w('sending') : w('submit')}
          </button>
        </p>
      </form>`;
  }

  #renderDone() {
    const w = this.#w;
    const { answer, name } = this._result!;
    const c = answer.connection;
    return html`<section class="join-done">
      <h1 id="join-done" tabindex="-1">${w('done', { name })}</h1>
      <p class="success">${w('doneIntro', { id: c.id })}</p>
      <div class="field">
        <label for="join-token">${w('token')}</label>
        <input id="join-token" readonly spellcheck="false" .value=${c.token} />
      </div>
      <h2>${w('steps')}</h2>
      ${firmwareSteps(this._lang, c)}
      <figure class="join-qr">
        <img
          src="./api/v1/stations/${encodeURIComponent(c.station)}/qr.svg"
          alt=${w('qrAlt', { name })}
          width="180"
          height="180"
        />
        <figcaption>${w('qr')}</figcaption>
      </figure>
      <p>
        <a class="button button--secondary" href="./#/station/${encodeURIComponent(c.station)}"
          >${w('stationPage')}</a
        >
        <a
          class="button button--secondary"
          href="./my#device=${encodeURIComponent(c.id)}&token=${encodeURIComponent(c.token)}"
          >${w('myLink')}</a
        >
        <a class="button button--secondary" href="./join${this._lang === 'en' ? '?lang=en' : ''}"
          >${w('another')}</a
        >
      </p>
    </section>`;
  }
}

customElements.define('souffle-join', SouffleJoin);
