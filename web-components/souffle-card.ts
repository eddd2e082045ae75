// <souffle-card station="…">: a station at a glance: name, latest values with units, the index, a
// 24 h sparkline, the time of the last reading, and a clear "no data since …" when offline.
import { LitElement, html, nothing, svg } from 'lit';
import type { LatestResponse, LatestValue, SeriesResponse } from '../data/api-types.js';
import { DISPLAY_ORDER } from '../data/phenomena.js';
import { api, apiBaseFor } from './api-client.js';
import { cardStyles } from './card-styles.js';
import { DataController } from './data-controller.js';
import { formatReading, formatRelative, formatTime, parseRefresh, unitLabel } from './format.js';
import { longLabel, resolveLang, shortLabel, t, type Lang } from './i18n.js';
import { badgeStyles, renderIndexBadge } from './index-badge.js';
import { displayRank, isStationChart } from './phenomenon-order.js';
import { toScheme } from './souffle-index.js';
import { extent, sparklinePath } from './sparkline.js';
import { baseStyles, renderError, renderLoading, renderMissingStation } from './styles.js';

const MAX_VALUES = 6;
const DAY_MS = 86_400_000;

type CardData = { latest: LatestResponse; spark: SeriesResponse | null; from: number; to: number };

/** One value per phenomenon (the first sensor), in display order, at most MAX_VALUES. */
export function displayedValues(values: readonly LatestValue[]): LatestValue[] {
  const first = new Map<string, LatestValue>();
  for (const v of values) if (!first.has(v.phenomenon)) first.set(v.phenomenon, v);
  const rank = (v: LatestValue) => displayRank(v.phenomenon);
  return [...first.values()].sort((a, b) => rank(a) - rank(b)).slice(0, MAX_VALUES);
}

/** The sparkline's phenomenon: the attribute if the station measures it, else the index's dominant
 * pollutant, else the first pollutant it measures that a station page charts, in display order. */
export function sparkPhenomenon(
  attribute: string | undefined,
  latest: LatestResponse,
  scheme: string,
): string | null {
  const has = new Set(latest.station.phenomena);
  if (attribute && has.has(attribute)) return attribute;
  const dominant = latest.indices[toScheme(scheme)]?.dominant;
  if (dominant && has.has(dominant)) return dominant;
  return DISPLAY_ORDER.find((p) => has.has(p) && isStationChart(p)) ?? null;
}

export class SouffleCard extends LitElement {
  static override properties = {
    station: { type: String },
    scheme: { type: String },
    sparkline: { type: String },
    api: { type: String },
    refresh: { type: String },
    lang: { type: String },
  };

  declare station: string | undefined;
  declare scheme: string | undefined;
  declare sparkline: string | undefined;
  declare api: string | undefined;
  declare refresh: string | undefined;

