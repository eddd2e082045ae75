// The pages' notice about the official data: when AtmoSud could not be reached (or the puller is not
// running), "Officielles (0)" and "no AtmoSud station nearby" needed a word why, and the time the
// official data is as of (GET /api/v1/sources/atmosud, docs/api.md). Nothing is shown while it is ok.
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { AtmosudStatusResponse } from '../../data/source-api-schemas.js';
import { apiBaseFor, getJson } from '../api-client.js';
import { DataController } from '../data-controller.js';
import { DEFAULT_REFRESH_MS, formatTime } from '../format.js';
import { translator, type Lang } from '../i18n.js';

const fr = {
  title: 'Données officielles AtmoSud :',
  stale: 'Elles ne sont plus mises à jour depuis le {attempt} (le service de collecte est arrêté ?).',
  offline: 'AtmoSud ne répond pas (dernier essai le {attempt}).',
  failed: 'La dernière récupération a échoué (le {attempt}).',
  never:
    'Aucune donnée n’a encore été récupérée : les stations officielles apparaîtront après la première récupération.',
  asOf: 'Dernière récupération réussie : le {time}.',
} as const;

type Key = keyof typeof fr;

const en: Record<Key, string> = {
  title: 'AtmoSud official data:',
  stale: 'It has not been updated since {attempt} (is the collector stopped?).',
  offline: 'AtmoSud is not responding (last try {attempt}).',
  failed: 'The last pull failed ({attempt}).',
  never: 'No data has been pulled yet: official stations will appear after the first pull.',
  asOf: 'Last successful pull: {time}.',
};

const nt = translator<Key>({ fr, en });

export class AtmosudNotice {
  readonly #data: DataController<AtmosudStatusResponse>;

  constructor(host: ReactiveControllerHost) {
    this.#data = new DataController(host, {
      key: () => 'atmosud',
      load: (signal) => getJson<AtmosudStatusResponse>(`${apiBaseFor(null)}/sources/atmosud`, signal),
      refreshMs: () => DEFAULT_REFRESH_MS,
      announce: false,
    });
  }

  /** The notice, or nothing while the official data is current (or its state unknown). */
  render(lang: Lang): TemplateResult | typeof nothing {
    const state = this.#data.state;
    if (state.status !== 'ready') return nothing;
    const s = state.data;
    if (s.state === 'ok' || s.state === 'partial') return nothing;
    // Official stations without a recorded pull came from a backfill (`souffle backfill`): fine.
    if (s.state === 'never' && s.stations > 0) return nothing;
    const when = (t: string | null) => (t ? formatTime(Date.parse(t), lang, 'datetime') : '');
    return html`<p class="notice notice--warning atmosud-notice" role="status">
      <strong>${nt(lang, 'title')}</strong>
      ${nt(lang, s.state, { attempt: when(s.lastAttempt) })}
      ${s.lastSuccess ? nt(lang, 'asOf', { time: when(s.lastSuccess) }) : nothing}
    </p>`;
  }
}
