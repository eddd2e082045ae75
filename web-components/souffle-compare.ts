// <souffle-compare station="…" phenomenon="pm25" range="7d|30d" reference="…">: a citizen sensor
// beside its reference station (GET /compare): which station and why, both hourly series (and the
// corrected one when a calibration applies) on one chart, and how well they agree in plain words,
// with the figures in a table. Loaded lazily with chart.js (lazy-elements.ts), like <souffle-chart>.
import { LitElement, css, html, nothing } from 'lit';
import type { CompareResponse } from '../data/api-types.js';
import { api, apiBaseFor } from './api-client.js';
import { buildChartConfig, type XY } from './chart-config.js';
import type { Chart } from './chart-setup.js';
import { chartStyles } from './chart-styles.js';
import { agreementSentences, cw, distanceWords, typeWords } from './compare-words.js';
import { DataController } from './data-controller.js';
import { formatNumber, parseRefresh, unitLabel } from './format.js';
import { longLabel, resolveLang, type Lang } from './i18n.js';
import { baseStyles, renderError, renderLoading, renderMissingStation } from './styles.js';

const RANGES = { '7d': 7, '30d': 30 } as const;
type CompareRange = keyof typeof RANGES;
const toCompareRange = (v: string | undefined): CompareRange => (v === '30d' ? '30d' : '7d');
const HOUR_MS = 3_600_000;
const CORRECTED_COLOUR = '#0f7b3f';

export class SouffleCompare extends LitElement {
  static override properties = {
    station: { type: String },
    phenomenon: { type: String },
    range: { type: String },
    reference: { type: String },
    api: { type: String },
    refresh: { type: String },
    lang: { type: String },
  };

  declare station: string | undefined;
  declare phenomenon: string;
  declare range: string | undefined;
  declare reference: string | undefined;
  declare api: string | undefined;
  declare refresh: string | undefined;

  #chart: Chart<'line', XY[]> | undefined;
  #generation = 0;

