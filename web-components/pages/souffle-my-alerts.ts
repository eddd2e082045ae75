// <souffle-my-alerts>: the "Mes alertes" section of /my. The owner adds an alert on their sensor
// (silent for N minutes, stuck, rejected messages) by e-mail or webhook, sees each alert's state
// and the notices it sent, and deletes one (docs/citizens.md, "Alertes"). Given the signed-in
// device's id and token by <souffle-my>; light DOM, like the page.
import { LitElement, html, nothing } from 'lit';
import type { Lang } from '../i18n.js';

type Delivery = { time: string; event: string; channel: string; status: string; attempts: number };
type Rule = {
  id: string;
  kind: 'offline' | 'stuck' | 'rejections';
  threshold: number | null;
  windowSeconds: number | null;
  channel: 'email' | 'webhook';
  target: string;
  confirmed: boolean;
  active: boolean;
  history?: Delivery[];
};

const WORDS = {
  fr: {
    title: 'Mes alertes',
    intro:
      'Recevez un message quand votre capteur se tait, se bloque ou voit ses messages refusés : un au début de l’épisode, un à la fin.',
    kind: 'Prévenir quand',
    'kind.offline': 'le capteur se tait',
    'kind.stuck': 'le capteur est bloqué (même valeur répétée)',
    'kind.rejections': 'des messages sont refusés',
    minutes: 'Après combien de minutes de silence',
    threshold: 'Plus de combien de messages refusés en une heure',
    channel: 'Par',
    'channel.email': 'e-mail',
    'channel.webhook': 'webhook',
    email: 'Adresse e-mail (un lien de confirmation vous sera envoyé)',
    webhookUrl: 'Adresse du webhook (https://…)',
    add: 'Ajouter l’alerte',
    none: 'Aucune alerte pour l’instant.',
    added: 'Alerte ajoutée.',
    addedEmail: 'Alerte ajoutée : confirmez l’adresse avec le lien reçu par e-mail.',
    secret: 'Clé de signature du webhook (affichée une seule fois)',
    unconfirmed: 'en attente de confirmation de l’adresse',
    active: 'épisode en cours',
    quiet: 'rien à signaler',
    remove: 'Supprimer',
    removed: 'Alerte supprimée.',
    history: 'Messages envoyés',
    noHistory: 'Aucun message pour l’instant.',
    'event.confirm': 'confirmation',
    'event.start': 'début',
    'event.end': 'fin',
    'status.sent': 'envoyé',
    'status.pending': 'en attente',
    'status.failed': 'échec',
    when: 'Quand',
    event: 'Message',
    via: 'Canal',
    status: 'État',
    network: 'Le serveur ne répond pas : réessayez.',
  },
  en: {
    title: 'My alerts',
    intro:
      'Get a message when your sensor goes silent, gets stuck or has its messages rejected: one when the episode starts, one when it ends.',
    kind: 'Tell me when',
    'kind.offline': 'the sensor goes silent',
    'kind.stuck': 'the sensor is stuck (one value repeated)',
    'kind.rejections': 'messages are rejected',
    minutes: 'After how many minutes of silence',
    threshold: 'More than how many rejected messages in an hour',
    channel: 'By',
    'channel.email': 'e-mail',
    'channel.webhook': 'webhook',
    email: 'E-mail address (a confirmation link will be sent to it)',
    webhookUrl: 'Webhook address (https://…)',
    add: 'Add the alert',
    none: 'No alert yet.',
    added: 'Alert added.',
    addedEmail: 'Alert added: confirm the address with the link sent to it.',
    secret: 'The webhook’s signing key (shown this once)',
    unconfirmed: 'waiting for the address to be confirmed',
    active: 'episode under way',
    quiet: 'nothing to report',
    remove: 'Delete',
    removed: 'Alert deleted.',
    history: 'Messages sent',
    noHistory: 'No message yet.',
    'event.confirm': 'confirmation',
    'event.start': 'start',
    'event.end': 'end',
    'status.sent': 'sent',
    'status.pending': 'pending',
    'status.failed': 'failed',
    when: 'When',
    event: 'Message',
    via: 'Channel',
    status: 'State',
    network: 'The server does not answer: try again.',
  },
} as const;

