// <souffle-my>: "Mon capteur" at /my. The owner signs in with the sensor's id and token (or opens
// their personal link, /my#device=<id>&token=<token>, which rotating the token revokes) and sees
// its status, latest values and chart beside the nearest official station (the <souffle-card> and
// <souffle-chart> widgets, the chart with its own 24 h to 1 year tabs), the error log with reasons; renames it, publishes or hides its exact
// place, rotates the token, downloads its data, deletes it. The credentials stay in this tab's
// memory only. Light DOM, like the other pages.
import { LitElement, html, nothing } from 'lit';
import type { DeviceStatusResponse } from '../../data/api-types.js';
import type { Lang } from '../i18n.js';
import { mt, type MyKey } from './my-i18n.js';
import { renderFooter, renderHeader } from './page-chrome.js';
import { applyLang, initialLang } from './page-i18n.js';
import './souffle-my-alerts.js';

type Owner = { id: string; token: string };
type StationInfo = {
  name: string;
  exactLocation: boolean;
  exposure: 'outdoor' | 'indoor';
  homeAssistant: boolean;
};

export class SouffleMy extends LitElement {
  static override properties = {
    _lang: { state: true },
    _owner: { state: true },
    _status: { state: true },
    _station: { state: true },
    _problem: { state: true },
    _notice: { state: true },
    _newToken: { state: true },
    _busy: { state: true },
  };

  declare _lang: Lang;
  declare _owner: Owner | undefined;
  declare _status: DeviceStatusResponse | undefined;
  declare _station: StationInfo | undefined;
  declare _problem: string | undefined;
  declare _notice: string | undefined;
  declare _newToken: string | undefined;
  declare _busy: boolean;

  constructor() {
    super();
    this._lang = initialLang();
    this._busy = false;
  }

  override createRenderRoot() {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    applyLang(this._lang);
    // The personal link carries the credentials in its fragment, never sent to a server; it is
    // taken out of the address bar at once so that it is not left in the history of the tab.
    const params = new URLSearchParams(location.hash.slice(1));
    const id = params.get('device');
    const token = params.get('token');
    if (id && token) {
      history.replaceState(history.state, '', location.pathname + location.search);
      void this.#signIn({ id, token });
    }
  }

  #w = (key: MyKey, params?: Record<string, string | number>) => mt(this._lang, key, params);

