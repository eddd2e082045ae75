// <souffle-chart station="…" phenomenon="pm25" range="24h|7d|30d|1y" compare>: a time series of
// hourly (24 h, 7 days) or daily (30 days, 1 year) means, with the WHO guideline as a line, the
// index bands as background, and with `compare` the nearest AtmoSud station. Only valid means are
// drawn (45 minutes of an hour, 75 % of a local day's hours: docs/methods.md); the table lists the
// others marked incomplete. Daily means are the API's (step=1d), never averaged here. chart.js is
// imported when the first chart renders; the data are also given as a table for screen readers
// and anyone who prefers numbers.
import { LitElement, html, nothing } from 'lit';
import type { CompareResponse, SeriesResponse } from '../data/api-types.js';
import { ApiError, api, apiBaseFor } from './api-client.js';
import {
  RANGE_NAMES,
  buildChartConfig,
  rangeWindow,
  summary,
  toRange,
  type ChartRange,
  type XY,
} from './chart-config.js';
import type { Chart } from './chart-setup.js';
import { chartStyles } from './chart-styles.js';
import { DataController } from './data-controller.js';
import { formatReading, formatTime, parseRefresh, unitLabel } from './format.js';

/** " (µg/m³)" after a heading; nothing for a dimensionless index. */
const unitSuffix = (unit: string) => (unitLabel(unit) ? `(${unitLabel(unit)})` : '');
import { ct } from './chart-messages.js';
import { longLabel, resolveLang, shortLabel, t, type Lang } from './i18n.js';
import { toScheme } from './souffle-index.js';
import { baseStyles, renderError, renderLoading, renderMissingStation } from './styles.js';

type ChartData = {
  range: ChartRange;
  from: number;
  to: number;
  series: SeriesResponse;
  compare: CompareResponse | null;
  /** Daily charts: the compared AtmoSud station's own daily values (step=1d). */
  referenceDaily: SeriesResponse | null;
};

/** The points to draw: valid means only, a gap elsewhere. */
const drawable = (points: SeriesResponse['points']) =>
  points.map((p) => ({ t: p.t, value: p.valid === false ? null : p.value }));

export class SouffleChart extends LitElement {
  static override properties = {
    station: { type: String },
    phenomenon: { type: String },
    range: { type: String },
    compare: { type: Boolean },
    scheme: { type: String },
    api: { type: String },
    refresh: { type: String },
    lang: { type: String },
  };

  declare station: string | undefined;
  declare phenomenon: string;
  declare range: string | undefined;
  declare compare: boolean;
  declare scheme: string | undefined;
  declare api: string | undefined;
  declare refresh: string | undefined;

  #chart: Chart<'line', XY[]> | undefined;
  #generation = 0;
  #connected = false;

