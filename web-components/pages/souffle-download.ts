// <souffle-download station="…" lang="fr|en">: "Télécharger / Download" for the station page and
// the embed builder. A period, a step and a format (CSV, CSV for a French spreadsheet, Parquet,
// JSON lines) build the GET /api/v1/export link a teacher clicks: no curl needed. Light DOM, so
// that the pages' form styles apply; the link is a plain <a download>, so the browser streams the
// file to disk like any download.
import { LitElement, html } from 'lit';
import type { Lang } from '../i18n.js';

const PERIODS = { '7d': 7, '30d': 30, '1y': 365 } as const;
const STEPS = ['1h', '1d', 'raw'] as const;
const FORMATS = ['csv', 'excel-fr', 'parquet', 'ndjson'] as const;
type Period = keyof typeof PERIODS;
type Step = (typeof STEPS)[number];
type Format = (typeof FORMATS)[number];

const WORDS = {
  fr: {
    title: 'Télécharger les données',
    period: 'Période',
    step: 'Pas de temps',
    format: 'Format',
    '7d': '7 derniers jours',
    '30d': '30 derniers jours',
    '1y': '12 derniers mois',
    '1h': 'Moyennes horaires',
    '1d': 'Moyennes journalières',
    raw: 'Mesures brutes',
    csv: 'CSV',
    'excel-fr': 'CSV pour Excel ou LibreOffice en français',
    parquet: 'Parquet (Python, R)',
    ndjson: 'JSON (une ligne par valeur)',
    download: 'Télécharger',
    licence:
      'Licence ODbL : citez « AtmoSud » pour les stations officielles et « Souffle contributors » pour les capteurs citoyens.',
  },
  en: {
    title: 'Download the data',
    period: 'Period',
    step: 'Time step',
    format: 'Format',
    '7d': 'Last 7 days',
    '30d': 'Last 30 days',
    '1y': 'Last 12 months',
    '1h': 'Hourly means',
    '1d': 'Daily means',
    raw: 'Raw readings',
    csv: 'CSV',
    'excel-fr': 'CSV for a French Excel or LibreOffice',
    parquet: 'Parquet (Python, R)',
    ndjson: 'JSON (one line per value)',
    download: 'Download',
    licence:
      'ODbL licence: credit “AtmoSud” for official stations and “Souffle contributors” for citizen sensors.',
  },
} as const;

/** The export URL of a station's data over the last `days` before `now`, in a format. */
export function downloadUrl(o: {
  station: string;
  period: Period;
  step: Step;
  format: Format;
  now: number;
}): string {
  const q = new URLSearchParams({ station: o.station, step: o.step });
  q.set('from', new Date(o.now - PERIODS[o.period] * 86_400_000).toISOString().slice(0, 10));
  if (o.format === 'excel-fr') {
    q.set('format', 'csv');
    q.set('dialect', 'excel-fr');
  } else q.set('format', o.format);
  return `./api/v1/export?${q.toString()}`;
}

let ids = 0;

export class SouffleDownload extends LitElement {
  static override properties = {
    station: { type: String },
    lang: { type: String },
    _period: { state: true },
    _step: { state: true },
    _format: { state: true },
  };
  station = '';
  override lang: Lang = 'fr';
  _period: Period = '30d';
  _step: Step = '1h';
  _format: Format = 'csv';
  readonly #id = `download-${++ids}`;

  override createRenderRoot() {
    return this;
  }

  #select<T extends string>(
    name: 'period' | 'step' | 'format',
    values: readonly T[],
    value: T,
    set: (v: T) => void,
  ) {
    const w = WORDS[this.lang === 'en' ? 'en' : 'fr'];
    const id = `${this.#id}-${name}`;
    return html`<div class="field">
      <label for=${id}>${w[name]}</label>
      <select id=${id} name=${name} @change=${(e: Event) => set((e.target as HTMLSelectElement).value as T)}>
        ${values.map((v) => html`<option value=${v} ?selected=${v === value}>${w[v as keyof typeof w]}</option>`)}
      </select>
    </div>`;
  }

  override render() {
    const w = WORDS[this.lang === 'en' ? 'en' : 'fr'];
    const href = downloadUrl({
      station: this.station,
      period: this._period,
      step: this._step,
      format: this._format,
      now: Date.now(),
    });
    return html`<fieldset class="step download">
      <legend>${w.title}</legend>
      ${this.#select('period', Object.keys(PERIODS) as Period[], this._period, (v) => (this._period = v))}
      ${this.#select('step', STEPS, this._step, (v) => (this._step = v))}
      ${this.#select('format', FORMATS, this._format, (v) => (this._format = v))}
      <p><a class="button" href=${href} download>${w.download}</a></p>
      <p class="muted small">${w.licence}</p>
    </fieldset>`;
  }
}

customElements.define('souffle-download', SouffleDownload);