  #data = new DataController<{ body: CompareResponse; from: number; to: number; range: CompareRange }>(this, {
    key: () =>
      this.station
        ? [
            apiBaseFor(this.api),
            this.station,
            this.phenomenon,
            toCompareRange(this.range),
            this.reference,
          ].join(' ')
        : undefined,
    load: async (signal) => {
      const range = toCompareRange(this.range);
      // Whole hours: the last completed one is the newest hourly mean.
      const to = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
      const from = to - RANGES[range] * 24 * HOUR_MS;
      const body = await api.compare(
        apiBaseFor(this.api),
        this.station!,
        { phenomenon: this.phenomenon, from, to, reference: this.reference },
        signal,
      );
      return { body, from, to, range };
    },
    refreshMs: () => parseRefresh(this.refresh),
  });

  constructor() {
    super();
    this.phenomenon = 'pm25';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#chart?.destroy();
    this.#chart = undefined;
  }

  override render() {
    const lang = resolveLang(this);
    if (!this.station) return renderMissingStation(lang);
    const range = toCompareRange(this.range);
    const title = html`<header part="header">
      <h2 part="title">
        ${cw(lang, 'title')} <span class="muted">· ${longLabel(this.phenomenon, lang)}</span>
      </h2>
      <div class="ranges" role="group" aria-label=${cw(lang, 'range')} part="range">
        ${(Object.keys(RANGES) as CompareRange[]).map(
          (r) =>
            html`<button
              type="button"
              aria-pressed=${r === range ? 'true' : 'false'}
              @click=${() => (this.range = r)}
            >
              ${cw(lang, `range.${r}`)}
            </button>`,
        )}
      </div>
    </header>`;
    const state = this.#data.state;
    if (state.status === 'idle' || state.status === 'loading')
      return html`<section part="compare">${title}${renderLoading(lang)}</section>`;
    if (state.status === 'error')
      return html`<section part="compare">${title}${renderError(state.error, lang, this.station)}</section>`;
    const { body } = state.data;
    const ref = body.reference;
    const hasData = body.points.some((p) => p.value !== null || p.reference !== null);
    return html`<section part="compare">
      ${title} ${this.#renderChoice(body, lang)}
      ${
        ref
          ? html`<div
              class="plot"
              role="img"
              aria-label=${cw(lang, 'chartLabel', { name: ref.station.name, range: cw(lang, `range.${range}`) })}
            >
              <canvas part="canvas"></canvas>
              ${hasData ? nothing : html`<p class="empty muted">${cw(lang, 'noData')}</p>`}
            </div>`
          : nothing
      }
      ${this.#renderAgreement(body, lang)}
    </section>`;
  }

  #renderChoice(body: CompareResponse, lang: Lang) {
    const c = body.choice;
    const ref = body.reference;
    if (!ref) {
      const o = c.nearestOutside;
      return html`<p class="choice" part="choice">
        ${cw(lang, 'none', { distance: distanceWords(c.radiusMetres, lang) })}
        ${
          o
            ? cw(lang, 'noneNearest', {
                name: o.name,
                type: typeWords(o.stationType, lang),
                distance: distanceWords(o.distanceMetres, lang),
              })
            : nothing
        }
      </p>`;
    }
    const words = {
      name: ref.station.name,
      type: typeWords(ref.stationType, lang),
      distance: distanceWords(ref.distanceMetres, lang),
    };
    return html`<p class="choice" part="choice">
      ${cw(lang, c.how === 'asked' ? 'chosenAsked' : 'chosen', words)}
      ${c.passedOver.map((p) =>
        cw(lang, p.reason === 'unknown-type' ? 'passedOverUnknown' : 'passedOverRoad', {
          name: p.name,
          type: typeWords(p.stationType, lang),
          distance: distanceWords(p.distanceMetres, lang),
        }),
      )}
    </p>`;
  }

  #renderAgreement(body: CompareResponse, lang: Lang) {
    const [lead, ...items] = agreementSentences(body, lang);
    if (!lead) return nothing;
    const h = body.metrics.hourly;
    const d = body.metrics.daily;
    const c = body.correction?.metrics.hourly;
    const num = (v: number | null, decimals = 2) => (v === null ? '–' : formatNumber(v, lang, decimals));
    const rows = [
      ['stat.n', (a: typeof h) => String(a.n)],
      ['stat.bias', (a: typeof h) => num(a.bias)],
      ['stat.mae', (a: typeof h) => num(a.mae)],
      ['stat.rmse', (a: typeof h) => num(a.rmse)],
      ['stat.r2', (a: typeof h) => num(a.r2)],
      ['stat.slope', (a: typeof h) => num(a.slope)],
      ['stat.intercept', (a: typeof h) => num(a.intercept)],
    ] as const;
    const unit = unitLabel(body.unit);
    return html`<div class="agreement" part="agreement">
      <p>${lead}</p>
      ${
        items.length
          ? html`<ul>
              ${items.map((s) => html`<li>${s}</li>`)}
            </ul>`
          : nothing
      }
      ${
        h.enough
          ? html`<details part="table">
              <summary>${cw(lang, 'figures')}</summary>
              <div class="table-wrap">
                <table>
                  <caption class="sr-only">
                    ${cw(lang, 'figures')} (${unit})
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">${cw(lang, 'statistic')}</th>
                      <th scope="col">${cw(lang, 'hourly')}${c ? ` (${cw(lang, 'raw')})` : ''}</th>
                      ${c ? html`<th scope="col">${cw(lang, 'hourly')} (${cw(lang, 'correctedShort')})</th>` : nothing}
                      <th scope="col">${cw(lang, 'days')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${rows.map(
                      ([key, get]) =>
                        html`<tr>
                          <th scope="row">${cw(lang, key)}</th>
                          <td>${get(h)}</td>
                          ${c ? html`<td>${get(c)}</td>` : nothing}
                          <td>${get(d)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
            </details>`
          : nothing
      }
    </div>`;
  }

  override async updated(): Promise<void> {
    const state = this.#data.state;
    const canvas = this.renderRoot.querySelector('canvas');
    const ref = state.status === 'ready' ? state.data.body.reference : null;
    if (state.status !== 'ready' || !canvas || !ref) {
      this.#chart?.destroy();
      this.#chart = undefined;
      return;
    }
    const { body, from, to, range } = state.data;
    const lang = resolveLang(this);
    const style = getComputedStyle(this);
    const read = (name: string) => style.getPropertyValue(name).trim() || undefined;
    const config = buildChartConfig({
      phenomenon: this.phenomenon,
      unit: unitLabel(body.unit),
      range,
      from,
      to,
      points: body.points.map((p) => ({ t: p.t, value: p.value })),
      reference: {
        name: ref.station.name,
        distanceMetres: ref.distanceMetres,
        points: body.points.map((p) => ({ t: p.t, value: p.reference })),
      },
      scheme: 'eaqi',
      lang,
      colours: {
        line: read('--souffle-accent'),
        reference: read('--souffle-reference'),
        who: read('--souffle-who'),
      },
    });
    // Hourly means over 30 days too: lines without dots.
    for (const ds of config.data.datasets) ds.pointRadius = 0;
    if (body.correction) {
      const colour = read('--souffle-corrected') ?? CORRECTED_COLOUR;
      config.data.datasets.splice(1, 0, {
        label: cw(lang, 'correctedLine'),
        data: body.points.map((p) => ({ x: p.t, y: p.corrected ?? null })),
        borderColor: colour,
        backgroundColor: colour,
        borderWidth: 2,
        pointRadius: 0,
        tension: 0.2,
        spanGaps: false,
      });
    }
    const generation = ++this.#generation;
    const { createChart } = await import('./chart-setup.js');
    if (generation !== this.#generation || !this.isConnected || !canvas.isConnected) return;
    this.#chart?.destroy();
    this.#chart = createChart(canvas, config);
    this.dispatchEvent(new CustomEvent('souffle-chart-ready', { bubbles: true, composed: true }));
  }

  static override styles = [
    baseStyles,
    chartStyles,
    css`
      .choice {
        margin: 0 0 0.75rem;
      }
      .agreement {
        margin-top: 0.75rem;
      }
      .agreement p {
        margin: 0 0 0.25rem;
      }
      .agreement ul {
        margin: 0 0 0.5rem;
        padding-left: 1.2em;
      }
    `,
  ];
}

if (!customElements.get('souffle-compare')) customElements.define('souffle-compare', SouffleCompare);

declare global {
  interface HTMLElementTagNameMap {
    'souffle-compare': SouffleCompare;
  }
}