  #data = new DataController<ChartData>(this, {
    key: () =>
      this.station
        ? [apiBaseFor(this.api), this.station, this.phenomenon, toRange(this.range), this.compare].join(' ')
        : undefined,
    load: async (signal) => {
      const base = apiBaseFor(this.api);
      const range = toRange(this.range);
      const { from, to, step } = rangeWindow(range, Date.now());
      const [series, compare] = await Promise.all([
        api.series(base, this.station!, { phenomenon: this.phenomenon, from, to, step }, signal),
        this.compare
          ? api.compare(base, this.station!, { phenomenon: this.phenomenon, from, to }, signal)
          : null,
      ]);
      // Daily charts compare with the reference station's own daily values, computed by the API
      // under the same rules, rather than averaging hourly comparison points here.
      const referenceDaily =
        step === '1d' && compare?.reference
          ? await api.series(
              base,
              compare.reference.station.id,
              { phenomenon: this.phenomenon, from, to, step },
              signal,
            )
          : null;
      return { range, from, to, series, compare, referenceDaily };
    },
    refreshMs: () => parseRefresh(this.refresh),
  });

  constructor() {
    super();
    this.phenomenon = 'pm25';
    this.compare = false;
  }

  /** The chart.js instance once drawn (for integrators who need more than attributes). */
  get chartInstance(): Chart<'line', XY[]> | undefined {
    return this.#chart;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#connected = true;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#connected = false;
    this.#chart?.destroy();
    this.#chart = undefined;
  }

  /** The measured values when the series is corrected (a calibration applies), else null. */
  #rawPoints(data: ChartData) {
    if (!data.series.corrected) return null;
    return drawable(data.series.points.map((p) => ({ ...p, value: p.raw ?? p.value })));
  }

  /** The compared station's points at the chart's step (the compare endpoint gives hourly means). */
  #referencePoints(data: ChartData) {
    const c = data.compare;
    if (!c?.reference) return null;
    const points = data.referenceDaily
      ? drawable(data.referenceDaily.points)
      : c.points.map((p) => ({ t: p.t, value: p.reference }));
    return { name: c.reference.station.name, distanceMetres: c.reference.distanceMetres, points };
  }

  override render() {
    const lang = resolveLang(this);
    if (!this.station) return renderMissingStation(lang);
    const state = this.#data.state;
    const range = toRange(this.range);
    const title = html`<header part="header">
      <h2 part="title">
        ${longLabel(this.phenomenon, lang)}
        <span class="muted"
          >· ${ct(lang, range === '30d' || range === '1y' ? 'dailyMeans' : 'hourlyMeans')}</span
        >
      </h2>
      <div class="ranges" role="group" aria-label=${ct(lang, 'range')} part="range">
        ${RANGE_NAMES.map(
          (r) =>
            html`<button
              type="button"
              aria-pressed=${r === range ? 'true' : 'false'}
              @click=${() => this.#setRange(r)}
            >
              ${ct(lang, `range.${r}`)}
            </button>`,
        )}
      </div>
    </header>`;
    if (state.status === 'idle' || state.status === 'loading') {
      return html`<section part="chart">
        ${title}
        <div class="plot">${renderLoading(lang)}</div>
      </section>`;
    }
    if (state.status === 'error') {
      // The API's no_series: the station exists but does not measure this phenomenon (not "unknown").
      const e = state.error;
      const message =
        e instanceof ApiError && e.code === 'no_series'
          ? ct(lang, 'noSeries', {
              p: `${longLabel(this.phenomenon, lang)} (${shortLabel(this.phenomenon, lang)})`,
            })
          : undefined;
      return html`<section part="chart">${title}${renderError(e, lang, this.station, message)}</section>`;
    }
    const data = state.data;
    const stats = summary(drawable(data.series.points));
    const label = stats
      ? ct(lang, 'chartSummary', {
          p: shortLabel(this.phenomenon, lang),
          range: ct(lang, `range.${data.range}`),
          means: ct(lang, data.series.step === '1d' ? 'dailyMeans' : 'hourlyMeans'),
          min: formatReading(this.phenomenon, stats.min, lang),
          mean: formatReading(this.phenomenon, stats.mean, lang),
          max: formatReading(this.phenomenon, stats.max, lang),
          unit: unitLabel(data.series.unit),
        })
      : ct(lang, 'noData');
    return html`<section part="chart">
      ${title}
      <div class="plot" role="img" aria-label=${label}>
        <canvas part="canvas"></canvas>
        ${stats ? nothing : html`<p class="empty muted">${ct(lang, 'noData')}</p>`}
      </div>
      ${data.series.corrected ? html`<p class="note muted">${ct(lang, 'correctedNote')}</p>` : nothing}
      ${
        this.compare && data.compare && !data.compare.reference
          ? html`<p class="note muted">${ct(lang, 'noReference')}</p>`
          : nothing
      }
      ${state.stale ? html`<p class="stale" role="status">${t(lang, 'staleData', { time: formatTime(state.at, lang, 'time') })}</p>` : nothing}
      ${this.#renderTable(data, lang)}
    </section>`;
  }

  #renderTable(data: ChartData, lang: Lang) {
    const reference = this.#referencePoints(data);
    const corrected = data.series.corrected === true;
    const refByTime = new Map(reference?.points.map((p) => [p.t, p.value]) ?? []);
    const style = data.series.step === '1d' ? 'date' : 'datetime';
    return html`<details part="table">
      <summary>${ct(lang, 'table')}</summary>
      <div class="table-wrap">
        <table>
          <caption class="sr-only">
            ${longLabel(this.phenomenon, lang)}, ${ct(lang, `range.${data.range}`)}
            ${unitSuffix(data.series.unit)}
          </caption>
          <thead>
            <tr>
              <th scope="col">${ct(lang, 'time')}</th>
              <th scope="col">
                ${corrected ? ct(lang, 'thisStationCorrected') : reference ? ct(lang, 'thisStation') : ct(lang, 'value')}
                ${unitSuffix(data.series.unit)}
              </th>
              ${corrected ? html`<th scope="col">${ct(lang, 'measured')}</th>` : nothing}
              ${reference ? html`<th scope="col">AtmoSud ${reference.name}</th>` : nothing}
            </tr>
          </thead>
          <tbody>
            ${data.series.points.map(
              (p) =>
                html`<tr>
                  <th scope="row">${formatTime(p.t, lang, style)}</th>
                  <td>
                    ${p.value === null ? '–' : formatReading(this.phenomenon, p.value, lang)}
                    ${p.valid === false && p.value !== null ? html`<span class="muted">(${ct(lang, 'incomplete')})</span>` : nothing}
                  </td>
                  ${
                    corrected
                      ? html`<td>${p.raw == null ? '–' : formatReading(this.phenomenon, p.raw, lang)}</td>`
                      : nothing
                  }
                  ${
                    reference
                      ? html`<td>
                          ${refByTime.get(p.t) != null ? formatReading(this.phenomenon, refByTime.get(p.t)!, lang) : '–'}
                        </td>`
                      : nothing
                  }
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>`;
  }

  #setRange(range: ChartRange): void {
    if (range === toRange(this.range)) return;
    this.range = range;
    this.dispatchEvent(
      new CustomEvent('souffle-range-change', { detail: { range }, bubbles: true, composed: true }),
    );
  }

  override async updated(): Promise<void> {
    const state = this.#data.state;
    const canvas = this.renderRoot.querySelector('canvas');
    if (state.status !== 'ready' || !canvas) {
      this.#chart?.destroy();
      this.#chart = undefined;
      return;
    }
    const data = state.data;
    const config = buildChartConfig({
      phenomenon: this.phenomenon,
      unit: unitLabel(data.series.unit),
      range: data.range,
      from: data.from,
      to: data.to,
      points: drawable(data.series.points),
      raw: this.#rawPoints(data),
      reference: this.#referencePoints(data),
      scheme: toScheme(this.scheme),
      lang: resolveLang(this),
      colours: this.#themeColours(),
    });
    const generation = ++this.#generation;
    const { createChart } = await import('./chart-setup.js');
    // Only the newest update draws: an older one may resume later (the first import is slow).
    if (generation !== this.#generation || !this.#connected || !canvas.isConnected) return;
    // A new chart each time, rather than chart.js's in-place option update, which kept stale tick
    // and legend labels after a language change. With animations off, it is instant.
    this.#chart?.destroy();
    this.#chart = createChart(canvas, config);
    this.dispatchEvent(new CustomEvent('souffle-chart-ready', { bubbles: true, composed: true }));
  }

  /** Line colours from the custom properties, so a school can theme the canvas too. */
  #themeColours() {
    const style = getComputedStyle(this);
    const read = (name: string) => style.getPropertyValue(name).trim() || undefined;
    return {
      line: read('--souffle-accent'),
      reference: read('--souffle-reference'),
      who: read('--souffle-who'),
    };
  }

  static override styles = [baseStyles, chartStyles];
}

if (!customElements.get('souffle-chart')) customElements.define('souffle-chart', SouffleChart);

declare global {
  interface HTMLElementTagNameMap {
    'souffle-chart': SouffleChart;
  }
}