type Key = keyof (typeof WORDS)['fr'];

export class SouffleMyAlerts extends LitElement {
  static override properties = {
    device: { type: String },
    token: { type: String },
    lang: { type: String },
    _rules: { state: true },
    _kind: { state: true },
    _channel: { state: true },
    _problem: { state: true },
    _notice: { state: true },
    _secret: { state: true },
  };

  declare device: string;
  declare token: string;
  declare lang: Lang;
  declare _rules: Rule[] | undefined;
  declare _kind: Rule['kind'];
  declare _channel: Rule['channel'];
  declare _problem: string | undefined;
  declare _notice: string | undefined;
  declare _secret: string | undefined;

  constructor() {
    super();
    this.lang = 'fr';
    this._kind = 'offline';
    this._channel = 'email';
  }

  override createRenderRoot() {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  #w = (key: Key) => WORDS[this.lang === 'en' ? 'en' : 'fr'][key];

  #api(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(new URL(`./api/v1/my/${encodeURIComponent(this.device)}/alerts${path}`, document.baseURI), {
      ...init,
      headers: { Authorization: `Bearer ${this.token}`, ...(init.headers ?? {}) },
    });
  }

  async #load(): Promise<void> {
    try {
      const res = await this.#api('');
      if (res.ok) this._rules = ((await res.json()) as { rules: Rule[] }).rules;
    } catch {
      this._problem = this.#w('network');
    }
  }

  async #add(e: Event): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const target = String(data.get('target') ?? '').trim();
    const body: Record<string, unknown> = { kind: this._kind, locale: this.lang === 'en' ? 'en' : 'fr' };
    if (this._kind === 'offline') body.afterSeconds = Math.round(Number(data.get('minutes') ?? 60) * 60);
    if (this._kind === 'rejections') body.threshold = Number(data.get('threshold') ?? 10);
    body[this._channel === 'email' ? 'email' : 'webhookUrl'] = target;
    this._problem = this._notice = this._secret = undefined;
    try {
      const res = await this.#api('', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await res.json()) as { webhookSecret?: string | null; error?: { message: string } };
      if (!res.ok) {
        // The API names the field and the reason (api-error.ts); shown as it is.
        this._problem = answer.error?.message ?? `HTTP ${res.status}`;
      } else {
        this._notice = this.#w(this._channel === 'email' ? 'addedEmail' : 'added');
        this._secret = answer.webhookSecret ?? undefined;
        (e.target as HTMLFormElement).reset();
        await this.#load();
      }
    } catch {
      this._problem = this.#w('network');
    }
    await this.updateComplete;
    this.querySelector<HTMLElement>(this._problem ? '#alert-problem' : '#alert-notice')?.focus();
  }

  async #remove(rule: Rule): Promise<void> {
    const res = await this.#api(`/${encodeURIComponent(rule.id)}`, { method: 'DELETE' });
    if (res.ok) {
      this._notice = this.#w('removed');
      await this.#load();
    }
  }

  #describe(r: Rule): string {
    const what = this.#w(`kind.${r.kind}`);
    if (r.kind === 'offline' && r.windowSeconds) return `${what} (${Math.round(r.windowSeconds / 60)} min)`;
    if (r.kind === 'rejections' && r.threshold) return `${what} (> ${r.threshold})`;
    return what;
  }

  #renderRule(r: Rule) {
    const state = !r.confirmed ? this.#w('unconfirmed') : r.active ? this.#w('active') : this.#w('quiet');
    const history = r.history ?? [];
    return html`<li class="alert-rule">
      <p>
        <strong>${this.#describe(r)}</strong> · ${this.#w(`channel.${r.channel}`)} <code>${r.target}</code> ·
        ${state}
      </p>
      <details>
        <summary>${this.#w('history')}</summary>
        ${
          history.length === 0
            ? html`<p>${this.#w('noHistory')}</p>`
            : html`<table>
                <thead>
                  <tr>
                    <th scope="col">${this.#w('when')}</th>
                    <th scope="col">${this.#w('event')}</th>
                    <th scope="col">${this.#w('via')}</th>
                    <th scope="col">${this.#w('status')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${history.map(
                    (d) =>
                      html`<tr>
                        <td>${new Date(d.time).toLocaleString(this.lang === 'en' ? 'en-GB' : 'fr-FR')}</td>
                        <td>${this.#w(`event.${d.event}` as Key) ?? d.event}</td>
                        <td>${d.channel}</td>
                        <td>${this.#w(`status.${d.status}` as Key) ?? d.status}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </details>
      <p>
        <button
          class="button button--secondary"
          type="button"
          aria-label=${`${this.#w('remove')} : ${this.#describe(r)}`}
          @click=${() => this.#remove(r)}
        >
          ${this.#w('remove')}
        </button>
      </p>
    </li>`;
  }

  override render() {
    const w = this.#w;
    return html`<section aria-labelledby="my-alerts-title">
      <h2 id="my-alerts-title">${w('title')}</h2>
      <p>${w('intro')}</p>
      ${
        this._rules === undefined
          ? nothing
          : this._rules.length === 0
            ? html`<p>${w('none')}</p>`
            : html`<ul class="alert-rules">
                ${this._rules.map((r) => this.#renderRule(r))}
              </ul>`
      }
      <form class="join-form" @submit=${(e: Event) => this.#add(e)}>
        <div class="field">
          <label for="alert-kind">${w('kind')}</label>
          <select
            id="alert-kind"
            name="kind"
            @change=${(e: Event) => (this._kind = (e.target as HTMLSelectElement).value as Rule['kind'])}
          >
            ${(['offline', 'stuck', 'rejections'] as const).map(
              (k) => html`<option value=${k} ?selected=${this._kind === k}>${w(`kind.${k}`)}</option>`,
            )}
          </select>
        </div>
        ${
          this._kind === 'offline'
            ? html`<div class="field">
                <label for="alert-minutes">${w('minutes')}</label>
                <input
                  id="alert-minutes"
                  name="minutes"
                  type="number"
                  min="1"
                  max="43200"
                  value="60"
                  required
                />
              </div>`
            : nothing
        }
        ${
          this._kind === 'rejections'
            ? html`<div class="field">
                <label for="alert-threshold">${w('threshold')}</label>
                <input
                  id="alert-threshold"
                  name="threshold"
                  type="number"
                  min="1"
                  max="100000"
                  value="10"
                  required
                />
              </div>`
            : nothing
        }
        <fieldset class="segmented">
          <legend>${w('channel')}</legend>
          ${(['email', 'webhook'] as const).map(
            (c) =>
              html`<label
                ><input
                  type="radio"
                  name="channel"
                  value=${c}
                  .checked=${this._channel === c}
                  @change=${() => (this._channel = c)}
                /><span>${w(`channel.${c}`)}</span></label
              >`,
          )}
        </fieldset>
        <div class="field">
          <label for="alert-target">${w(this._channel === 'email' ? 'email' : 'webhookUrl')}</label>
          <input
            id="alert-target"
            name="target"
            type=${this._channel === 'email' ? 'email' : 'url'}
            autocomplete=${this._channel === 'email' ? 'email' : 'off'}
            maxlength="2000"
            required
          />
        </div>
        <p><button class="button" type="submit">${w('add')}</button></p>
      </form>
      ${
        this._problem
          ? html`<p id="alert-problem" class="notice notice--error" role="alert" tabindex="-1">
              ${this._problem}
            </p>`
          : nothing
      }
      ${
        this._notice
          ? html`<p id="alert-notice" class="notice" role="status" tabindex="-1">${this._notice}</p>`
          : nothing
      }
      ${
        this._secret
          ? html`<div class="field">
              <label for="alert-secret">${w('secret')}</label>
              <input id="alert-secret" readonly spellcheck="false" .value=${this._secret} />
            </div>`
          : nothing
      }
    </section>`;
  }
}

customElements.define('souffle-my-alerts', SouffleMyAlerts);