  #switchLang = () => {
    this._lang = this._lang === 'fr' ? 'en' : 'fr';
    applyLang(this._lang);
  };

  #api(path: string, init: RequestInit = {}, owner = this._owner!): Promise<Response> {
    return fetch(new URL(`./api/v1/${path}`, document.baseURI), {
      ...init,
      headers: { Authorization: `Bearer ${owner.token}`, ...(init.headers ?? {}) },
    });
  }

  /** Loads the status with these credentials; on success they become the session's. */
  async #signIn(owner: Owner): Promise<void> {
    this._problem = undefined;
    this._busy = true;
    try {
      const res = await this.#api(`devices/${encodeURIComponent(owner.id)}/status`, {}, owner);
      if (res.status === 401) this._problem = this.#w('badLogin');
      else if (res.status === 429)
        this._problem = this.#w('tooMany', { s: res.headers.get('Retry-After') ?? '60' });
      else if (!res.ok) this._problem = `HTTP ${res.status}`;
      else {
        this._status = (await res.json()) as DeviceStatusResponse;
        this._owner = owner;
        const station = await fetch(
          new URL(`./api/v1/stations/${encodeURIComponent(owner.id)}`, document.baseURI),
        );
        const s = (await station.json()) as { name: string; exactLocation?: boolean; exposure?: string };
        this._station = {
          name: s.name,
          exactLocation: s.exactLocation === true,
          exposure: s.exposure === 'indoor' ? 'indoor' : 'outdoor',
          homeAssistant: this._status.homeAssistant === true,
        };
      }
    } catch {
      this._problem = this.#w('network');
    } finally {
      this._busy = false;
    }
    await this.updateComplete;
    this.querySelector<HTMLElement>(this._owner ? '#my-title' : '#my-problem')?.focus();
  }

  #signOut(notice?: string): void {
    this._owner = this._status = this._station = this._newToken = undefined;
    this._notice = notice;
  }

  async #save(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const lat = String(data.get('lat') ?? '').trim();
    const lon = String(data.get('lon') ?? '').trim();
    const body = {
      name: String(data.get('name') ?? '').trim(),
      exactLocation: data.get('exact') === 'on',
      exposure: data.get('exposure') === 'indoor' ? 'indoor' : 'outdoor',
      homeAssistant: data.get('ha') === 'on',
      // Both or neither: the API says so when only one is given.
      ...(lat === '' ? {} : { lat: Number(lat) }),
      ...(lon === '' ? {} : { lon: Number(lon) }),
    };
    const res = await this.#api(`my/${encodeURIComponent(this._owner!.id)}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as StationInfo & { error?: { message: string } };
    if (res.ok) {
      this._station = {
        name: answer.name,
        exactLocation: answer.exactLocation,
        exposure: answer.exposure,
        homeAssistant: answer.homeAssistant,
      };
      form
        .querySelectorAll<HTMLInputElement>('input[name="lat"], input[name="lon"]')
        .forEach((i) => (i.value = ''));
      this._notice = this.#w('saved');
    } else this._notice = answer.error?.message ?? `HTTP ${res.status}`;
  }

  async #rotate(): Promise<void> {
    const res = await this.#api(`my/${encodeURIComponent(this._owner!.id)}/token`, { method: 'POST' });
    if (!res.ok) {
      this._notice = `HTTP ${res.status}`;
      return;
    }
    const { token } = (await res.json()) as { token: string };
    this._owner = { ...this._owner!, token };
    this._newToken = token;
    await this.updateComplete;
    this.querySelector<HTMLInputElement>('#my-new-token')?.focus();
  }

  async #delete(e: Event): Promise<void> {
    e.preventDefault();
    const id = this._owner!.id;
    const typed = String(new FormData(e.target as HTMLFormElement).get('confirm') ?? '').trim();
    if (typed !== id) {
      this._notice = this.#w('deleteMismatch', { id });
      return;
    }
    const res = await this.#api(`my/${encodeURIComponent(id)}?confirm=${encodeURIComponent(typed)}`, {
      method: 'DELETE',
    });
    if (res.status === 204) this.#signOut(this.#w('deleted', { id }));
    else this._notice = `HTTP ${res.status}`;
  }

  override render() {
    document.title = this.#w('title');
    return html`<a class="skip-link" href="#main"
        >${this._lang === 'fr' ? 'Aller au contenu' : 'Skip to content'}</a
      >
      ${renderHeader(this._lang, 'my', this.#switchLang)}
      <main id="main" tabindex="-1" class="join my">
        ${this._owner && this._status ? this.#renderOwner() : this.#renderSignIn()}
      </main>
      ${renderFooter(this._lang)}`;
  }

  #renderSignIn() {
    const w = this.#w;
    return html`<section class="hero">
        <h1>${w('heading')}</h1>
        <p>${w('intro')}</p>
      </section>
      ${this._notice ? html`<p class="success" role="status">${this._notice}</p>` : nothing}
      ${
        this._problem
          ? html`<p class="notice notice--error" id="my-problem" tabindex="-1" role="alert">
              ${this._problem}
            </p>`
          : nothing
      }
      <form
        class="join-form"
        @submit=${(e: Event) => {
          e.preventDefault();
          const data = new FormData(e.target as HTMLFormElement);
          const id = String(data.get('id') ?? '').trim();
          const token = String(data.get('token') ?? '').trim();
          if (!id || !token) {
            this._problem = `${w(!id ? 'id' : 'token')} : ${w('required')}`;
            return;
          }
          void this.#signIn({ id, token });
        }}
      >
        <div class="field">
          <label for="my-id">${w('id')}</label>
          <input id="my-id" name="id" autocomplete="username" spellcheck="false" autocapitalize="none" />
        </div>
        <div class="field">
          <label for="my-token">${w('token')}</label>
          <input
            id="my-token"
            name="token"
            type="password"
            autocomplete="current-password"
            spellcheck="false"
          />
        </div>
        <p><button class="button" type="submit" ?disabled=${this._busy}>${w('signIn')}</button></p>
      </form>`;
  }

  #time(iso: string | null): string {
    if (!iso) return this.#w('never');
    return new Date(iso).toLocaleString(this._lang === 'fr' ? 'fr-FR' : 'en-GB', {
      dateStyle: 'medium',
      timeStyle: 'short',
    });
  }

  #renderOwner() {
    const w = this.#w;
    const s = this._status!;
    const id = this._owner!.id;
    const station = this._station;
    return html`<section class="hero">
        <h1 id="my-title" tabindex="-1">${station?.name ?? id}</h1>
        <p class="muted">
          ${id} ·
          <button type="button" class="button button--secondary" @click=${() => this.#signOut()}>
            ${w('signOut')}
          </button>
        </p>
      </section>
      ${this._notice ? html`<p class="success" role="status">${this._notice}</p>` : nothing}
      <section aria-labelledby="my-status">
        <h2 id="my-status">${w('statusTitle')}</h2>
        <p class="my-status my-status--${s.status}">${w(`status.${s.status}`)}</p>
        <dl class="settings">
          <div>
            <dt>${w('lastSeen')}</dt>
            <dd>${this.#time(s.lastSeen)}</dd>
          </div>
          <div>
            <dt>${w('lastReading')}</dt>
            <dd>${this.#time(s.lastReading)}</dd>
          </div>
          <div>
            <dt>${w('valuesToday')}</dt>
            <dd>${s.valuesToday}</dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="my-values">
        <h2 id="my-values">${w('valuesTitle')}</h2>
        <souffle-card station=${id} lang=${this._lang}></souffle-card>
      </section>
      <section aria-labelledby="my-chart">
        <h2 id="my-chart">${w('chartTitle')}</h2>
        <souffle-chart station=${id} phenomenon="pm25" range="24h" compare lang=${this._lang}></souffle-chart>
      </section>
      <section aria-labelledby="my-errors">
        <h2 id="my-errors">${w('errorsTitle')}</h2>
        ${
          s.errors.length === 0
            ? html`<p>${w('errorsNone')}</p>`
            : html`<p class="muted">${w('errorsIntro')}</p>
                <div class="table-scroll" role="region" aria-labelledby="my-errors" tabindex="0">
                  <table class="error-log">
                    <thead>
                      <tr>
                        <th scope="col">${w('when')}</th>
                        <th scope="col">${w('reason')}</th>
                        <th scope="col">${w('sent')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${s.errors.map(
                        (e) =>
                          html`<tr>
                            <td>${this.#time(e.time)}</td>
                            <td>${e.reason}</td>
                            <td><code>${e.payload ?? ''}</code></td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
        }
      </section>
      <section aria-labelledby="my-settings">
        <h2 id="my-settings">${w('settingsTitle')}</h2>
        <form class="join-form" @submit=${(e: Event) => this.#save(e)}>
          <div class="field">
            <label for="my-name">${w('name')}</label>
            <input id="my-name" name="name" maxlength="100" .value=${station?.name ?? ''} />
          </div>
          <label class="checkbox"
            ><input
              type="checkbox"
              name="exact"
              .checked=${station?.exactLocation === true}
            />${w('exact')}</label
          >
          <fieldset class="segmented">
            <legend>${w('exposure')}</legend>
            ${(['outdoor', 'indoor'] as const).map(
              (x) =>
                html`<label
                  ><input type="radio" name="exposure" value=${x} .checked=${station?.exposure === x} /><span
                    >${w(`exposure.${x}`)}</span
                  ></label
                >`,
            )}
          </fieldset>
          <label class="checkbox"
            ><input type="checkbox" name="ha" .checked=${station?.homeAssistant === true} />${w(
              'homeAssistant',
            )}</label
          >
          <fieldset>
            <legend>${w('move')}</legend>
            <p id="my-move-intro">${w('moveIntro')}</p>
            <div class="field">
              <label for="my-lat">${w('lat')}</label>
              <input
                id="my-lat"
                name="lat"
                type="number"
                step="any"
                min="-90"
                max="90"
                inputmode="decimal"
                aria-describedby="my-move-intro"
              />
            </div>
            <div class="field">
              <label for="my-lon">${w('lon')}</label>
              <input
                id="my-lon"
                name="lon"
                type="number"
                step="any"
                min="-180"
                max="180"
                inputmode="decimal"
                aria-describedby="my-move-intro"
              />
            </div>
          </fieldset>
          <p><button class="button" type="submit">${w('save')}</button></p>
        </form>
      </section>
      <section aria-labelledby="my-token-title">
        <h2 id="my-token-title">${w('tokenTitle')}</h2>
        <p>${w('tokenIntro')}</p>
        <p>
          <button class="button button--secondary" type="button" @click=${() => this.#rotate()}>
            ${w('rotate')}
          </button>
        </p>
        ${
          this._newToken
            ? html`<div class="field">
                <label for="my-new-token">${w('newToken')}</label>
                <input id="my-new-token" readonly spellcheck="false" .value=${this._newToken} />
              </div>`
            : nothing
        }
      </section>
      <section aria-labelledby="my-data">
        <h2 id="my-data">${w('dataTitle')}</h2>
        <p>
          <a
            class="button button--secondary"
            href="./api/v1/export?station=${encodeURIComponent(id)}&format=csv"
            >${w('download')}</a
          >
        </p>
      </section>
      <souffle-my-alerts device=${id} .token=${this._owner!.token} lang=${this._lang}></souffle-my-alerts>
      <section aria-labelledby="my-delete">
        <h2 id="my-delete">${w('deleteTitle')}</h2>
        <form class="join-form" @submit=${(e: Event) => this.#delete(e)}>
          <p id="my-delete-intro">${w('deleteIntro')} <code>${id}</code></p>
          <div class="field">
            <label for="my-confirm">${w('deleteConfirm')}</label>
            <input
              id="my-confirm"
              name="confirm"
              autocomplete="off"
              spellcheck="false"
              aria-describedby="my-delete-intro"
            />
          </div>
          <p><button class="button button--danger" type="submit">${w('delete')}</button></p>
        </form>
      </section>`;
  }
}

customElements.define('souffle-my', SouffleMy);