  #data = new DataController<CardData>(this, {
    key: () =>
      this.station ? [apiBaseFor(this.api), this.station, this.scheme, this.sparkline].join(' ') : undefined,
    load: async (signal) => {
      const base = apiBaseFor(this.api);
      const latest = await api.latest(base, this.station!, signal);
      const to = Date.now();
      const from = to - DAY_MS;
      const phenomenon = sparkPhenomenon(this.sparkline, latest, this.scheme ?? 'atmo');
      // The sparkline is a bonus: without it the card still shows the latest values.
      const spark = phenomenon
        ? await api
            .series(base, this.station!, { phenomenon, from, to, step: '1h' }, signal)
            .catch((e: unknown) => {
              if (signal.aborted) throw e;
              return null;
            })
        : null;
      return { latest, spark, from, to };
    },
    refreshMs: () => parseRefresh(this.refresh),
    live: () => [apiBaseFor(this.api), this.station!],
  });

  override render() {
    const lang = resolveLang(this);
    const state = this.#data.state;
    if (!this.station) return renderMissingStation(lang);
    if (state.status === 'idle' || state.status === 'loading') {
      return html`<article class="card" part="card">${renderLoading(lang)}</article>`;
    }
    if (state.status === 'error') return renderError(state.error, lang, this.station);
    const { latest, spark, from, to } = state.data;
    const { station } = latest;
    const index = latest.indices[toScheme(this.scheme)];
    const values = displayedValues(latest.values);
    // Where the station is, in words: a reference station's address. A commune code or a
    // department number ("13") means nothing to a reader, and a citizen's address is private.
    const place = station.source === 'atmosud' ? station.address : null;
    return html`<article class="card ${station.status}" part="card" aria-label=${station.name}>
      <header part="header">
        <div>
          <h2 class="name" part="name">${station.name}</h2>
          <p class="meta muted">
            ${place ? html`${place} · ` : nothing}${
              station.exposure === 'indoor' ? html`${t(lang, 'indoor')} · ` : nothing
            }<span class="status ${station.status}">${t(lang, `status.${station.status}`)}</span>
          </p>
        </div>
        <span class="source ${station.source}" part="source"
          >${t(lang, station.source === 'atmosud' ? 'official' : 'citizen')}</span
        >
      </header>
      ${this.#renderFreshness(latest, lang)}
      <div class="body">
        ${index ? renderIndexBadge(index, { lang, indicative: index.indicative }) : nothing}
        ${
          values.length
            ? html`<dl class="values" part="values">
                ${values.map(
                  (v) =>
                    html`<div class="value" data-phenomenon=${v.phenomenon}>
                      <dt title=${longLabel(v.phenomenon, lang)}>${shortLabel(v.phenomenon, lang)}</dt>
                      <dd>
                        <span class="number">${formatReading(v.phenomenon, v.value, lang)}</span>
                        <span class="unit">${unitLabel(v.unit)}</span>
                      </dd>
                    </div>`,
                )}
              </dl>`
            : html`<p class="muted">${t(lang, 'noValues')}</p>`
        }
      </div>
      ${spark ? this.#renderSparkline(spark, latest, from, to, lang) : nothing}
      <footer part="footer" class="muted">
        ${station.attribution ? html`<span>${t(lang, 'source', { x: station.attribution })}</span>` : nothing}
        ${state.stale ? html`<span class="stale" role="status">${t(lang, 'staleData', { time: formatTime(state.at, lang, 'time') })}</span>` : nothing}
      </footer>
    </article>`;
  }

  #renderFreshness(latest: LatestResponse, lang: Lang) {
    const { status, lastSeen } = latest.station;
    if (status === 'never' || !lastSeen) {
      return html`<p class="freshness warning" part="freshness" role="status">${t(lang, 'neverSeen')}</p>`;
    }
    const last = Date.parse(lastSeen);
    if (status === 'offline') {
      return html`<p class="freshness warning" part="freshness" role="status">
        ${t(lang, 'noDataSince', { date: formatTime(last, lang, 'datetime') })}
      </p>`;
    }
    if (latest.station.source === 'atmosud') {
      // Reference values are hourly means stamped with their hour's start and published one to two
      // hours after it ends: "il y a 3 heures" would read as a fault. Say which hour it is.
      const hour = { from: formatTime(last, lang, 'time'), to: formatTime(last + 3_600_000, lang, 'time') };
      return html`<p class="freshness muted" part="freshness">
        <time datetime=${lastSeen}>${t(lang, 'lastHourlyMean', hour)}</time>
      </p>`;
    }
    return html`<p class="freshness muted" part="freshness">
      ${t(lang, 'lastReading', { relative: formatRelative(last, Date.now(), lang) })}
      <time datetime=${lastSeen}>(${formatTime(last, lang, 'time')})</time>
    </p>`;
  }

  #renderSparkline(spark: SeriesResponse, latest: LatestResponse, from: number, to: number, lang: Lang) {
    // Hours whose readings were all left out for a quality flag have no mean.
    const points = spark.points.flatMap((p) => (p.value === null ? [] : [{ t: p.t, value: p.value }]));
    // The line ends at the value the card shows above it, so that the caption's range includes it
    // (hourly means alone left out a current 14 beside "de 9 à 13").
    const current = displayedValues(latest.values).find((v) => v.phenomenon === spark.phenomenon);
    if (current && current.t >= from && current.t <= to) points.push({ t: current.t, value: current.value });
    const range = extent(points);
    if (!range) return nothing;
    const d = sparklinePath(points, { width: 240, height: 40, from, to });
    const label = t(lang, 'sparkline', {
      p: shortLabel(spark.phenomenon, lang),
      min: formatReading(spark.phenomenon, range.min, lang),
      max: formatReading(spark.phenomenon, range.max, lang),
      unit: unitLabel(spark.unit),
    });
    return html`<figure class="spark" part="sparkline">
      <svg viewBox="0 0 240 40" preserveAspectRatio="none" role="img" aria-label=${label}>
        ${svg`<path d=${d} fill="none" stroke="currentColor" stroke-width="1.6" vector-effect="non-scaling-stroke" stroke-linejoin="round" stroke-linecap="round"></path>`}
      </svg>
      <figcaption class="muted" aria-hidden="true">${label}</figcaption>
    </figure>`;
  }

  static override styles = [baseStyles, badgeStyles, cardStyles];
}

if (!customElements.get('souffle-card')) customElements.define('souffle-card', SouffleCard);

declare global {
  interface HTMLElementTagNameMap {
    'souffle-card': SouffleCard;
  }
}
