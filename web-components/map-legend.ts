// The legend of <souffle-map>: the scheme's classes with their colours, "unavailable", and how
// official, citizen and imported stations are drawn. A <details>, so it folds away on a small map.
import { html } from 'lit';
import { UNAVAILABLE, indexBands, type IndexScheme } from '../data/indices.js';
import { t, type Lang } from './i18n.js';

/** `networks`: the names of the networks whose imported kits are on the map (a key each). */
export function renderMapLegend(
  scheme: IndexScheme,
  lang: Lang,
  open: boolean,
  networks: readonly string[] = [],
) {
  const bands = indexBands(scheme, 'pm25');
  return html`<details class="legend" part="legend" ?open=${open}>
    <summary>${t(lang, `index.${scheme}`)}</summary>
    <ul>
      ${bands.map(
        (b) => html`<li><span class="swatch" style="background:${b.colour}"></span>${b.label[lang]}</li>`,
      )}
      <li><span class="swatch" style="background:${UNAVAILABLE.colour}"></span>${UNAVAILABLE.label[lang]}</li>
    </ul>
    <p class="key"><span class="ring official"></span>${t(lang, 'official')}</p>
    <p class="key"><span class="ring citizen"></span>${t(lang, 'citizen')}</p>
    ${networks.map((name) => html`<p class="key"><span class="ring imported"></span>${name}</p>`)}
  </details>`;
}
