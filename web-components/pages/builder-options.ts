// The embed builder's options step: the settings of the chosen widget, as selects. The station and
// widget steps and the preview stay in the builder (souffle-embed-builder.ts).
import { html, nothing, type TemplateResult } from 'lit';
import type { StationSummary } from '../../data/api-types.js';
import { DISPLAY_ORDER } from '../../data/phenomena.js';
import { longLabel, type Lang } from '../i18n.js';
import { chartOrder, isStationChart } from '../phenomenon-order.js';
import { pt } from './page-i18n.js';
import type { BuilderOptions } from './snippet.js';
import { filterLabel } from './source-labels.js';

const RANGES = ['24h', '7d', '30d', '1y'] as const;
const RANGE_LABELS: Record<Lang, Record<(typeof RANGES)[number], string>> = {
  fr: { '24h': '24 heures', '7d': '7 jours', '30d': '30 jours', '1y': '1 an' },
  en: { '24h': '24 hours', '7d': '7 days', '30d': '30 days', '1y': '1 year' },
};
const REFRESH = ['1m', '5m', '15m', '60m'] as const;
// What the builder offers to chart: a station page's charts, then the other gases and the comfort
// readings a class looks at; not pressure, noise or the VOC/NOx indices.
const ALSO_CHARTABLE = ['co', 'co2', 'temperature', 'humidity'];
export const CHARTABLE = chartOrder(DISPLAY_ORDER).filter(
  (p) => isStationChart(p) || ALSO_CHARTABLE.includes(p),
);

/** Step 3 of the builder: the chosen widget's options (scheme, pollutant and range, map source,
 * language, refresh), each a select that patches the builder's options. */
export function renderOptionsStep(
  lang: Lang,
  o: BuilderOptions,
  station: StationSummary | undefined,
  set: (patch: Partial<BuilderOptions>) => void,
): TemplateResult {
  const phenomena = CHARTABLE.filter((p) => !station || station.phenomena.includes(p));
  const select = (
    id: string,
    label: string,
    value: string,
    options: Array<[string, string]>,
    key: keyof BuilderOptions,
  ) =>
    html`<div class="field">
      <label for=${id}>${label}</label>
      <select id=${id} @change=${(e: Event) => set({ [key]: (e.target as HTMLSelectElement).value })}>
        ${options.map(([v, text]) => html`<option value=${v} ?selected=${v === value}>${text}</option>`)}
      </select>
    </div>`;
  const schemes: Array<[string, string]> = (['atmo', 'eaqi', 'usaqi'] as const).map((s) => [
    s,
    pt(lang, `scheme.${s}`),
  ]);
  return html`<fieldset class="step">
    <legend>${pt(lang, 'stepOptions')}</legend>
    <div class="options-grid">
      ${o.tag !== 'souffle-chart' ? select('opt-scheme', pt(lang, 'scheme'), o.scheme, schemes, 'scheme') : nothing}
      ${
        o.tag === 'souffle-chart'
          ? html`${select(
              'opt-phenomenon',
              pt(lang, 'phenomenon'),
              o.phenomenon,
              phenomena.map((p) => [p, longLabel(p, lang)]),
              'phenomenon',
            )}
            ${select(
              'opt-range',
              pt(lang, 'range'),
              o.range,
              RANGES.map((r) => [r, RANGE_LABELS[lang][r]]),
              'range',
            )}`
          : nothing
      }
      ${
        o.tag === 'souffle-map'
          ? select(
              'opt-source',
              pt(lang, 'mapSource'),
              o.source,
              (['all', 'atmosud', 'citizen', 'sensor.community', 'opensensemap'] as const).map((s) => [
                s,
                filterLabel(lang, s),
              ]),
              'source',
            )
          : nothing
      }
      ${select(
        'opt-lang',
        pt(lang, 'language'),
        o.lang,
        [
          ['', pt(lang, 'langAuto')],
          ['fr', 'Français'],
          ['en', 'English'],
        ],
        'lang',
      )}
      ${select(
        'opt-refresh',
        pt(lang, 'refresh'),
        o.refresh,
        REFRESH.map((r) => [r, pt(lang, 'refreshEvery', { n: parseInt(r, 10) })]),
        'refresh',
      )}
    </div>
    ${
      o.tag === 'souffle-chart'
        ? html`<label class="checkbox">
            <input
              type="checkbox"
              .checked=${o.compare}
              @change=${(e: Event) => set({ compare: (e.target as HTMLInputElement).checked })}
            />
            ${pt(lang, 'compare')}
          </label>`
        : nothing
    }
  </fieldset>`;
}
